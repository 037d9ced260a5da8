"""Stripe webhooks: verify on the raw body, dispatch to an idempotent handler, store each event id once."""

from django.db import IntegrityError, transaction

from shop.payment import client
from shop.payment.models import StripeEvent
from shop.payment.services import (
    charge_refund_record,
    order_payment_confirm,
    order_payment_expire,
)


class NotYetHandled(Exception):
    """The event refers to something we cannot act on yet; Stripe should deliver it again."""


def _session_completed(event: client.WebhookEvent) -> None:
    session = client.CheckoutSession.from_stripe_data(event.data_object)
    # The signed payload says what Stripe knew then; completed-but-unpaid (async methods) waits
    # for checkout.session.async_payment_succeeded.
    order_payment_confirm(session_id=session.id, session=session)


def _session_expired(event: client.WebhookEvent) -> None:
    order_payment_expire(session_id=event.data_object["id"])


def _async_payment_failed(event: client.WebhookEvent) -> None:
    session_id = event.data_object["id"]
    order_payment_expire(
        session_id=session_id, note=f"The delayed payment of {session_id} failed; order cancelled."
    )


def _charge_refunded(event: client.WebhookEvent) -> None:
    charge = event.data_object
    amount = client.amount_from_minor_units(charge["amount_refunded"], charge["currency"])
    if not charge_refund_record(payment_intent_id=charge["payment_intent"], amount_refunded=amount):
        raise NotYetHandled(f"no payment {charge['payment_intent']} recorded yet")


HANDLERS = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_completed,
    "checkout.session.async_payment_failed": _async_payment_failed,
    "checkout.session.expired": _session_expired,
    "charge.refunded": _charge_refunded,
}


def webhook_event_handle(*, event: client.WebhookEvent) -> bool:
    """Handle a verified event once. False for a duplicate delivery.

    Handlers are idempotent and run in transactions of their own (shop.order.locking, which
    retries a deadlock or a lost connection); the event id is stored once its handler succeeded,
    so a failure stores nothing, the endpoint answers non-2xx and Stripe delivers it again."""
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return False
    handler = HANDLERS.get(event.type)
    if handler is not None:
        handler(event)
    try:
        with transaction.atomic():
            StripeEvent.objects.create(event_id=event.id, type=event.type)
    except IntegrityError:
        return False  # a concurrent delivery of the same event stored it first
    return True
