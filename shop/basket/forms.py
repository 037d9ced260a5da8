"""Overrides Oscar's BasketVoucherForm (spaces anywhere in a code are ignored, not only around
it), BasketLineForm and AddToBasketForm (a cap per line, below)."""

from django import forms
from django.conf import settings
from oscar.apps.basket import forms as oscar_forms

from shop.voucher.selectors import code_normalize


class BasketVoucherForm(oscar_forms.BasketVoucherForm):
    def clean_code(self):
        return code_normalize(self.cleaned_data["code"])


# --- A cap per line (SHOP_MAX_LINE_QUANTITY): overrides BasketLineForm and AddToBasketForm ------
# Oscar caps only the basket's total items (OSCAR_MAX_BASKET_QUANTITY_THRESHOLD); 150 jars of one
# size went into a cart. The cap counts what the basket already holds of the product.


def line_cap_message() -> str:
    cap = settings.SHOP_MAX_LINE_QUANTITY
    return (
        f"You can order up to {cap} of each size at a time. "
        "For a larger order, write to us at the address below."
    )


class BasketLineForm(oscar_forms.BasketLineForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap = settings.SHOP_MAX_LINE_QUANTITY
        current = self.fields["quantity"].widget.attrs.get("max")
        self.fields["quantity"].widget.attrs["max"] = min(cap, current) if current else cap

    def clean_quantity(self):
        quantity = super().clean_quantity()
        if quantity > settings.SHOP_MAX_LINE_QUANTITY:
            raise forms.ValidationError(line_cap_message())
        return quantity


class AddToBasketForm(oscar_forms.AddToBasketForm):
    def clean(self):
        cleaned_data = super().clean()
        quantity = cleaned_data.get("quantity")
        if quantity and not self.errors:
            product = getattr(self, "child_product", None) or self.parent_product
            if self.basket.product_quantity(product) + quantity > settings.SHOP_MAX_LINE_QUANTITY:
                raise forms.ValidationError(line_cap_message())
        return cleaned_data
