"""Overrides Oscar's BasketVoucherForm: spaces anywhere in a code are ignored, not only around it."""

from oscar.apps.basket import forms as oscar_forms

from shop.voucher.selectors import code_normalize


class BasketVoucherForm(oscar_forms.BasketVoucherForm):
    def clean_code(self):
        return code_normalize(self.cleaned_data["code"])
