"""Writes for the checkout: the visitor's order waiting on its payment page, their basket given
back, and Oscar's order confirmation email, sent once per paid order."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from shop.payment.models import CheckoutAttempt

Applicator = get_class("offer.applicator", "Applicator")
Basket = get_model("basket", "Basket")
CommunicationEvent = get_model("order", "CommunicationEvent")
CommunicationEventType = get_model("communication", "CommunicationEventType")
Order = get_model("order", "Order")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")

logger = logging.getLogger(__name__)

ORDER_PLACED = OrderDispatcher.ORDER_PLACED_EVENT_CODE
PENDING_ORDER_SESSION_KEY = "shop_pending_order"
# The catch-up leaves a payment this recent to the task enqueued at payment time.
CATCH_UP_AFTER = timedelta(minutes=1)
CATCH_UP_WITHIN = timedelta(days=3)


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


def _event_type():
    event_type, _ = CommunicationEventType.objects.get_or_create(
        code=ORDER_PLACED,
        defaults={"name": "Order placed", "category": CommunicationEventType.ORDER_RELATED},
    )
    return event_type


def order_confirmation_send(*, order_id: int) -> bool:
    """Send Oscar's "order placed" email for a paid order; False when it was sent before.

    The order row stays locked from the check to the record of the send, so the task enqueued
    at payment time and the catch-up cannot both send. An SMTP failure rolls back and raises
    (the task retries); a crash after the server took the message but before the commit is the
    one way to send twice."""
    event_type = _event_type()
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",)).select_related("user").get(pk=order_id)
        )
        if CommunicationEvent.objects.filter(order=order, event_type=event_type).exists():
            return False
        if order.user_id:
            path = reverse("customer:order", kwargs={"order_number": order.number})
        else:
            path = reverse(
                "customer:anon-order",
                kwargs={"order_number": order.number, "hash": order.verification_hash()},
            )
        context = {
            "user": order.user,
            "order": order,
            "lines": order.lines.all(),
            "status_path": path,
            "status_url": f"{settings.SITE_URL}{path}",
        }
        OrderDispatcher().send_order_placed_email_for_user(order, context)  # records the event
    return True


def order_confirmations_catch_up() -> int:
    """Send the confirmations of orders paid a while ago that have none (the broker was down at
    payment time, or the task ran out of retries). Returns how many were sent."""
    now = timezone.now()
    paid = CheckoutAttempt.objects.filter(
        paid_at__gte=now - CATCH_UP_WITHIN,
        paid_at__lt=now - CATCH_UP_AFTER,
        late_refund_due=False,
    ).values("order_id")
    missing = (
        Order.objects.filter(pk__in=paid)
        .exclude(
            status__in=[settings.SHOP_ORDER_STATUS_REVIEW, settings.SHOP_ORDER_STATUS_CANCELLED]
        )
        .exclude(communication_events__event_type__code=ORDER_PLACED)
        .values_list("pk", flat=True)
    )
    sent = 0
    for order_id in missing:
        try:
            sent += order_confirmation_send(order_id=order_id)
        except Exception:  # noqa: BLE001  (one bad order must not stop the others)
            logger.exception("Order confirmation catch-up failed", extra={"order_id": order_id})
    return sent
