"""Follow-up and order emails: scheduling, consent, unsubscribe, and the dispatcher's claim/send
steps.

How a planned email moves: pending -> queued (claimed by the dispatcher, handed to the broker,
then checked by the send task) -> sending (this one row's SMTP conversation is under way) -> sent
| skipped | failed, and back to pending for a retry or a later time. Every transition is a
conditional UPDATE on (state, claim_token), so a task delivered twice, a stale task or two
dispatchers racing can never move a row twice.

Exactly once, by design:
- **One row "sending" per worker at a time.** A chunk's rows stay "queued" until their own turn;
  right before each message the worker moves that one row queued -> sending with its claim
  token (a per-row claim). A dispatcher that takes back a slow chunk's queued rows after
  FOLLOWUPS_LEASE_SECONDS clears their token, so the slow worker's per-row claim fails and it
  skips them: a slow provider delays, it never doubles. A "sending" row is taken back only after
  the lease, which must exceed one message's SMTP conversation (EMAIL_TIMEOUT per command plus
  FOLLOWUPS_SMTP_FINAL_REPLY_TIMEOUT for the reply to the message body).
- **A lost reply after the body** (backends.SMTPEmailBackend waits for it up to
  FOLLOWUPS_SMTP_FINAL_REPLY_TIMEOUT, then raises DeliveryUnknown) counts as sent, with the error
  kept on the row: the server may have delivered, and a second copy is what we avoid.
- **Permanent is permanent:** a 5xx at any SMTP stage fails the row without a retry; a refused
  address (5xx at RCPT, or an X.1.x enhanced code: address or sender refused) also suppresses
  the contact. A 4xx, a lost connection before the body and other errors retry with doubling
  delays up to FOLLOWUPS_MAX_ATTEMPTS.
- **A worker killed (SIGKILL)** leaves at most its one "sending" row, which goes back to pending
  after the lease and is sent again (counting an attempt): at most one duplicate per crash, with
  the same Message-ID, and only when the kill fell between the server's acceptance and our
  "sent" UPDATE. Its queued rows were never started and are sent once.
"""

import contextlib
import datetime
import functools
import logging
import smtplib
import uuid
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from anymail.exceptions import AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import get_connection
from django.db import Error, transaction
from django.db import connection as db_connection
from django.db.models import CharField, Exists, Field, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from guidance.models import Result, RoutineRequest

from .backends import DeliveryUnknown
from .content import DEFAULT_CONTENT
from .emails import EmailRenderer, email_preview_render, followup_message_build, message_build
from .models import (
    MARKETING_KINDS,
    ORDER_KINDS,
    TIPS_KINDS,
    Contact,
    EmailContent,
    PlannedEmail,
    Shipment,
)

logger = logging.getLogger(__name__)

Kind = PlannedEmail.Kind
State = PlannedEmail.State

# --- Contacts -----------------------------------------------------------------


@functools.cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _valid_time_zone(name: str) -> str:
    # Only names from the tz database: ZoneInfo() alone also opens odd paths ("posixrules").
    return name if name in _known_time_zones() else ""


def contact_get_or_create(*, email: str, time_zone: str = "") -> Contact:
    """The contact for an address (case-insensitive); a valid browser time zone is kept."""
    email = email.strip().lower()
    time_zone = _valid_time_zone(time_zone.strip()) if time_zone else ""
    contact, created = Contact.objects.get_or_create(email=email, defaults={"time_zone": time_zone})
    if not created and time_zone and contact.time_zone != time_zone:
        contact.time_zone = time_zone
        contact.save(update_fields=["time_zone"])
    return contact


def contact_consent_record(
    *, contact: Contact, text: str, version: str, at: datetime.datetime
) -> Contact:
    """Keep what the person ticked; it counts only once they confirm (double opt-in)."""
    contact.consent_text = text
    contact.consent_version = version
    contact.consent_requested_at = at
    contact.save(update_fields=["consent_text", "consent_version", "consent_requested_at"])
    return contact


def contact_consent_confirm(*, contact: Contact, now: datetime.datetime | None = None) -> Contact:
    """The person clicked the confirmation link: tips may go out (again, if they had left)."""
    now = now or timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.consent_requested_at is None:
            return contact  # nothing was asked for; a link cannot create consent on its own
        if contact.consent_confirmed_at is None or contact.unsubscribed_at is not None:
            contact.consent_confirmed_at = contact.consent_confirmed_at or now
            contact.unsubscribed_at = None
            contact.save(update_fields=["consent_confirmed_at", "unsubscribed_at"])
    return contact


def contact_unsubscribe(*, contact: Contact, now: datetime.datetime | None = None) -> Contact:
    """Stop every marketing email at once; safe to repeat."""
    now = now or timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.unsubscribed_at is None:
            contact.unsubscribed_at = now
            contact.save(update_fields=["unsubscribed_at"])
        PlannedEmail.objects.filter(
            contact=contact, kind__in=MARKETING_KINDS, state=State.PENDING
        ).update(state=State.SKIPPED, skip_reason="unsubscribed", updated_at=now)
    return contact


def contact_erase(*, email: str) -> int:
    """Forget a person: their contact (consent, unsubscribe and bounce records) and every planned
    email, sent or not. A worker holding one of the rows finds it gone and sends nothing
    (unless its SMTP conversation is already under way). Returns how many rows went."""
    deleted, _ = Contact.objects.filter(email__iexact=email.strip()).delete()
    return deleted


def contacts_purge_for_results(*, result_ids: list[int], emails: list[str]) -> int:
    """With expired results (guidance's purge): delete the emails planned for them (the sent
    routine among them) and the contacts of those addresses who never confirmed consent, have
    no other result or request left and nothing still to be sent. Returns the contacts deleted."""
    PlannedEmail.objects.filter(result_id__in=result_ids).delete()
    still_used = set(
        RoutineRequest.objects.exclude(result_id__in=result_ids)
        .filter(email__in=emails)
        .values_list("email", flat=True)
    ) | set(
        Result.objects.exclude(pk__in=result_ids)
        .filter(email__in=emails)
        .values_list("email", flat=True)
    )
    waiting = PlannedEmail.objects.filter(
        contact=OuterRef("pk"), state__in=[State.PENDING, State.QUEUED, State.SENDING]
    )
    deleted, _ = (
        Contact.objects.filter(email__in=emails, consent_confirmed_at__isnull=True)
        .exclude(email__in={e.lower() for e in still_used})
        .exclude(Exists(waiting))
        .delete()
    )
    return deleted


# --- Scheduling ---------------------------------------------------------------


def _zone(contact: Contact) -> zoneinfo.ZoneInfo:
    # A zone stored before validation was this strict must not break sending: fall back.
    return zoneinfo.ZoneInfo(_valid_time_zone(contact.time_zone) or settings.TIME_ZONE)


def send_hour_adjust(*, when: datetime.datetime, contact: Contact) -> datetime.datetime:
    """`when`, moved forward to the next sending hours in the person's time zone if outside."""
    start, end = settings.FOLLOWUPS_SEND_HOURS
    local = when.astimezone(_zone(contact))
    if start <= local.hour < end:
        return when
    day = local.date() if local.hour < start else local.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(start), tzinfo=local.tzinfo)


def followup_schedule(
    *,
    contact: Contact,
    kind: str,
    key: str,
    due_at: datetime.datetime,
    result=None,
    order=None,
    facts: dict | None = None,
) -> PlannedEmail:
    """Plan one email; planning the same key again returns the existing row unchanged."""
    if kind in MARKETING_KINDS:
        due_at = send_hour_adjust(when=due_at, contact=contact)
    planned, _ = PlannedEmail.objects.get_or_create(
        key=key,
        defaults={
            "contact": contact,
            "kind": kind,
            "due_at": due_at,
            "result": result,
            "order": order,
            "facts": facts or {},
        },
    )
    return planned


def followups_schedule_for_routine_request(
    *, routine_request, time_zone: str = "", now: datetime.datetime | None = None
) -> list[PlannedEmail]:
    """'Email me my routine': the routine now; with the consent box ticked, the tips series too
    (each tip is only sent once the person has confirmed by the link in the routine email)."""
    now = now or timezone.now()
    request = routine_request
    contact = contact_get_or_create(
        email=request.email, time_zone=time_zone or getattr(request, "time_zone", "")
    )
    planned = [
        followup_schedule(
            contact=contact,
            kind=Kind.ROUTINE,
            key=f"{Kind.ROUTINE}:{request.pk}",
            due_at=now,
            result=request.result,
        )
    ]
    if not request.wants_followups:
        return planned
    contact_consent_record(
        contact=contact,
        text=request.consent_text,
        version=request.consent_version,
        at=request.consented_at or now,
    )
    # One tips series per person: a newer request replaces what is still pending.
    PlannedEmail.objects.filter(contact=contact, kind__in=TIPS_KINDS, state=State.PENDING).update(
        state=State.SKIPPED, skip_reason="replaced by a newer request", updated_at=now
    )
    start = request.created_at or now
    planned += [
        followup_schedule(
            contact=contact,
            kind=kind,
            key=f"{kind}:{request.pk}",
            due_at=start + datetime.timedelta(days=days),
            result=request.result,
        )
        for kind, days in zip(TIPS_KINDS, settings.FOLLOWUPS_TIPS_DAYS, strict=True)
    ]
    return planned


def followups_schedule_for_order(*, order, now: datetime.datetime | None = None) -> list:
    """An order was paid (the order_status_changed receiver, inside the payment's transaction):
    stop the pre-purchase tips, plan our confirmation now and the post-purchase emails later.
    Planning is keyed by order number, so a second call plans nothing new."""
    email = order.email
    if not email:
        return []
    now = now or timezone.now()
    contact = contact_get_or_create(email=email)
    Contact.objects.filter(pk=contact.pk).update(last_ordered_at=now)
    contact.last_ordered_at = now
    PlannedEmail.objects.filter(contact=contact, kind__in=TIPS_KINDS, state=State.PENDING).update(
        state=State.SKIPPED, skip_reason="bought", updated_at=now
    )
    planned = [
        followup_schedule(
            contact=contact,
            kind=Kind.ORDER_CONFIRMATION,
            key=f"{Kind.ORDER_CONFIRMATION}:order:{order.number}",
            due_at=now,
            order=order,
        )
    ]
    return planned + [
        followup_schedule(
            contact=contact,
            kind=kind,
            key=f"{kind}:order:{order.number}",
            due_at=now + datetime.timedelta(days=days),
            order=order,
        )
        for kind, days in zip(ORDER_KINDS, settings.FOLLOWUPS_ORDER_DAYS, strict=True)
    ]


def order_refund_email_plan(*, order, event_id: int, amount, refunded_total, paid_total):
    """Stripe recorded more money going back (charge.refunded): one email per increase, stating
    the amount, what stays paid and when it reaches the card."""
    if not order.email:
        return None
    contact = contact_get_or_create(email=order.email)
    return followup_schedule(
        contact=contact,
        kind=Kind.ORDER_REFUND,
        key=f"{Kind.ORDER_REFUND}:payment-event:{event_id}",
        due_at=timezone.now(),
        order=order,
        facts={
            "amount": str(amount),
            "refunded_total": str(refunded_total),
            "left_paid": str(paid_total - refunded_total),
            "currency": order.currency,
        },
    )


def order_shipment_record(
    *, order, carrier: str, tracking_number: str, now: datetime.datetime | None = None
) -> Shipment:
    """Staff marked the order shipped (or corrected the carrier or number). The customer gets one
    shipped email, planned on the first marking; a correction before it goes out is in it."""
    now = now or timezone.now()
    with transaction.atomic():
        shipment, created = Shipment.objects.update_or_create(
            order=order,
            defaults={"carrier": carrier, "tracking_number": tracking_number.strip()},
            create_defaults={
                "carrier": carrier,
                "tracking_number": tracking_number.strip(),
                "shipped_at": now,
            },
        )
        if created and "Shipped" in order.available_statuses():
            order.set_status("Shipped")
        if created and order.email:
            followup_schedule(
                contact=contact_get_or_create(email=order.email),
                kind=Kind.ORDER_SHIPPED,
                key=f"{Kind.ORDER_SHIPPED}:order:{order.number}",
                due_at=now,
                order=order,
            )
    return shipment


# --- Staff --------------------------------------------------------------------


def email_content_ensure() -> int:
    """Create the missing EmailContent rows from the defaults; never overwrites staff edits."""
    existing = set(EmailContent.objects.values_list("kind", flat=True))
    missing = [
        EmailContent(kind=kind, **words)
        for kind, words in DEFAULT_CONTENT.items()
        if kind not in existing
    ]
    EmailContent.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def planned_email_requeue(*, planned_email: PlannedEmail, now: datetime.datetime | None = None):
    """Staff: try a failed or skipped email again now (checks still apply when it is sent)."""
    now = now or timezone.now()
    return PlannedEmail.objects.filter(
        pk=planned_email.pk, state__in=[State.FAILED, State.SKIPPED]
    ).update(
        state=State.PENDING,
        due_at=now,
        attempts=0,
        claim_token=None,
        skip_reason="",
        updated_at=now,
    )


def planned_email_send_now(*, planned_email: PlannedEmail, now: datetime.datetime | None = None):
    """Staff: a pending email is due now; the dispatcher sends it within its interval, and the
    checks (consent, unsubscribe, an order since) still apply then. 0 when it was no longer
    pending."""
    now = now or timezone.now()
    return PlannedEmail.objects.filter(pk=planned_email.pk, state=State.PENDING).update(
        due_at=now, updated_at=now
    )


def planned_email_skip(*, planned_email: PlannedEmail, now: datetime.datetime | None = None):
    """Staff: never send this one (pending or failed). 0 when a worker has it or it is done."""
    now = now or timezone.now()
    return PlannedEmail.objects.filter(
        pk=planned_email.pk, state__in=[State.PENDING, State.FAILED]
    ).update(state=State.SKIPPED, skip_reason="staff", claim_token=None, updated_at=now)


def email_test_send(*, kind: str, to: str, result_id: int | None = None) -> None:
    """Staff's test: the email as it would go out (with this result's routine), to `to` only."""
    result = Result.objects.filter(pk=result_id).first() if result_id else None
    rendered = email_preview_render(kind=kind, contact=Contact(pk=0, email=to), result=result)
    rendered = type(rendered)(
        subject=f"[Test] {rendered.subject}",
        text=rendered.text,
        html=rendered.html,
        headers=rendered.headers,
    )
    message_build(rendered=rendered, to=to).send()


# --- Dispatching --------------------------------------------------------------


def planned_emails_recover(*, now: datetime.datetime | None = None) -> int:
    """Take back rows whose worker died: queued ones were never sent; sending ones may have been
    (see the module docstring for why they are sent again)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.FOLLOWUPS_LEASE_SECONDS)
    back = PlannedEmail.objects.filter(state=State.QUEUED, claimed_at__lt=stale).update(
        state=State.PENDING, claim_token=None, claimed_at=None, message_id="", updated_at=now
    )
    interrupted = PlannedEmail.objects.filter(state=State.SENDING, claimed_at__lt=stale)
    failed = interrupted.filter(attempts__gte=settings.FOLLOWUPS_MAX_ATTEMPTS).update(
        state=State.FAILED,
        claim_token=None,
        last_error="Interrupted while sending, too many times",
        updated_at=now,
    )
    resend = interrupted.update(
        state=State.PENDING,
        due_at=now,
        claim_token=None,
        message_id="",
        last_error="Interrupted while sending (worker lost); sending again",
        updated_at=now,
    )
    if back or failed or resend:
        logger.warning("followups: recovered %s queued, %s interrupted rows", back, resend + failed)
    return back + failed + resend


def planned_emails_claim(
    *, now: datetime.datetime | None = None, limit: int | None = None
) -> tuple[uuid.UUID, list[int]]:
    """Claim up to `limit` due rows for one dispatcher; several may run at once.

    PostgreSQL: SKIP LOCKED lets racing dispatchers take disjoint rows without waiting. Everywhere:
    the UPDATE only moves rows still pending and stamps them with this claim's token, so the rows
    read back are exactly the ones this claim won.
    """
    now = now or timezone.now()
    limit = limit or settings.FOLLOWUPS_DISPATCH_BATCH
    token = uuid.uuid4()
    with transaction.atomic():
        due = PlannedEmail.objects.filter(state=State.PENDING, due_at__lte=now).order_by("due_at")
        if db_connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return token, []
        PlannedEmail.objects.filter(pk__in=ids, state=State.PENDING).update(
            state=State.QUEUED, claim_token=token, claimed_at=now, updated_at=now
        )
        won = list(
            PlannedEmail.objects.filter(pk__in=ids, claim_token=token)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)
        )
    return token, won


def followup_dispatch(
    *,
    enqueue: Callable[[uuid.UUID, list[int]], object],
    now: datetime.datetime | None = None,
    max_rows: int = 50_000,
) -> int:
    """Recover stuck rows, then claim due rows batch by batch and hand each chunk to `enqueue`
    (after the claim has committed). Returns how many rows were handed on."""
    planned_emails_recover(now=now)
    chunk = settings.FOLLOWUPS_SEND_CHUNK
    handed = 0
    while handed < max_rows:
        token, ids = planned_emails_claim(now=now)
        for start in range(0, len(ids), chunk):
            enqueue(token, ids[start : start + chunk])
        handed += len(ids)
        if len(ids) < settings.FOLLOWUPS_DISPATCH_BATCH:
            break
    return handed


# --- Sending ------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    send: bool
    skip_reason: str = ""
    later: datetime.datetime | None = None


def _verdict(
    row: PlannedEmail, contact: Contact, now: datetime.datetime, recent: list[datetime.datetime]
) -> Verdict:
    """Whether this email may go out now, checked at send time (things change in two weeks).
    `recent`: when this person's other marketing emails went out (or started) lately."""
    if contact.bounced_at:
        return Verdict(False, skip_reason="bounced")
    if row.kind not in MARKETING_KINDS:
        return Verdict(True)  # the routine email: the person just asked for it
    if contact.unsubscribed_at:
        return Verdict(False, skip_reason="unsubscribed")
    if row.kind in TIPS_KINDS:
        if not contact.consent_confirmed_at:
            return Verdict(False, skip_reason="no consent")
        if contact.last_ordered_at and contact.last_ordered_at >= row.created_at:
            return Verdict(False, skip_reason="bought")
    cap = datetime.timedelta(hours=settings.FOLLOWUPS_MIN_HOURS_BETWEEN)
    earliest = max([now, *(sent_at + cap for sent_at in recent)])
    earliest = send_hour_adjust(when=earliest, contact=contact)
    if earliest > now:
        return Verdict(False, later=earliest)
    return Verdict(True)


@functools.cache
def _message_id_domain(from_email: str, site_url: str) -> str:
    address = from_email.rsplit("<", 1)[-1].rstrip(">").strip()
    domain = address.rsplit("@", 1)[-1] if "@" in address else ""
    return domain or site_url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def _message_id(row: PlannedEmail) -> str:
    """Stable per row, so a rare duplicate (see the module docstring) is recognisable; on the
    shop's own domain (the From address's, else SITE_URL's)."""
    domain = _message_id_domain(settings.DEFAULT_FROM_EMAIL, settings.SITE_URL)
    return f"<followup-{row.pk}-{row.kind}@{domain}>"


def _message_id_in_sql() -> Concat:
    """_message_id, computed by the database: one UPDATE marks a whole chunk."""
    domain = _message_id_domain(settings.DEFAULT_FROM_EMAIL, settings.SITE_URL)
    return Concat(
        Value("<followup-"),
        Cast("pk", output_field=CharField()),
        Value("-"),
        "kind",
        Value(f"@{domain}>"),
        output_field=CharField(),
    )


def _start(
    ids: list[int], token: uuid.UUID, now: datetime.datetime, outcomes: Counter
) -> list[PlannedEmail]:
    """Check the claimed rows in one transaction: settle the skipped and deferred ones, mark the
    rest as checked (their Message-ID; they stay queued until their turn, see the module
    docstring) and return those, with contact, result and order."""
    contact_ids = set(
        PlannedEmail.objects.filter(pk__in=ids, state=State.QUEUED, claim_token=token).values_list(
            "contact_id", flat=True
        )
    )
    with transaction.atomic():
        # Contacts first, then rows: the lock order contact_unsubscribe uses too.
        locked = Contact.objects.select_for_update().filter(pk__in=contact_ids).order_by("pk")
        contacts = {contact.pk: contact for contact in locked}
        rows = list(
            PlannedEmail.objects.select_for_update(of=("self",))
            .select_related("result", "order")
            .filter(pk__in=ids, state=State.QUEUED, claim_token=token)
            .order_by("pk")
        )
        outcomes["not-claimed"] += len(ids) - len(rows)
        cap = datetime.timedelta(hours=settings.FOLLOWUPS_MIN_HOURS_BETWEEN)
        recent: dict[int, list[datetime.datetime]] = defaultdict(list)
        marketing_contacts = {row.contact_id for row in rows if row.kind in MARKETING_KINDS}
        for contact_id, sent_at in (
            PlannedEmail.objects.filter(contact_id__in=marketing_contacts, kind__in=MARKETING_KINDS)
            .filter(
                Q(state=State.SENDING)
                | Q(state=State.QUEUED, message_id__gt="")  # checked by another chunk
                | Q(state=State.SENT, sent_at__gt=now - cap)
            )
            .exclude(pk__in=ids)
            .values_list("contact_id", "sent_at")
        ):
            recent[contact_id].append(sent_at or now)
        checked, skipped, deferred = [], defaultdict(list), []
        for row in rows:
            row.contact = contacts[row.contact_id]
            verdict = _verdict(row, row.contact, now, recent[row.contact_id])
            if verdict.skip_reason:
                skipped[verdict.skip_reason].append(row.pk)
            elif verdict.later:
                deferred.append((row.pk, verdict.later))
            else:
                row.message_id = _message_id(row)
                checked.append(row)
                if row.kind in MARKETING_KINDS:
                    recent[row.contact_id].append(now)  # the cap holds within one chunk too
        # A few set-based UPDATEs per chunk, not one per row.
        PlannedEmail.objects.filter(  # only the cap reads the mark
            pk__in=[row.pk for row in checked if row.kind in MARKETING_KINDS]
        ).update(message_id=_message_id_in_sql())
        for reason, pks in skipped.items():
            PlannedEmail.objects.filter(pk__in=pks).update(
                state=State.SKIPPED, skip_reason=reason, claim_token=None, updated_at=now
            )
        for pk, later in deferred:
            PlannedEmail.objects.filter(pk=pk).update(
                state=State.PENDING, due_at=later, claim_token=None, updated_at=now
            )
        outcomes["skipped"] += sum(len(pks) for pks in skipped.values())
        outcomes["deferred"] += len(deferred)
    return checked


# The two statements every email costs, written out: compiling them through the ORM took ten
# times the CPU the database needed to run them (bench/followups_rate.py). Values go through
# the fields' own adaptation (UUIDs and aware datetimes are stored differently on SQLite).
_TABLE = PlannedEmail._meta.db_table
_BEGIN_SQL = f"""
    UPDATE {_TABLE}
    SET state = %s, attempts = attempts + 1, claimed_at = %s, message_id = %s, updated_at = %s
    WHERE id = %s AND state = %s AND claim_token = %s
"""
_SENT_SQL = f"""
    UPDATE {_TABLE}
    SET state = %s, sent_at = %s, message_id = %s, claim_token = NULL, last_error = %s,
        updated_at = %s
    WHERE id = %s AND state = %s AND claim_token = %s
"""


def _db(field: str, value):
    model_field = PlannedEmail._meta.get_field(field)
    assert isinstance(model_field, Field)  # a concrete column, not a relation
    return model_field.get_db_prep_value(value, db_connection)


def _begin(row: PlannedEmail, token: uuid.UUID, now: datetime.datetime) -> bool:
    """The per-row claim, right before its SMTP conversation: False when the row was taken back
    (the lease ran out while earlier rows were slow) or erased meanwhile. The lease restarts
    for this row's SMTP conversation (claimed_at)."""
    with db_connection.cursor() as cursor:
        cursor.execute(
            _BEGIN_SQL,
            [
                State.SENDING.value,
                _db("claimed_at", now),
                row.message_id,
                _db("updated_at", now),
                row.pk,
                State.QUEUED.value,
                _db("claim_token", token),
            ],
        )
        started = cursor.rowcount == 1
    row.attempts += 1
    return started


def _enhanced_code(exc: Exception) -> str:
    message = getattr(exc, "smtp_error", b"")
    message = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return message.split(" ", 1)[0] if message[:2] in ("5.", "4.") else ""


def _failure(exc: Exception) -> str:
    """'bounce' (the address is refused: suppress the contact), 'permanent' (a 5xx: do not
    retry) or 'retry'."""
    if isinstance(exc, AnymailRecipientsRefused):
        return "bounce"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return "bounce" if codes and all(code >= 500 for code in codes) else "retry"
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500:
        return "bounce" if _enhanced_code(exc).startswith("5.1.") else "permanent"
    return "retry"


def _finish_failed(row: PlannedEmail, token: uuid.UUID, exc: Exception, now) -> str:
    error = f"{type(exc).__name__}: {exc}"[:1000]
    mine = PlannedEmail.objects.filter(pk=row.pk, state=State.SENDING, claim_token=token)
    failure = _failure(exc)
    if failure == "bounce":
        Contact.objects.filter(pk=row.contact_id, bounced_at__isnull=True).update(bounced_at=now)
    if failure != "retry" or row.attempts >= settings.FOLLOWUPS_MAX_ATTEMPTS:
        mine.update(state=State.FAILED, claim_token=None, last_error=error, updated_at=now)
        return "bounced" if failure == "bounce" else "failed"
    delay = settings.FOLLOWUPS_RETRY_BASE_SECONDS * 2 ** (row.attempts - 1)
    mine.update(
        state=State.PENDING,
        due_at=now + datetime.timedelta(seconds=delay),
        claim_token=None,
        message_id="",
        last_error=error,
        updated_at=now,
    )
    return "retry"


def _mark_sent(row: PlannedEmail, token: uuid.UUID, at: datetime.datetime, note: str = "") -> None:
    with db_connection.cursor() as cursor:
        cursor.execute(
            _SENT_SQL,
            [
                State.SENT.value,
                _db("sent_at", at),
                row.message_id,
                note,
                _db("updated_at", at),
                row.pk,
                State.SENDING.value,
                _db("claim_token", token),
            ],
        )


@contextlib.contextmanager
def _commits_without_flush_wait():
    """PostgreSQL: this session's commits (one per claim and per "sent" mark, which keeps the
    resend window of the module docstring to one row) return without waiting for the disk
    flush, which would cap throughput at the disk's flush rate. Visibility and locking are
    unchanged; only a crash of the database server itself (not of a worker) can lose the last
    fraction of a second of claims and "sent" marks, and so resend those few emails."""
    if db_connection.vendor != "postgresql":
        yield
        return
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with contextlib.suppress(Error), db_connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")  # a lost connection took it along


def planned_emails_send(
    *, claim_token: uuid.UUID | str, ids: Iterable[int], now: datetime.datetime | None = None
) -> Counter:
    """Send the claimed rows `ids` over one connection; safe to run twice. Returns outcomes."""
    token = uuid.UUID(str(claim_token))
    outcomes: Counter = Counter()
    renderer = EmailRenderer()
    mail = get_connection()
    with _commits_without_flush_wait(), contextlib.closing(mail):
        rows = _start(list(ids), token, now or timezone.now(), outcomes)
        for row in rows:
            try:
                message = followup_message_build(planned_email=row, renderer=renderer)
                if not _begin(row, token, now or timezone.now()):
                    outcomes["not-claimed"] += 1
                    continue
                mail.open()  # kept open for the chunk; a no-op once open
                mail.send_messages([message])
            except DeliveryUnknown as exc:
                logger.warning(
                    "followups: no final reply for %s; counted as sent, not sent again",
                    row.pk,
                    extra={"planned_email": row.pk, "kind": row.kind},
                )
                mail.close()
                _mark_sent(row, token, now or timezone.now(), note=f"No final reply: {exc}"[:1000])
                outcomes["sent-unconfirmed"] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
                logger.warning(
                    "followups: sending %s failed: %s",
                    row.pk,
                    exc,
                    extra={"planned_email": row.pk, "kind": row.kind, "attempt": row.attempts},
                )
                mail.close()
                outcomes[_finish_failed(row, token, exc, now or timezone.now())] += 1
            else:
                _mark_sent(row, token, now or timezone.now())
                outcomes["sent"] += 1
    return outcomes
