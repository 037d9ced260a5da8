"""Overrides oscar.apps.partner.availability.StockRequired: customers see "In stock", "Only 3 left"
or "Sold out", never the stock count (Oscar: "In stock (200 available)", "a maximum of 197 can
be bought")."""

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from oscar.apps.partner import availability

SOLD_OUT = _("Sold out")
IN_STOCK = _("In stock")


class StockRequired(availability.StockRequired):
    def _low(self) -> bool:
        return 0 < self.num_available <= settings.SHOP_LOW_STOCK_THRESHOLD

    def _only_left(self) -> str:
        return ngettext("Only %(n)d left", "Only %(n)d left", self.num_available) % {
            "n": self.num_available
        }

    def is_purchase_permitted(self, quantity):
        if self.num_available <= 0:
            return False, _("Sorry, this size is sold out.")
        if quantity > self.num_available:
            if self._low():
                return False, _("%(only)s: please choose %(n)d or fewer.") % {
                    "only": self._only_left(),
                    "n": self.num_available,
                }
            return False, _("We don't have that many in stock right now: please choose fewer.")
        return True, ""

    @property
    def short_message(self):
        return self.message

    @property
    def message(self) -> str | Promise:
        if self.num_available <= 0:
            return SOLD_OUT
        return self._only_left() if self._low() else IN_STOCK


class Unavailable(availability.Unavailable):
    message = _("Not available")
