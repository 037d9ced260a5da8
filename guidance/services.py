import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from guidance.batch import funnel_batch
from guidance.consent import FOLLOWUP_CONSENT_TEXT, FOLLOWUP_CONSENT_VERSION
from guidance.content import TECHNIQUE_CONTENT, TEXT_CONTENT
from guidance.models import FunnelEvent, GuidanceText, Result, RoutineRequest, Technique
from guidance.routines import CheckAnswers, PainArea, assess, build_routine
from guidance.signals import person_erased, routine_requested


def guidance_content_setup() -> None:
    """Add the techniques and texts that are missing; never overwrite what staff edited."""
    for item in TECHNIQUE_CONTENT:
        Technique.objects.get_or_create(
            slug=item["slug"], defaults={k: v for k, v in item.items() if k != "slug"}
        )
    for item in TEXT_CONTENT:
        GuidanceText.objects.get_or_create(
            key=item["key"], defaults={"title": item["title"], "body": item["body"]}
        )


def funnel_event_record(
    *,
    kind: str,
    visitor_key: str = "",
    step: str = "",
    result: Result | None = None,
    order_number: str = "",
) -> FunnelEvent:
    """Count one event: exactly one INSERT."""
    return FunnelEvent.objects.create(
        kind=kind,
        step=step,
        visitor_key=visitor_key,
        result=result,
        order_number=order_number,
        day=timezone.localdate(),
    )


def funnel_event_queue(*, kind: str, visitor_key: str, step: str = "") -> None:
    """Count one of the self-check's own events (its start, a step, a red-flag exit): written
    with the others of the last second, away from the request (guidance.batch), or in it when
    FUNNEL_BATCH_SECONDS is 0."""
    if not settings.FUNNEL_BATCH_SECONDS:
        funnel_event_record(kind=kind, step=step, visitor_key=visitor_key)
        return
    funnel_batch.add(kind=kind, step=step, visitor_key=visitor_key, created_at=timezone.now())


def _previous_result(*, visitor_key: str, user, email: str) -> Result | None:
    match = Q()
    if visitor_key:
        match |= Q(visitor_key=visitor_key)
    if user is not None and user.is_authenticated:
        match |= Q(user=user)
    if email:
        match |= Q(email__iexact=email)
    if not match:
        return None
    return Result.objects.filter(match).order_by("-created_at", "-pk").first()


@transaction.atomic
def result_create(*, answers: CheckAnswers, visitor_key: str, user=None) -> Result:
    """Store a completed self-check with its routine, linked to the visitor's last result."""
    assessment = assess(answers)
    email = user.email if user is not None and user.is_authenticated else ""
    result = Result.objects.create(
        visitor_key=visitor_key,
        user=user if user is not None and user.is_authenticated else None,
        email=email,
        previous=_previous_result(visitor_key=visitor_key, user=user, email=email),
        pain_low_back=PainArea.LOW_BACK in answers.pain_areas,
        pain_knee=PainArea.KNEE in answers.pain_areas,
        pain_foot=PainArea.FOOT in answers.pain_areas,
        pain_duration=answers.pain_duration,
        arch_left=answers.arch_left,
        arch_right=answers.arch_right,
        heel_left=answers.heel_left,
        heel_right=answers.heel_right,
        arch_side=assessment.arch_side,
        heel_side=assessment.heel_side,
        pattern=assessment.pattern,
        routine=build_routine(answers).to_dict(),
    )
    funnel_event_record(kind=FunnelEvent.Kind.COMPLETE, visitor_key=visitor_key, result=result)
    return result


MAX_ROUTINE_REQUESTS_PER_RESULT = 3  # a result link must not become a way to flood an inbox


@transaction.atomic
def routine_request_create(
    *,
    result: Result,
    email: str,
    wants_followups: bool,
    visitor_key: str = "",
    time_zone: str = "",
) -> RoutineRequest:
    """Store "email me my routine" and, when ticked, the follow-up consent as shown.

    `time_zone` is the browser's, already validated (the form drops unknown names).
    The result learns the email (for the next retake and for order attribution), and
    `routine_requested` goes out once the transaction has committed. Raises ValidationError
    once the result has had its share of requests.
    """
    # Lock the result so two simultaneous posts cannot both pass the limit.
    result = Result.objects.select_for_update().get(pk=result.pk)
    if result.routine_requests.count() >= MAX_ROUTINE_REQUESTS_PER_RESULT:
        raise ValidationError(
            "This routine has already been emailed a few times. Take the self-check again "
            "for a fresh one."
        )
    now = timezone.now()
    request = RoutineRequest.objects.create(
        result=result,
        email=email,
        wants_followups=wants_followups,
        consent_text=FOLLOWUP_CONSENT_TEXT if wants_followups else "",
        consent_version=FOLLOWUP_CONSENT_VERSION if wants_followups else "",
        consented_at=now if wants_followups else None,
        time_zone=time_zone,
    )
    update_fields = []
    if not result.email:
        result.email = email
        update_fields.append("email")
    if result.previous_id is None:
        earlier = (
            Result.objects.filter(email__iexact=email, created_at__lt=result.created_at)
            .exclude(pk=result.pk)
            .order_by("-created_at", "-pk")
            .first()
        )
        if earlier is not None:
            result.previous = earlier
            update_fields.append("previous")
    if update_fields:
        result.save(update_fields=update_fields)
    funnel_event_record(kind=FunnelEvent.Kind.EMAIL_REQUEST, visitor_key=visitor_key, result=result)
    if wants_followups:
        funnel_event_record(
            kind=FunnelEvent.Kind.FOLLOWUP_CONSENT, visitor_key=visitor_key, result=result
        )
    transaction.on_commit(
        partial(routine_requested.send, sender=RoutineRequest, routine_request=request)
    )
    return request


def funnel_order_attribute(
    *, order_number: str, email: str = "", user=None, result_token: str = ""
) -> FunnelEvent | None:
    """Count an order as coming from a result when the visitor's session holds a result token,
    or the order's customer (account or email) took the self-check. Once per order."""
    result = None
    if result_token:
        result = Result.objects.filter(token=result_token).first()
    if result is None:
        match = Q()
        if user is not None and getattr(user, "is_authenticated", False):
            match |= Q(user=user)
        if email:
            match |= Q(email__iexact=email)
        if match:
            result = Result.objects.filter(match).order_by("-created_at", "-pk").first()
    if result is None:
        return None
    if FunnelEvent.objects.filter(kind=FunnelEvent.Kind.ORDER, order_number=order_number).exists():
        return None
    try:
        with transaction.atomic():
            return funnel_event_record(
                kind=FunnelEvent.Kind.ORDER,
                visitor_key=result.visitor_key,
                result=result,
                order_number=order_number,
            )
    except IntegrityError:  # counted meanwhile by the other signal or process
        return None


@transaction.atomic
def results_erase(*, email: str = "", token: str = "") -> int:
    """Erase a person's results, found by email or by one of their result links, together with
    the results sharing their session key, account or email, and their routine requests;
    their funnel events stay as anonymous counts. Other apps erase what they hold for the
    person's addresses through `person_erased`. Returns how many results were deleted."""
    seeds = Q()
    if email:
        seeds |= Q(email__iexact=email) | Q(user__email__iexact=email)
        seeds |= Q(routine_requests__email__iexact=email)
    if token:
        seeds |= Q(token=token)
    if not seeds:
        return 0
    person = Q(pk__in=[])
    for visitor_key, user_id, result_email in Result.objects.filter(seeds).values_list(
        "visitor_key", "user_id", "email"
    ):
        person |= Q(visitor_key=visitor_key) if visitor_key else Q()
        person |= Q(user_id=user_id) if user_id else Q()
        person |= Q(email__iexact=result_email) if result_email else Q()
    results = Result.objects.filter(seeds | person).distinct()
    ids = list(results.values_list("pk", flat=True))
    keys = {key for key in results.values_list("visitor_key", flat=True) if key}
    emails = {email} if email else set()
    emails.update(Result.objects.filter(pk__in=ids).values_list("email", flat=True))
    emails.update(Result.objects.filter(pk__in=ids).values_list("user__email", flat=True))
    emails.update(RoutineRequest.objects.filter(result_id__in=ids).values_list("email", flat=True))
    FunnelEvent.objects.filter(Q(result_id__in=ids) | Q(visitor_key__in=keys)).update(
        visitor_key="", result=None
    )
    Result.objects.filter(pk__in=ids).delete()  # routine requests go with them (CASCADE)
    for address in sorted({e.strip().lower() for e in emails if e and e.strip()}):
        person_erased.send(sender=Result, email=address)
    return len(ids)


def results_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete results (and their routine requests) older than the retention period. Funnel
    events stay as anonymous counts (their link to the result is cleared by SET_NULL).
    Safe to run any number of times."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.GUIDANCE_RESULT_RETENTION_DAYS)
    with transaction.atomic():
        ids = list(Result.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True))
        Result.objects.filter(pk__in=ids).delete()
    return len(ids)
