"""Counts orders that came from a self-check result (Oscar's order and checkout signals)."""

from django.dispatch import receiver
from oscar.apps.checkout.signals import post_checkout
from oscar.apps.order.signals import order_placed

from guidance.services import funnel_order_attribute
from guidance.session import RESULT_TOKEN_KEY, VISITOR_KEY


@receiver(order_placed, dispatch_uid="guidance-order-placed")
def attribute_placed_order(sender, order, user=None, **kwargs):
    # No request here (it may come from a payment webhook): match by account or email.
    funnel_order_attribute(order_number=order.number, email=order.email or "", user=order.user)


@receiver(post_checkout, dispatch_uid="guidance-post-checkout")
def attribute_checkout(sender, order, user=None, request=None, **kwargs):
    session = request.session if request is not None else {}
    funnel_order_attribute(
        order_number=order.number,
        email=order.email or "",
        user=order.user,
        result_token=session.get(RESULT_TOKEN_KEY, ""),
        visitor_key=session.get(VISITOR_KEY, ""),
    )
