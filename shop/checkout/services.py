"""Writes for the checkout: Oscar's order confirmation email, sent once per order."""

from django.conf import settings
from django.urls import reverse
from oscar.core.loading import get_class, get_model

CommunicationEvent = get_model("order", "CommunicationEvent")
CommunicationEventType = get_model("communication", "CommunicationEventType")
Order = get_model("order", "Order")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")

ORDER_PLACED = OrderDispatcher.ORDER_PLACED_EVENT_CODE


def order_confirmation_send(*, order_id: int) -> bool:
    """Send Oscar's "order placed" email for a paid order; False when it was sent before."""
    order = Order.objects.select_related("user").get(pk=order_id)
    event_type, _ = CommunicationEventType.objects.get_or_create(
        code=ORDER_PLACED,
        defaults={"name": "Order placed", "category": CommunicationEventType.ORDER_RELATED},
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
    OrderDispatcher().send_order_placed_email_for_user(order, context)
    return True
