"""Sending planned emails through a real SMTP server: content, headers, checks, retries."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from oscar.test.factories import create_order

from guidance.services import result_create
from shop.followups.models import Contact, PlannedEmail
from shop.followups.services import (
    contact_consent_confirm,
    contact_unsubscribe,
    planned_emails_claim,
    planned_emails_recover,
    planned_emails_send,
)
from tests.helpers.followups import dispatch_and_send
from tests.helpers.guidance import ANSWERS

Kind = PlannedEmail.Kind
State = PlannedEmail.State
POSTAL = "ReLeaf, 100 Example Street, Springfield, IL 62701, USA"


def paid_order(email: str):
    """An order as checkout makes it, then paid (order_payment_confirm's status change)."""
    order = create_order(guest_email=email, status="Pending payment")
    order.set_status("Paid")
    return order


def make_all_due():
    PlannedEmail.objects.filter(state=State.PENDING).update(due_at=timezone.now())


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def unsubscribe_url(message) -> str:
    return re.search(r"<(https://[^>]+)>", message["List-Unsubscribe"]).group(1)


def test_the_routine_email_carries_the_routine_notice_address_links_and_headers(
    smtp_settings, smtp_sink, request_routine, result
):
    request_routine(email="ana@example.com", wants_followups=True)

    dispatch_and_send()

    [message] = smtp_sink.messages
    assert message["To"] == "ana@example.com"
    assert message["Subject"] == "Your foot-massage routine"
    assert message["From"] == "ReLeaf <hello@releaf.example>"
    assert message.get_content_type() == "multipart/alternative"
    row = PlannedEmail.objects.get(kind=Kind.ROUTINE)
    assert message["Message-ID"] == row.message_id
    assert (row.state, row.attempts) == (State.SENT, 1)
    text, html = parts(message)
    routine = result.get_routine()
    assert routine.first_foot == "left"
    for body in (text, html):
        assert "Your routine: left foot first" in body.replace("YOUR ROUTINE", "Your routine")
        for step in routine.steps:
            assert step.title in body
            assert f"https://shop.example.com/guidance/techniques/{step.technique}/" in body
        assert "not medical advice" in body
        assert POSTAL in body
        assert f"https://shop.example.com/guidance/results/{result.token}/" in body
        assert "/email/confirm/" in body  # the double opt-in link
        assert unsubscribe_url(message) in body
    assert "<style" not in html and 'style="' in html  # CSS inlined for mail clients
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<https://shop\.example\.com/email/unsubscribe/[^>]+/>, "
        r"<mailto:hello@releaf\.example\?subject=unsubscribe%20[^>]+>",
        message["List-Unsubscribe"].strip(),  # a long header is folded after the colon
    )


@pytest.mark.parametrize(
    ("kind", "subject", "expected"),
    [
        (
            Kind.TIPS_CHECKIN,
            "Three days in: one technique, done slowly",
            ["Arch rubs", "https://shop.example.com/guidance/techniques/arch-rubs/"],
        ),
        (
            Kind.TIPS_RETEST,
            "A week on: take the self-check again",
            ["https://shop.example.com/guidance/self-check/", "/guidance/results/"],
        ),
        (
            Kind.TIPS_REMINDER,
            "Make the routine easier on your thumbs",
            ["GETINFUSED", "https://shop.example.com/code/GETINFUSED/"],
        ),
    ],
)
def test_each_tips_email_arrives_with_its_content_once_consent_is_confirmed(
    smtp_settings, smtp_sink, request_routine, kind, subject, expected
):
    request_routine(email="ana@example.com", wants_followups=True)
    contact_consent_confirm(contact=Contact.objects.get())
    PlannedEmail.objects.exclude(kind=kind).delete()
    make_all_due()

    dispatch_and_send()

    [message] = smtp_sink.messages
    assert message["Subject"] == subject
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    for body in (text, html):
        for snippet in expected:
            assert snippet in body
        assert "not medical advice" in body and POSTAL in body
        assert unsubscribe_url(message) in body
        assert "/email/confirm/" not in body
    assert PlannedEmail.objects.get().state == State.SENT


def test_after_an_order_the_howto_email_carries_the_buyers_own_routine(
    smtp_settings, smtp_sink, request_routine, result
):
    request_routine(email="ana@example.com")
    PlannedEmail.objects.all().delete()
    paid_order("ana@example.com")
    PlannedEmail.objects.filter(kind__in=[Kind.ORDER_CHECKIN, Kind.ORDER_CONFIRMATION]).delete()
    make_all_due()

    dispatch_and_send()

    [message] = smtp_sink.messages
    assert message["Subject"] == "How to use your Infused ReLeaf: your routine"
    text, html = parts(message)
    assert "Your arch felt tight" in text and "Your arch felt tight" in html
    assert "This is the general routine" not in text


def test_a_buyer_without_a_self_check_gets_the_general_routine_then_the_check_in(
    smtp_settings, smtp_sink, guidance_content
):
    paid_order("new@example.com")
    make_all_due()

    dispatch_and_send()
    # The check-in waits 20 hours after the how-to: one marketing email a day at most.
    checkin = PlannedEmail.objects.get(kind=Kind.ORDER_CHECKIN)
    assert checkin.state == State.PENDING
    dispatch_and_send(now=checkin.due_at + datetime.timedelta(seconds=1))

    confirmation, howto, later = smtp_sink.messages  # the confirmation is not capped
    assert confirmation["Subject"] == "Your ReLeaf order is confirmed"
    assert howto["Subject"] == "How to use your Infused ReLeaf: your routine"
    assert "This is the general routine" in parts(howto)[0]
    assert later["Subject"] == "Three weeks on: how is the routine going?"
    assert "https://shop.example.com/guidance/self-check/" in parts(later)[0]
    assert set(PlannedEmail.objects.values_list("state", flat=True)) == {State.SENT}


def test_tips_without_confirmed_consent_are_skipped_and_stay_skipped(
    smtp_settings, smtp_sink, request_routine
):
    request_routine(wants_followups=True)
    make_all_due()

    dispatch_and_send()
    dispatch_and_send(now=timezone.now() + datetime.timedelta(days=30))

    assert [m["Subject"] for m in smtp_sink.messages] == ["Your foot-massage routine"]
    assert (
        sorted(PlannedEmail.objects.exclude(kind=Kind.ROUTINE).values_list("state", "skip_reason"))
        == [(State.SKIPPED, "no consent")] * 3
    )


def test_nothing_goes_to_an_unsubscribed_person_even_when_already_claimed(
    smtp_settings, smtp_sink, request_routine
):
    request_routine(wants_followups=True)
    contact = Contact.objects.get()
    contact_consent_confirm(contact=contact)
    PlannedEmail.objects.filter(kind=Kind.ROUTINE).delete()
    make_all_due()
    token, ids = planned_emails_claim()  # the dispatcher already handed them to a worker
    contact_unsubscribe(contact=contact)

    planned_emails_send(claim_token=token, ids=ids)
    dispatch_and_send(now=timezone.now() + datetime.timedelta(days=30))

    assert smtp_sink.messages == []
    assert set(PlannedEmail.objects.values_list("state", "skip_reason")) == {
        (State.SKIPPED, "unsubscribed")
    }


def test_the_cream_reminder_is_skipped_when_they_bought_after_it_was_claimed(
    smtp_settings, smtp_sink, request_routine
):
    request_routine(wants_followups=True)
    contact_consent_confirm(contact=Contact.objects.get())
    PlannedEmail.objects.exclude(kind=Kind.TIPS_REMINDER).delete()
    make_all_due()
    token, ids = planned_emails_claim()
    paid_order("ana@example.com")
    PlannedEmail.objects.filter(order__isnull=False).delete()

    planned_emails_send(claim_token=token, ids=ids)

    assert smtp_sink.messages == []
    reminder = PlannedEmail.objects.get()
    assert (reminder.state, reminder.skip_reason) == (State.SKIPPED, "bought")


def test_a_second_marketing_email_within_20_hours_waits_instead_of_being_dropped(
    smtp_settings, smtp_sink, request_routine
):
    request_routine(wants_followups=True)
    contact_consent_confirm(contact=Contact.objects.get())
    PlannedEmail.objects.filter(kind__in=[Kind.ROUTINE, Kind.TIPS_REMINDER]).delete()
    make_all_due()

    dispatch_and_send()

    assert len(smtp_sink.messages) == 1
    sent = PlannedEmail.objects.get(state=State.SENT)
    capped = PlannedEmail.objects.get(state=State.PENDING)
    # 20 hours after the first one was checked (it started sending a moment later)
    gap = sent.claimed_at + datetime.timedelta(hours=20) - capped.due_at
    assert datetime.timedelta(0) <= gap < datetime.timedelta(seconds=2)
    assert sent.claimed_at <= sent.sent_at
    assert capped.attempts == 0

    dispatch_and_send(now=capped.due_at + datetime.timedelta(seconds=1))
    assert len(smtp_sink.messages) == 2


def test_an_smtp_failure_is_retried_with_backoff_and_delivered_exactly_once(
    smtp_settings, smtp_sink, request_routine, settings
):
    settings.FOLLOWUPS_RETRY_BASE_SECONDS = 60
    smtp_sink.fail_data = 2
    request_routine()
    row = PlannedEmail.objects.get()

    start = timezone.now()
    dispatch_and_send(now=start)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.PENDING, 1)
    assert row.due_at == start + datetime.timedelta(seconds=60)
    assert "451" in row.last_error

    dispatch_and_send(now=start + datetime.timedelta(seconds=30))  # not due yet: nothing
    assert PlannedEmail.objects.get().attempts == 1

    dispatch_and_send(now=start + datetime.timedelta(seconds=61))
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.PENDING, 2)
    assert row.due_at == start + datetime.timedelta(seconds=61 + 120)

    dispatch_and_send(now=start + datetime.timedelta(seconds=200))
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 3, "")
    assert len(smtp_sink.messages) == 1


def test_after_the_last_try_the_email_is_failed_and_visible_to_staff(
    smtp_settings, smtp_sink, request_routine, settings, admin_client
):
    settings.FOLLOWUPS_MAX_ATTEMPTS = 2
    smtp_sink.fail_data = 5
    request_routine()
    dispatch_and_send()
    dispatch_and_send(now=timezone.now() + datetime.timedelta(hours=1))
    dispatch_and_send(now=timezone.now() + datetime.timedelta(hours=2))

    row = PlannedEmail.objects.get()
    assert (row.state, row.attempts) == (State.FAILED, 2)
    assert smtp_sink.messages == []
    page = admin_client.get("/admin/followups/plannedemail/?state__exact=failed")
    assert page.status_code == 200
    assert "ana@example.com" in page.content.decode()


def test_a_refused_recipient_marks_the_person_bounced_and_stops_everything(
    smtp_settings, smtp_sink, request_routine
):
    smtp_sink.refuse.add("ana@example.com")
    request_routine(wants_followups=True)
    contact_consent_confirm(contact=Contact.objects.get())
    dispatch_and_send()
    smtp_sink.refuse.clear()
    make_all_due()
    dispatch_and_send(now=timezone.now() + datetime.timedelta(days=30))

    assert smtp_sink.messages == []
    assert Contact.objects.get().bounced_at is not None
    assert PlannedEmail.objects.get(kind=Kind.ROUTINE).state == State.FAILED
    assert set(
        PlannedEmail.objects.exclude(kind=Kind.ROUTINE).values_list("state", "skip_reason")
    ) == {(State.SKIPPED, "bounced")}


def test_the_same_send_task_delivered_twice_sends_once(smtp_settings, smtp_sink, request_routine):
    request_routine()
    token, ids = planned_emails_claim()

    first = planned_emails_send(claim_token=token, ids=ids)
    second = planned_emails_send(claim_token=token, ids=ids)

    assert (first["sent"], second["not-claimed"]) == (1, 1)
    assert len(smtp_sink.messages) == 1


def test_rows_a_dead_worker_left_behind_are_taken_back(smtp_settings, smtp_sink, request_routine):
    request_routine(email="queued@example.com")
    request_routine(email="sending@example.com")
    now = timezone.now()
    stale = now - datetime.timedelta(hours=1)
    PlannedEmail.objects.filter(contact__email="queued@example.com").update(
        state=State.QUEUED, claimed_at=stale
    )
    PlannedEmail.objects.filter(contact__email="sending@example.com").update(
        state=State.SENDING, claimed_at=stale, attempts=1
    )

    assert planned_emails_recover(now=now) == 2
    dispatch_and_send(now=now)

    assert sorted(m["To"] for m in smtp_sink.messages) == [
        "queued@example.com",
        "sending@example.com",
    ]
    assert sorted(PlannedEmail.objects.values_list("attempts", flat=True)) == [1, 2]


def test_two_claims_never_share_a_row(db, request_routine):
    for n in range(5):  # five people, each with a result of their own
        own_result = result_create(answers=ANSWERS, visitor_key=f"visitor-{n}")
        request_routine(email=f"p{n}@example.com", on=own_result)

    _, first = planned_emails_claim(limit=3)
    _, second = planned_emails_claim(limit=3)
    _, third = planned_emails_claim(limit=3)

    assert (len(first), len(second), third) == (3, 2, [])
    assert set(first).isdisjoint(second)


def test_the_unsubscribe_link_from_the_header_works_with_one_click(
    smtp_settings, smtp_sink, request_routine
):
    request_routine(wants_followups=True)
    dispatch_and_send()
    [message] = smtp_sink.messages
    path = unsubscribe_url(message).removeprefix("https://shop.example.com")

    # As a mail client does it (RFC 8058): a bare POST, no cookies, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    assert Contact.objects.get().unsubscribed_at is not None
