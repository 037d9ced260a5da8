"""Overrides oscar.apps.address.forms.UserAddressForm (the account's address book) with the US
address form the checkout uses too (shop.checkout.forms.ShippingAddressForm).

US labels, a state select (the 50 states and DC: Standard shipping goes there; no territories or
military mail), ZIP or ZIP+4 checked against the state, autofill tokens, the phone optional and
explained. Oscar's third address line is dropped: US addresses have two.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _
from localflavor.us.forms import USZipCodeField
from localflavor.us.us_states import US_STATES
from oscar.apps.address import forms as oscar_forms

from shop.address.us_zip import zip_matches_state

US_LABELS = {
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "line1": _("Street address"),
    "line2": _("Apartment, suite, unit (optional)"),
    "line4": _("City"),
    "state": _("State"),
    "postcode": _("ZIP code"),
    "phone_number": _("Phone (optional)"),
    "notes": _("Delivery instructions (optional)"),
}
AUTOCOMPLETE = {
    "first_name": "shipping given-name",
    "last_name": "shipping family-name",
    "line1": "shipping address-line1",
    "line2": "shipping address-line2",
    "line4": "shipping address-level2",
    "state": "shipping address-level1",
    "postcode": "shipping postal-code",
    "country": "shipping country",
    "phone_number": "shipping tel",
}
PHONE_HELP = _("Only for the carrier, if they can't find your address. We never call or text.")
ZIP_STATE_MISMATCH = _("This ZIP code isn't in %(state)s. Please check the ZIP code and the state.")
STATE_CHOICES = [("", _("Choose a state")), *US_STATES]


class USAddressFormMixin(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("line3", None)
        self.fields["state"] = forms.ChoiceField(choices=STATE_CHOICES, required=True)
        self.fields["postcode"] = USZipCodeField(
            required=True,
            error_messages={"invalid": _("Enter a 5-digit ZIP code, or ZIP+4 like 62701-1234.")},
        )
        self.fields["phone_number"].help_text = PHONE_HELP
        for name, field in self.fields.items():
            if name in US_LABELS:
                field.label = US_LABELS[name]
            if name in AUTOCOMPLETE:
                field.widget.attrs["autocomplete"] = AUTOCOMPLETE[name]
        self.fields["postcode"].widget.attrs["inputmode"] = "numeric"
        self.fields["phone_number"].widget.attrs.update({"type": "tel", "inputmode": "tel"})

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
        state, zip_code = cleaned_data.get("state"), cleaned_data.get("postcode")
        if state and zip_code and not zip_matches_state(zip_code=zip_code, state=state):
            self.add_error(
                "postcode", ZIP_STATE_MISMATCH % {"state": dict(US_STATES).get(state, state)}
            )
        return cleaned_data

    def full_clean(self):
        super().full_clean()
        # Oscar's model repeats a missing or bad ZIP as a form-wide "postcode" error.
        if "postcode" in self.errors and NON_FIELD_ERRORS in self.errors:
            del self.errors[NON_FIELD_ERRORS]


class UserAddressForm(USAddressFormMixin, oscar_forms.UserAddressForm):
    class Meta(oscar_forms.UserAddressForm.Meta):
        fields = [f for f in oscar_forms.UserAddressForm.Meta.fields if f != "line3"]
