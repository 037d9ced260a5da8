"""Reads for follow-up emails: their content and routine, an order's facts, the dashboard's queue."""

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from oscar.apps.catalogue.abstract_models import AbstractProduct
from oscar.core.loading import get_model

from guidance.models import FunnelEvent, Result, RoutineRequest, Technique
from guidance.routines import Routine, general_routine

from .content import DEFAULT_CONTENT
from .models import ORDER_KINDS, Contact, EmailContent, PlannedEmail, Shipment

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")

CHECKIN_FALLBACK_TECHNIQUE = "arch-rubs"


def email_content_get(*, kind: str) -> EmailContent:
    """The staff-edited words for this kind of email, or the defaults when no row exists yet."""
    content = EmailContent.objects.filter(kind=kind).first()
    return content or EmailContent(kind=kind, **DEFAULT_CONTENT[kind])


def routine_for(*, result: Result | None) -> Routine:
    return result.get_routine() if result is not None else general_routine()


def result_for_order(*, order) -> Result | None:
    """The buyer's latest self-check: the one the order was attributed to (same session),
    else one taken with the buyer's account or email address."""
    event = (
        FunnelEvent.objects.filter(kind=FunnelEvent.Kind.ORDER, order_number=order.number)
        .select_related("result")
        .first()
    )
    if event is not None and event.result is not None:
        return event.result
    match = Q(pk__in=[])
    if order.user_id:
        match |= Q(user_id=order.user_id)
    if order.email:
        requested = RoutineRequest.objects.filter(email__iexact=order.email).values("result_id")
        match |= Q(email__iexact=order.email) | Q(pk__in=requested)
    return Result.objects.filter(match).order_by("-created_at", "-pk").first()


def technique_in_depth(*, routine: Routine) -> Technique | None:
    """The check-in's technique: the first one the routine asks to spend longer on."""
    slug = next((step.technique for step in routine.steps if step.emphasis), None)
    techniques = {t.slug: t for t in Technique.objects.all()}
    return techniques.get(slug or CHECKIN_FALLBACK_TECHNIQUE) or techniques.get(
        CHECKIN_FALLBACK_TECHNIQUE
    )


def cream_product() -> AbstractProduct | None:
    return Product.objects.filter(slug="infused-releaf", parent__isnull=True).first()


def planned_emails_due_count() -> int:
    return PlannedEmail.objects.filter(state=PlannedEmail.State.PENDING).count()


def results_for_preview(*, limit: int = 20) -> QuerySet:
    return Result.objects.order_by("-created_at", "-pk")[:limit]


# --- The dashboard's queue -------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    email: PlannedEmail
    local_due: datetime.datetime  # in the recipient's zone (the shop's when unknown)
    local_zone: str
    routine_from: Result | None  # the result whose routine goes out; None: the general one


def planned_email_routine_result(*, planned_email: PlannedEmail) -> Result | None:
    """The result whose routine this email will carry, as the renderer picks it
    (shop.followups.emails): its own, else for an order's emails the buyer's latest."""
    if planned_email.result is not None:
        return planned_email.result
    if planned_email.kind in ORDER_KINDS and planned_email.order is not None:
        return result_for_order(order=planned_email.order)
    return None


def planned_email_queue(*, state: str = "", kind: str = "", limit: int = 100) -> list[QueueRow]:
    """The queue, soonest first (filtered by state and kind), with each recipient's local send
    time and the routine that will go out, in three queries (an order's email whose buyer was
    not attributed to a result looks them up by email: two more each)."""
    planned = PlannedEmail.objects.select_related("contact", "result", "order").order_by(
        "due_at", "pk"
    )
    if state:
        planned = planned.filter(state=state)
    if kind:
        planned = planned.filter(kind=kind)
    rows = list(planned[:limit])
    numbers = {
        row.order.number
        for row in rows
        if row.result is None and row.kind in ORDER_KINDS and row.order is not None
    }
    attributed = {
        event.order_number: event.result
        for event in FunnelEvent.objects.filter(
            kind=FunnelEvent.Kind.ORDER, order_number__in=numbers, result__isnull=False
        ).select_related("result")
    }
    shop_zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    queue = []
    for row in rows:
        zone = _contact_zone(row.contact) or shop_zone
        routine_from = row.result
        if routine_from is None and row.order is not None and row.kind in ORDER_KINDS:
            routine_from = attributed.get(row.order.number) or result_for_order(order=row.order)
        queue.append(
            QueueRow(
                email=row,
                local_due=row.due_at.astimezone(zone),
                local_zone=str(zone),
                routine_from=routine_from,
            )
        )
    return queue


def _contact_zone(contact: Contact) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(contact.time_zone) if contact.time_zone else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class KindCounts:
    kind: str
    label: str
    sent: int
    skipped: int
    failed: int
    waiting: int  # pending or being sent now


def planned_email_counts(*, days: int = 30) -> list[KindCounts]:
    """Per kind: sent, skipped and failed in the last `days` days, and waiting now (one query)."""
    since = timezone.now() - datetime.timedelta(days=days)
    State = PlannedEmail.State
    recent = Q(updated_at__gte=since)
    totals = {
        row["kind"]: row
        for row in PlannedEmail.objects.values("kind").annotate(
            sent=Count("pk", filter=Q(state=State.SENT, sent_at__gte=since)),
            skipped=Count("pk", filter=Q(state=State.SKIPPED) & recent),
            failed=Count("pk", filter=Q(state=State.FAILED) & recent),
            waiting=Count("pk", filter=Q(state__in=[State.PENDING, State.QUEUED, State.SENDING])),
        )
    }
    return [
        KindCounts(
            kind=kind,
            label=label,
            **{k: totals.get(kind, {}).get(k, 0) for k in ("sent", "skipped", "failed", "waiting")},
        )
        for kind, label in PlannedEmail.Kind.choices
    ]


@dataclass(frozen=True)
class OrderLineFacts:
    title: str
    quantity: int
    list_price: Decimal  # the line at list price, before any discount


@dataclass(frozen=True)
class OrderFacts:
    """What the order emails (and the thank-you page) say about an order, in customer words."""

    number: str
    currency: str
    lines: tuple[OrderLineFacts, ...]
    products_total: Decimal
    discounts: tuple[tuple[str, Decimal], ...]  # (code or offer name, amount off)
    shipping: Decimal
    total: Decimal
    address_lines: tuple[str, ...]
    status_url: str
    shipment: Shipment | None


def order_status_path(*, order) -> str:
    if order.user_id:
        return reverse("customer:order", kwargs={"order_number": order.number})
    return reverse(
        "customer:anon-order",
        kwargs={"order_number": order.number, "hash": order.verification_hash()},
    )


def order_facts(*, order) -> OrderFacts:
    lines = tuple(
        OrderLineFacts(
            title=line.title,
            quantity=line.quantity,
            list_price=line.line_price_before_discounts_incl_tax,
        )
        for line in order.lines.all()
    )
    discounts = tuple(
        (discount.voucher_code or discount.offer_name, discount.amount)
        for discount in order.discounts.all()
        if discount.amount
    )
    address = order.shipping_address
    return OrderFacts(
        number=order.number,
        currency=order.currency,
        lines=lines,
        products_total=sum((line.list_price for line in lines), Decimal("0.00")),
        discounts=discounts,
        shipping=order.shipping_incl_tax,
        total=order.total_incl_tax,
        address_lines=tuple(address.active_address_fields()) if address else (),
        status_url=f"{settings.SITE_URL}{order_status_path(order=order)}",
        shipment=Shipment.objects.filter(order=order).first(),
    )


def order_for_preview():
    return Order.objects.order_by("-date_placed", "-pk").first()
