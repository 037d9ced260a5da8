from django.db.models import Q, QuerySet
from oscar.core.loading import get_model

from guidance.models import FunnelEvent, Result, RoutineRequest, Technique
from guidance.routines import Routine, general_routine

from .content import DEFAULT_CONTENT
from .models import EmailContent, PlannedEmail

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
