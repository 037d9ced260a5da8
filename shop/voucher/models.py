"""Overrides Oscar's Voucher.is_available_to_user: ONCE_PER_CUSTOMER admits guests, who are
counted by email at checkout and at order placement (shop.voucher.selectors)."""

from oscar.apps.voucher.abstract_models import AbstractVoucher


class Voucher(AbstractVoucher):
    def is_available_to_user(self, user=None):
        if self.usage == self.ONCE_PER_CUSTOMER and not getattr(user, "is_authenticated", False):
            return True, ""
        return super().is_available_to_user(user=user)


from oscar.apps.voucher.models import *  # noqa: E402,F401,F403
