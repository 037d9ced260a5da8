"""Writes for Stripe Checkout payments, and the rules for when something fails.

An order exists before its payment page: placement (`shop.order.utils.OrderCreator`, one
transaction) freezes the basket and holds the stock and the code for a "Pending payment" order.
From then on every path ends in one of two idempotent, locked steps:

- **Paid**: the return page, the webhook and reconciliation all call `order_payment_confirm`.
- **Not paid**: `order_release` (shop.order.services) gives back the stock, the code and the
  basket exactly once. It runs when Stripe fails or hangs while the page is opened
  (`checkout_session_open` releases before it raises), when the customer cancels
  (`order_checkout_cancel`, even when Stripe cannot be reached to expire the session), when the
  session expires (`expires_at` is SHOP_CHECKOUT_SESSION_MINUTES away: the webhook, or
  reconciliation), and when a delayed payment fails.
- **No pending order without a live session**: `payments_reconcile` (beat, every minute) releases
  orders whose page was never opened (a web process died, or the database failed mid-release)
  after ORPHAN_AFTER, asks Stripe about sessions whose webhook is late, and expires sessions
  Stripe has not expired on time.
- **A payment for a released order** is refunded in full, once (`late_refund_due` /
  `late_refund_id`; a failed refund is tried again by the next delivery or reconciliation).

Rows are locked in shop.order.locking's order inside `checkout_transaction` (a deadlock or a lost
connection is retried once). Customer requests call Stripe under `client.deadline()`.
"""

import logging
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from oscar.core.loading import get_model

from shop.followups.services import order_refund_email_plan
from shop.order.locking import checkout_transaction, order_lock
from shop.order.services import order_release
from shop.payment import client
from shop.payment.models import CheckoutAttempt, StaffRefund
from shop.payment.selectors import order_refund_summary

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
# Longer than any web request lives (GUNICORN_TIMEOUT): an order this old with no session never
# got its payment page.
ORPHAN_AFTER = timedelta(minutes=2)
# Stripe expires sessions on time but may be late to say so; after this we expire it ourselves.
EXPIRY_GRACE = timedelta(minutes=1)


def _source_type():
    source_type, _ = SourceType.objects.get_or_create(code="stripe", defaults={"name": SOURCE_NAME})
    return source_type


def _event_type(name: str):
    event_type, _ = PaymentEventType.objects.get_or_create(name=name)
    return event_type


def checkout_session_open(*, order, success_url: str, cancel_url: str) -> str:
    """Open a Stripe Checkout Session for a pending order; returns the URL to send the customer
    to. One idempotency key per attempt, so a retried call cannot open two.

    When Stripe fails, hangs past the deadline or refuses (PaymentProviderError), the order is
    released before the error is raised: nothing can be paid, since the customer never got a
    URL (a session Stripe made anyway is unreachable and expires). When the database fails after
    Stripe answered, the order stays pending without a session and reconciliation releases it.
    """
    # New per attempt (client retries inside one call reuse it): order numbers alone can repeat
    # against one Stripe account when a development database is reset.
    idempotency_key = f"releaf-checkout-{order.number}-{uuid.uuid4().hex}"
    codes = sorted({d.voucher_code for d in order.discounts.all() if d.voucher_code})
    metadata = {"order_number": order.number}
    if codes:
        metadata["discount_codes"] = ",".join(codes)
    try:
        session = client.checkout_session_create(
            order_number=order.number,
            amount=order.total_incl_tax,
            currency=order.currency,
            customer_email=order.email,
            success_url=success_url,
            cancel_url=cancel_url,
            metadata=metadata,
            idempotency_key=idempotency_key,
            # a few seconds over: Stripe counts its minimum of 30 minutes from its own clock
            expires_at=timezone.now()
            + timedelta(minutes=settings.SHOP_CHECKOUT_SESSION_MINUTES, seconds=10),
            payment_method_types=settings.SHOP_STRIPE_PAYMENT_METHOD_TYPES,
        )
        if not session.url:  # Stripe sends one with every hosted session it opens
            raise client.PaymentProviderError(f"Stripe session {session.id} has no page URL")
    except client.PaymentProviderError as exc:
        logger.warning(
            "Order #%s: no payment page (%s)",
            order.number,
            exc,
            extra={"order": order.number, "http_status": exc.http_status, "code": exc.code},
        )
        order_release_unpaid(order_id=order.pk, note="Stripe could not open a payment page.")
        raise

    def record() -> bool:
        locked = order_lock(order.pk)
        CheckoutAttempt.objects.get_or_create(
            session_id=session.id,
            defaults={
                "order": locked,
                "idempotency_key": idempotency_key,
                "url": session.url or "",
                "expires_at": session.expires_at,
            },
        )
        return locked.status == settings.SHOP_ORDER_STATUS_PENDING

    if not checkout_transaction(record, name="checkout_session_record"):
        # Released meanwhile (reconciliation): this page must never take money.
        try:
            client.checkout_session_expire(session_id=session.id)
        except client.PaymentProviderError:
            pass  # a payment that still comes is refunded (payment_refund_late)
        raise client.PaymentProviderError(f"Order {order.number} is no longer pending")
    return session.url


def order_release_unpaid(*, order_id: int, note: str) -> bool:
    """Cancel a pending order that no session paid and give back what it holds. False when it
    was paid or cancelled already."""

    def release() -> bool:
        order = order_lock(order_id)
        if order.status != settings.SHOP_ORDER_STATUS_PENDING:
            return False
        if order.attempts.filter(paid_at__isnull=False).exists():
            return False
        order_release(order=order, note=note)
        return True

    return checkout_transaction(release, name="order_release_unpaid")


def order_payment_confirm(*, session_id: str, session: client.CheckoutSession | None = None):
    """Finish the order of a paid session: record the payment and move it to "Paid".

    Locked and idempotent. A payment that does not match the order (amount, currency) flags
    the order for review instead; one that arrives for a cancelled order is refunded.
    Returns the order (None for a session we never opened). Raises PaymentProviderError when
    `session` is not given and Stripe cannot be asked.
    """
    attempt = CheckoutAttempt.objects.filter(session_id=session_id).first()
    if attempt is None:
        return None
    if session is None:
        session = client.checkout_session_retrieve(session_id=session_id)
    if session.payment_status != "paid":
        return attempt.order
    order, refund_due = checkout_transaction(
        lambda: _payment_record(attempt_id=attempt.pk, session=session),
        name="order_payment_confirm",
    )
    if refund_due:
        payment_refund_late(order=order, attempt=attempt, session=session)
    return order


def _payment_record(*, attempt_id: int, session: client.CheckoutSession):
    """(order, whether a late refund is still due), under the order's lock."""
    order_id = CheckoutAttempt.objects.values_list("order_id", flat=True).get(pk=attempt_id)
    order = order_lock(order_id)
    attempt = CheckoutAttempt.objects.get(pk=attempt_id)
    if attempt.paid_at is not None:  # done before: the second caller changes nothing
        return order, attempt.late_refund_due and not attempt.late_refund_id
    attempt.paid_at = timezone.now()
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
        attempt.late_refund_due = True  # cancelled meanwhile (or paid by another session)
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
    attempt.save(update_fields=["paid_at", "late_refund_due"])
    return order, attempt.late_refund_due


def payment_refund_late(*, order, attempt: CheckoutAttempt, session: client.CheckoutSession):
    """Refund in full a payment that came for an order we no longer fill (once per session)."""
    if session.payment_intent_id is None:  # a paid session in payment mode always has one
        raise client.PaymentProviderError(f"Session {session.id} has no payment to refund")
    refund = client.refund_create(
        payment_intent_id=session.payment_intent_id,
        amount=session.amount_total,
        currency=session.currency,
        idempotency_key=f"releaf-late-payment-{session.id}",
        metadata={"order_number": order.number, "reason": "order no longer open"},
    )
    CheckoutAttempt.objects.filter(pk=attempt.pk).update(late_refund_id=refund.id)
    OrderNote.objects.get_or_create(
        order=order,
        note_type="System",
        message=LATE_PAYMENT_NOTE.format(session=session.id, refund=refund.id),
    )


def order_payment_expire(*, session_id: str, note: str = "") -> bool:
    """A session ran out, was expired by us or its delayed payment failed: cancel its order if
    it is still pending and no session paid it. False when nothing changed."""
    attempt = CheckoutAttempt.objects.filter(session_id=session_id).first()
    if attempt is None:
        return False
    return order_release_unpaid(
        order_id=attempt.order_id,
        note=note or f"Stripe session {session_id} expired; order cancelled.",
    )


def order_checkout_cancel(*, order) -> bool:
    """The customer left Stripe's page without paying: expire the session so it can no longer
    be paid, then release the order. When Stripe cannot be reached the order is released all
    the same (the customer gets their basket back; a payment that still comes is refunded).
    False when the session turned out to be paid."""
    for attempt in order.attempts.filter(paid_at__isnull=True):
        try:
            client.checkout_session_expire(session_id=attempt.session_id)
        except client.PaymentProviderError as exc:
            if exc.http_status is None:
                continue  # unreachable: release below
            try:  # Stripe refused: the session is no longer open. Paid?
                session = client.checkout_session_retrieve(session_id=attempt.session_id)
            except client.PaymentProviderError:
                continue
            if session.payment_status == "paid":
                order_payment_confirm(session_id=attempt.session_id, session=session)
                return False
    if order.attempts.filter(paid_at__isnull=False).exists():
        return False
    order_release_unpaid(order_id=order.pk, note="The customer cancelled on the payment page.")
    return True


def order_refund(*, order, amount: Decimal, requested_by, request_key: str) -> StaffRefund:
    """Refund part or all of an order's Stripe payment; one refund at a time per order.

    The refund is written first, under the order's lock, after checking `amount` against what
    is still refundable (paid, less confirmed and outstanding refunds), so two staff members
    or a double submit cannot refund more than was paid. Stripe is called after the commit.
    The same `request_key` (one per confirmation page) returns the same refund: a double
    submit refunds once, and a resubmit of a refund whose Stripe call hung or whose process
    died sends it again under the same idempotency key. When Stripe refuses or cannot be
    reached the refund is marked failed (its amount is refundable again) and the error is
    raised. The money shows as refunded, and the order's status moves, when charge.refunded
    comes (`charge_refund_record`). Raises ValueError for an amount out of range.
    """

    def reserve() -> StaffRefund:
        order_lock(order.pk)
        existing = StaffRefund.objects.filter(request_key=request_key).first()
        if existing is not None:
            if existing.order_id != order.pk or existing.status == StaffRefund.FAILED:
                raise ValueError("this refund page was used already; open it again")
            return existing
        summary = order_refund_summary(order=order)
        if summary is None:
            raise ValueError("Stripe took no payment for this order")
        refundable = summary.refundable
        if amount <= 0 or amount > refundable:
            raise ValueError(f"Refund between 0.01 and {refundable}")
        return StaffRefund.objects.create(
            order=order,
            amount=amount,
            currency=summary.currency,
            requested_by=requested_by,
            requested_by_name=requested_by.get_username(),
            request_key=request_key,
        )

    refund = checkout_transaction(reserve, name="order_refund")
    if refund.status != StaffRefund.REQUESTED:
        return refund  # a double submit of a refund Stripe has already
    source = _stripe_source(order)
    try:
        result = client.refund_create(
            payment_intent_id=source.reference,
            amount=refund.amount,
            currency=refund.currency,
            idempotency_key=f"releaf-refund-{order.number}-{request_key}",
            metadata={"order_number": order.number, "requested_by": refund.requested_by_name},
        )
    except client.PaymentProviderError as exc:
        if exc.http_status is None or exc.http_status >= 500:
            # Not reached, no answer or a server error: Stripe may have refunded. Resubmitting the same page
            # asks again under the same idempotency key; the refund stays reserved until then.
            _refund_note(refund, f"not confirmed sent to Stripe ({exc}); submit again")
            raise
        StaffRefund.objects.filter(pk=refund.pk).update(
            status=StaffRefund.FAILED, error=str(exc)[:1000]
        )
        _refund_note(refund, f"refused by Stripe: {exc}")
        logger.warning(
            "Order #%s: refund refused by Stripe",
            order.number,
            extra={"order": order.number, "http_status": exc.http_status, "code": exc.code},
        )
        raise
    StaffRefund.objects.filter(pk=refund.pk, status=StaffRefund.REQUESTED).update(
        status=StaffRefund.SENT, stripe_refund_id=result.id
    )
    refund.refresh_from_db()
    _refund_note(refund, f"sent to Stripe ({result.id})")
    return refund


def _stripe_source(order):
    return order.sources.get(source_type__code="stripe")


def _refund_note(refund: StaffRefund, what: str) -> None:
    OrderNote.objects.create(
        order_id=refund.order_id,
        user=refund.requested_by,
        note_type="System",
        message=f"Refund of {refund.amount} {refund.currency} by {refund.requested_by_name}: "
        f"{what}.",
    )


def charge_refund_record(*, payment_intent_id: str, amount_refunded: Decimal) -> bool:
    """Record Stripe's running refunded total for a payment. Order-insensitive and idempotent:
    only an increase is recorded; it confirms staff refunds oldest first and moves the order to
    "Partly refunded" or "Refunded" (a cancelled order keeps its status). False when the
    payment is not (yet) known to us."""
    order_id = (
        Source.objects.filter(source_type__code="stripe", reference=payment_intent_id)
        .values_list("order_id", flat=True)
        .first()
    )
    if order_id is None:
        return False

    def record() -> None:
        order = order_lock(order_id)
        source = Source.objects.select_for_update().get(
            source_type__code="stripe", reference=payment_intent_id
        )
        increase = amount_refunded - source.amount_refunded
        if increase <= 0:
            return
        source.amount_refunded = amount_refunded
        source.save(update_fields=["amount_refunded"])
        event = PaymentEvent.objects.create(
            order=order,
            amount=increase,
            reference=payment_intent_id,
            event_type=_event_type("Refunded"),
        )
        order_refund_email_plan(
            order=order,
            event_id=event.pk,
            amount=increase,
            refunded_total=amount_refunded,
            paid_total=source.amount_debited,
        )
        covered = Decimal("0.00")
        for refund in StaffRefund.objects.filter(order=order).exclude(status=StaffRefund.FAILED):
            covered += refund.amount
            if covered <= amount_refunded and refund.status != StaffRefund.CONFIRMED:
                refund.status = StaffRefund.CONFIRMED
                refund.save(update_fields=["status"])
        status = (
            settings.SHOP_ORDER_STATUS_REFUNDED
            if amount_refunded >= source.amount_debited
            else settings.SHOP_ORDER_STATUS_PARTLY_REFUNDED
        )
        if status != order.status and status in order.available_statuses():
            order.set_status(status)

    checkout_transaction(record, name="charge_refund_record")
    return True


def payments_reconcile(*, older_than_minutes: int | None = None) -> int:
    """Leave no pending order without a live session: release orders whose payment page was
    never opened, finish or cancel orders whose webhook is late (older than
    SHOP_PAYMENT_RECONCILE_AFTER_MINUTES), expire sessions past their time, and refund late
    payments whose refund failed before. Returns how many orders changed."""
    now = timezone.now()
    changed = 0
    orphans = Order.objects.filter(
        status=settings.SHOP_ORDER_STATUS_PENDING,
        attempts__isnull=True,
        date_placed__lt=now - ORPHAN_AFTER,
    ).values_list("pk", flat=True)
    for order_id in orphans:
        changed += order_release_unpaid(
            order_id=order_id, note="No payment page was opened for this order; cancelled."
        )
    minutes = older_than_minutes or settings.SHOP_PAYMENT_RECONCILE_AFTER_MINUTES
    attempts = CheckoutAttempt.objects.filter(
        Q(created_at__lt=now - timedelta(minutes=minutes)) | Q(expires_at__lt=now),
        paid_at__isnull=True,
        order__status=settings.SHOP_ORDER_STATUS_PENDING,
    )
    for attempt in attempts:
        try:
            session = client.checkout_session_retrieve(session_id=attempt.session_id)
            if session.payment_status == "paid":
                order_payment_confirm(session_id=attempt.session_id, session=session)
                changed += 1
                continue
            overdue = attempt.expires_at is not None and attempt.expires_at < now - EXPIRY_GRACE
            if session.status == "open" and overdue:
                session = client.checkout_session_expire(session_id=attempt.session_id)
        except client.PaymentProviderError as exc:
            logger.warning(
                "Reconciliation: could not ask Stripe about %s",
                attempt.session_id,
                extra={"session": attempt.session_id, "http_status": exc.http_status},
            )
            continue
        if session.status == "expired":
            changed += order_payment_expire(session_id=attempt.session_id)
    for attempt in CheckoutAttempt.objects.filter(late_refund_due=True, late_refund_id=""):
        try:
            session = client.checkout_session_retrieve(session_id=attempt.session_id)
            payment_refund_late(order=attempt.order, attempt=attempt, session=session)
        except client.PaymentProviderError as exc:
            logger.warning(
                "Reconciliation: late payment %s not refunded yet",
                attempt.session_id,
                extra={"session": attempt.session_id, "http_status": exc.http_status},
            )
    return changed
