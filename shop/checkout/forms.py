"""Overrides oscar.apps.checkout.forms.GatewayForm (a guest can continue in a browser) and
ShippingAddressForm (a US address form, below).

Oscar's form keeps Django's required password, so the page's password box carries `required`
and browsers refuse to submit the form with "checkout as a guest" chosen. The password is
required only when the visitor says they have an account. The box also gets an accessible name.
Neither a guest nor a new customer is told that their email already has an account (Oscar says
so, which lets anyone test addresses): a guest checks out as a guest (its code use is still
counted by email), a new customer goes on to registration, whose email tells them.
"""

from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import forms as oscar_forms

from shop.address.forms import USAddressFormMixin

PASSWORD_MISSING = _("Please enter your password, or choose to check out as a guest.")


class GatewayForm(oscar_forms.GatewayForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].required = False
        # Oscar's page puts the box after the "returning customer" choice, without a label.
        self.fields["password"].widget.attrs["aria-label"] = _("Password")
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})

    def clean(self):
        if self.cleaned_data.get("options") in (self.GUEST, self.NEW):
            self.errors.pop("password", None)
            return self.cleaned_data
        cleaned_data = super().clean()
        if cleaned_data.get("options") == self.EXISTING and not cleaned_data.get("password"):
            self.add_error("password", PASSWORD_MISSING)
        return cleaned_data


# --- The shipping address (overrides oscar.apps.checkout.forms.ShippingAddressForm) --------------
# A US form (shop.address.forms.USAddressFormMixin); Oscar's third address line is dropped.


class ShippingAddressForm(USAddressFormMixin, oscar_forms.ShippingAddressForm):
    class Meta(oscar_forms.ShippingAddressForm.Meta):
        fields = [f for f in oscar_forms.ShippingAddressForm.Meta.fields if f != "line3"]
