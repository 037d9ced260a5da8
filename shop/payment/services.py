"""Writes for Stripe Checkout payments.

Every path that learns a session was paid (return page, webhook, reconciliation) goes through
`order_payment_confirm`, which locks the order and is a no-op the second time.
"""

import logging
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from shop.order.services import order_release
from shop.payment import client
from shop.payment.models import CheckoutAttempt

logger = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")

SOURCE_NAME = "Stripe"
LATE_PAYMENT_NOTE = (
    "Payment {session} arrived after the order was cancelled; refunded in full ({refund})."
)


def _source_type():
    source_type, _ = SourceType.objects.get_or_create(code="stripe", defaults={"name": SOURCE_NAME})
    return source_type


def _event_type(name: str):
    event_type, _ = PaymentEventType.objects.get_or_create(name=name)
    return event_type


def checkout_session_open(*, order, success_url: str, cancel_url: str) -> str:
    """Open a Stripe Checkout Session for the order's total; returns the URL to send the
    customer to. One idempotency key per attempt, so a retried call cannot open two."""
    # New per attempt (client retries inside one call reuse it): order numbers alone can repeat
    # against one Stripe account when a development database is reset.
    idempotency_key = f"releaf-checkout-{order.number}-{uuid.uuid4().hex}"
    codes = sorted({d.voucher_code for d in order.discounts.all() if d.voucher_code})
    metadata = {"order_number": order.number}
    if codes:
        metadata["discount_codes"] = ",".join(codes)
    session = client.checkout_session_create(
        order_number=order.number,
        amount=order.total_incl_tax,
        currency=order.currency,
        customer_email=order.email,
        success_url=success_url,
        cancel_url=cancel_url,
        metadata=metadata,
        idempotency_key=idempotency_key,
    )
    CheckoutAttempt.objects.get_or_create(
        session_id=session.id, defaults={"order": order, "idempotency_key": idempotency_key}
    )
    return session.url


def order_payment_confirm(*, session_id: str, session: client.CheckoutSession | None = None):
    """Finish the order of a paid session: record the payment and move it to "Paid".

    Locked and idempotent. A payment that does not match the order (amount, currency) flags
    the order for review instead; one that arrives for a cancelled order is refunded.
    Returns the order (None for a session we never opened).
    """
    if session is None:
        session = client.checkout_session_retrieve(session_id=session_id)
    attempt = CheckoutAttempt.objects.filter(session_id=session_id).first()
    if attempt is None:
        return None
    if session.payment_status != "paid":
        return attempt.order
    refund_needed = False
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=attempt.order_id)
        attempt = CheckoutAttempt.objects.get(pk=attempt.pk)
        if attempt.paid_at is not None:
            return order  # done before: the second caller changes nothing
        attempt.paid_at = timezone.now()
        attempt.save(update_fields=["paid_at"])
        Source.objects.create(
            order=order,
            source_type=_source_type(),
            currency=session.currency.upper(),
            amount_allocated=session.amount_total,
            amount_debited=session.amount_total,
            reference=session.payment_intent_id or "",
            label=session.id,
        )
        PaymentEvent.objects.create(
            order=order,
            amount=session.amount_total,
            reference=session.id,
            event_type=_event_type("Paid"),
        )
        if order.status != settings.SHOP_ORDER_STATUS_PENDING:
            refund_needed = True  # cancelled meanwhile (or paid by another session)
        elif (
            session.amount_total != order.total_incl_tax
            or session.currency.lower() != order.currency.lower()
        ):
            order.set_status(settings.SHOP_ORDER_STATUS_REVIEW)
            OrderNote.objects.create(
                order=order,
                note_type="System",
                message=f"Stripe reported {session.amount_total} {session.currency.upper()} "
                f"for session {session.id}; the order is {order.total_incl_tax} "
                f"{order.currency}. Not fulfilled: check before shipping or refunding.",
            )
        else:
            order.set_status(settings.SHOP_ORDER_STATUS_PAID)
            if order.basket_id:
                Basket.objects.filter(pk=order.basket_id).update(
                    status=Basket.SUBMITTED, date_submitted=timezone.now()
                )
            from shop.checkout.tasks import order_confirmation_send

            transaction.on_commit(lambda: order_confirmation_send.delay(order.pk), robust=True)
    if refund_needed:
        payment_refund_late(order=order, session=session)
    return order


def payment_refund_late(*, order, session: client.CheckoutSession) -> None:
    """Refund in full a payment that came for an order we no longer fill."""
    refund = client.refund_create(
        payment_intent_id=session.payment_intent_id,
        amount=session.amount_total,
        currency=session.currency,
        idempotency_key=f"releaf-late-payment-{session.id}",
        metadata={"order_number": order.number, "reason": "order no longer open"},
    )
    OrderNote.objects.get_or_create(
        order=order,
        note_type="System",
        message=LATE_PAYMENT_NOTE.format(session=session.id, refund=refund.id),
    )


def order_payment_expire(*, session_id: str) -> None:
    """A session ran out (or was expired by us): cancel its order if it is still pending."""
    attempt = CheckoutAttempt.objects.filter(session_id=session_id).first()
    if attempt is None:
        return
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=attempt.order_id)
        if order.status != settings.SHOP_ORDER_STATUS_PENDING:
            return
        open_elsewhere = order.attempts.exclude(pk=attempt.pk).filter(paid_at__isnull=False)
        if open_elsewhere.exists():
            return
        order_release(order=order, note=f"Stripe session {session_id} expired; order cancelled.")


def order_checkout_cancel(*, order) -> bool:
    """The customer came back from Stripe's page without paying: expire the session so it can
    no longer be paid, then cancel the order. False when the session turned out to be paid."""
    for attempt in order.attempts.all():
        try:
            client.checkout_session_expire(session_id=attempt.session_id)
        except client.PaymentProviderError:
            session = client.checkout_session_retrieve(session_id=attempt.session_id)
            if session.payment_status == "paid":
                order_payment_confirm(session_id=attempt.session_id, session=session)
                return False
        order_payment_expire(session_id=attempt.session_id)
    return True


def order_refund(*, order, amount: Decimal, requested_by: str, request_key: str) -> client.Refund:
    """Refund part or all of an order's Stripe payment (recorded when charge.refunded comes).
    `request_key` comes with the staff member's form, so a double submit refunds once."""
    source = order.sources.get(source_type__code="stripe")
    refundable = source.amount_debited - source.amount_refunded
    if amount <= 0 or amount > refundable:
        raise ValueError(f"Refund between 0.01 and {refundable}")
    refund = client.refund_create(
        payment_intent_id=source.reference,
        amount=amount,
        currency=source.currency,
        idempotency_key=f"releaf-refund-{order.number}-{request_key}",
        metadata={"order_number": order.number},
    )
    OrderNote.objects.create(
        order=order,
        note_type="System",
        message=f"Refund requested by {requested_by}: {amount} {source.currency} ({refund.id}).",
    )
    return refund


def charge_refund_record(*, payment_intent_id: str, amount_refunded: Decimal) -> bool:
    """Record Stripe's running refunded total for a payment. Order-insensitive and idempotent:
    only an increase is recorded. False when the payment is not (yet) known to us."""
    with transaction.atomic():
        source = (
            Source.objects.select_for_update()
            .filter(source_type__code="stripe", reference=payment_intent_id)
            .first()
        )
        if source is None:
            return False
        increase = amount_refunded - source.amount_refunded
        if increase > 0:
            source.amount_refunded = amount_refunded
            source.save(update_fields=["amount_refunded"])
            PaymentEvent.objects.create(
                order=source.order,
                amount=increase,
                reference=payment_intent_id,
                event_type=_event_type("Refunded"),
            )
        return True


def payments_reconcile(*, older_than_minutes: int | None = None) -> int:
    """Ask Stripe about sessions of orders still pending after a while; finish or cancel them.
    Returns how many orders changed."""
    minutes = older_than_minutes or settings.SHOP_PAYMENT_RECONCILE_AFTER_MINUTES
    cutoff = timezone.now() - timezone.timedelta(minutes=minutes)
    attempts = CheckoutAttempt.objects.filter(
        paid_at__isnull=True,
        created_at__lt=cutoff,
        order__status=settings.SHOP_ORDER_STATUS_PENDING,
    ).select_related("order")
    changed = 0
    for attempt in attempts:
        try:
            session = client.checkout_session_retrieve(session_id=attempt.session_id)
        except client.PaymentProviderError:
            logger.warning("Reconciliation: could not retrieve %s", attempt.session_id)
            continue
        if session.payment_status == "paid":
            order_payment_confirm(session_id=attempt.session_id, session=session)
            changed += 1
        elif session.status == "expired":
            order_payment_expire(session_id=attempt.session_id)
            changed += 1
    return changed
