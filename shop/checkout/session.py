"""Overrides oscar.apps.checkout.session.CheckoutSessionMixin: an empty cart at the checkout is
sent back with our words (Oscar: "You need to add some items to your basket to checkout")."""

from django.urls import reverse
from oscar.apps.checkout import exceptions
from oscar.apps.checkout import session as oscar_session

EMPTY_CART_MESSAGE = "Your cart is empty: choose a size first, then check out."


class CheckoutSessionMixin(oscar_session.CheckoutSessionMixin):
    def check_basket_is_not_empty(self, request):
        if request.basket.is_empty:
            raise exceptions.FailedPreCondition(
                url=reverse("basket:summary"), message=EMPTY_CART_MESSAGE
            )
