"""Overrides oscar.apps.basket.utils.BasketMessageGenerator: no "Your cart total is now $34.00"
message after every change (the page right below shows the totals, with the code's discount,
which that message left out), and no "Checkout now" button in a message about an empty cart."""

from django.contrib import messages
from django.utils.translation import gettext as _
from oscar.apps.basket import utils


class BasketMessageGenerator(utils.BasketMessageGenerator):
    def get_new_total_messages(self, basket, include_buttons=True):
        if basket.is_empty:
            return [(messages.INFO, _("Your cart is now empty."))]
        return []
