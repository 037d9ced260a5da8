from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from oscar.core.loading import get_model

from guidance.models import FunnelEvent, Result, RoutineRequest, Technique
from guidance.routines import Routine, general_routine

from .content import DEFAULT_CONTENT
from .models import EmailContent, PlannedEmail, Shipment

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


def cream_product() -> Product | None:
    return Product.objects.filter(slug="infused-releaf", parent__isnull=True).first()


def planned_emails_due_count() -> int:
    return PlannedEmail.objects.filter(state=PlannedEmail.State.PENDING).count()


def results_for_preview(*, limit: int = 20) -> QuerySet:
    return Result.objects.order_by("-created_at", "-pk")[:limit]


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
