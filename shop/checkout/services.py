"""Writes for the checkout: the visitor's order waiting on its payment page and their basket given
back. The order confirmation email is shop.followups' (planned when the order is paid)."""

import logging

from django.conf import settings
from django.utils import timezone
from oscar.core.loading import get_class, get_model

Applicator = get_class("offer.applicator", "Applicator")
Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")

logger = logging.getLogger(__name__)

PENDING_ORDER_SESSION_KEY = "shop_pending_order"


def checkout_basket_restore(*, request, order) -> None:
    """Make a released order's basket the visitor's basket again, merging anything they added
    while the payment page was open."""
    basket = Basket.objects.filter(pk=order.basket_id, status=Basket.OPEN).first()
    if basket is None:
        return
    current = request.basket
    if current.id and current.id != basket.id:
        basket.merge(current)
    basket.strategy = request.strategy
    Applicator().apply(basket, request.user, request)
    request.basket = basket


def checkout_pending_order(*, request):
    """The order the visitor was last sent to pay, while it waits for payment ("Pending
    payment"), or None. An order that ended meanwhile is forgotten and returned once; when it
    was released (cancelled), its basket is the visitor's again."""
    number = request.session.get(PENDING_ORDER_SESSION_KEY)
    if not number:
        return None
    order = Order.objects.filter(number=number).first()
    if order is not None and order.status == settings.SHOP_ORDER_STATUS_PENDING:
        return order
    request.session.pop(PENDING_ORDER_SESSION_KEY, None)
    if order is not None and order.status == settings.SHOP_ORDER_STATUS_CANCELLED:
        checkout_basket_restore(request=request, order=order)
    return order


def checkout_open_page_url(*, order) -> str | None:
    """Stripe's payment page for a pending order while it can still be paid."""
    attempt = (
        order.attempts.filter(paid_at__isnull=True, expires_at__gt=timezone.now())
        .exclude(url="")
        .last()
    )
    return attempt.url if attempt else None
