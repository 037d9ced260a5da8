"""Planning follow-up emails: what a routine request and an order put in the queue, and when."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from oscar.test.factories import create_order

from shop.followups.models import Contact, PlannedEmail
from shop.followups.services import (
    contact_get_or_create,
    followup_schedule,
    send_hour_adjust,
)

Kind = PlannedEmail.Kind
State = PlannedEmail.State
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def rows():
    return list(PlannedEmail.objects.order_by("due_at").values_list("kind", "state", "skip_reason"))


def test_a_routine_request_without_consent_plans_only_the_routine_email_now(request_routine):
    before = timezone.now()
    routine_request = request_routine(email=" Ana@Example.com ", wants_followups=False)

    planned = PlannedEmail.objects.get()
    assert (planned.kind, planned.state, planned.key) == (
        Kind.ROUTINE,
        State.PENDING,
        f"routine:{routine_request.pk}",
    )
    assert before <= planned.due_at <= timezone.now()
    assert planned.result == routine_request.result
    contact = Contact.objects.get()
    assert contact.email == "ana@example.com"
    assert contact.consent_requested_at is None


def test_with_consent_the_tips_follow_on_days_3_7_14_at_a_local_hour(request_routine, settings):
    settings.FOLLOWUPS_SEND_HOURS = [9, 20]
    routine_request = request_routine(wants_followups=True)

    planned = list(PlannedEmail.objects.order_by("due_at"))
    assert [p.kind for p in planned] == [
        Kind.ROUTINE,
        Kind.TIPS_CHECKIN,
        Kind.TIPS_RETEST,
        Kind.TIPS_REMINDER,
    ]
    start = routine_request.created_at
    for row, days in zip(planned[1:], [3, 7, 14], strict=True):
        local = row.due_at.astimezone(NEW_YORK)
        assert 9 <= local.hour < 20
        assert start + datetime.timedelta(days=days) <= row.due_at
        assert row.due_at < start + datetime.timedelta(days=days, hours=24)
    contact = Contact.objects.get()
    assert contact.consent_version == routine_request.consent_version
    assert contact.consent_text == routine_request.consent_text
    assert contact.consent_confirmed_at is None  # double opt-in: the email link confirms


def test_a_second_request_replaces_the_pending_tips_series(request_routine):
    first = request_routine(wants_followups=True)
    second = request_routine(wants_followups=True)

    tips = PlannedEmail.objects.exclude(kind=Kind.ROUTINE)
    assert sorted(tips.filter(state=State.PENDING).values_list("key", flat=True)) == sorted(
        f"{kind}:{second.pk}" for kind in ("tips_checkin", "tips_retest", "tips_reminder")
    )
    assert set(tips.filter(key__endswith=f":{first.pk}").values_list("state", "skip_reason")) == {
        (State.SKIPPED, "replaced by a newer request")
    }


@pytest.mark.parametrize(
    ("local_time", "expected"),
    [
        (datetime.datetime(2030, 3, 5, 12, 30), datetime.datetime(2030, 3, 5, 12, 30)),
        (datetime.datetime(2030, 3, 5, 5, 0), datetime.datetime(2030, 3, 5, 9, 0)),
        (datetime.datetime(2030, 3, 5, 20, 0), datetime.datetime(2030, 3, 6, 9, 0)),
        (datetime.datetime(2030, 3, 5, 23, 59), datetime.datetime(2030, 3, 6, 9, 0)),
    ],
)
def test_marketing_emails_move_into_the_persons_sending_hours(db, settings, local_time, expected):
    settings.FOLLOWUPS_SEND_HOURS = [9, 20]
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    contact = contact_get_or_create(email="jo@example.com", time_zone="Europe/Berlin")

    adjusted = send_hour_adjust(when=local_time.replace(tzinfo=berlin), contact=contact)

    assert adjusted == expected.replace(tzinfo=berlin)


def test_an_unknown_browser_time_zone_falls_back_to_the_shops(db):
    contact = contact_get_or_create(email="jo@example.com", time_zone="Mars/Olympus")
    assert contact.time_zone == ""


def test_planning_the_same_key_twice_keeps_one_row(db):
    contact = contact_get_or_create(email="jo@example.com")
    due = timezone.now()
    first = followup_schedule(contact=contact, kind=Kind.ROUTINE, key="routine:x", due_at=due)
    again = followup_schedule(
        contact=contact, kind=Kind.ROUTINE, key="routine:x", due_at=due + datetime.timedelta(days=1)
    )
    assert again.pk == first.pk
    assert PlannedEmail.objects.get().due_at == due


def test_a_paid_order_plans_the_order_emails_and_stops_the_tips(request_routine, settings):
    settings.FOLLOWUPS_SEND_HOURS = [0, 24]
    request_routine(email="ana@example.com", wants_followups=True)
    pre_purchase = sorted(rows())

    order = create_order(guest_email="ANA@example.com", status="Pending payment")
    assert sorted(rows()) == pre_purchase  # a pending order is not a purchase

    before = timezone.now()
    order.set_status("Paid")  # what order_payment_confirm does, inside its transaction
    order.set_status("Being processed")  # later statuses plan nothing more

    assert sorted(rows()) == sorted(
        [
            (Kind.ROUTINE, State.PENDING, ""),
            (Kind.TIPS_CHECKIN, State.SKIPPED, "bought"),
            (Kind.TIPS_RETEST, State.SKIPPED, "bought"),
            (Kind.TIPS_REMINDER, State.SKIPPED, "bought"),
            (Kind.ORDER_CONFIRMATION, State.PENDING, ""),
            (Kind.ORDER_HOWTO, State.PENDING, ""),
            (Kind.ORDER_CHECKIN, State.PENDING, ""),
        ]
    )
    confirmation = PlannedEmail.objects.get(kind=Kind.ORDER_CONFIRMATION)
    howto = PlannedEmail.objects.get(kind=Kind.ORDER_HOWTO)
    checkin = PlannedEmail.objects.get(kind=Kind.ORDER_CHECKIN)
    assert confirmation.order == howto.order == order
    paid_at = confirmation.due_at
    assert before <= paid_at <= timezone.now()
    assert howto.due_at == paid_at + datetime.timedelta(days=3)
    assert checkin.due_at == paid_at + datetime.timedelta(days=21)
    assert Contact.objects.get().last_ordered_at is not None


def test_a_cancelled_order_plans_nothing_and_keeps_the_tips(request_routine, settings):
    settings.FOLLOWUPS_SEND_HOURS = [0, 24]
    request_routine(email="ana@example.com", wants_followups=True)
    pre_purchase = sorted(rows())

    order = create_order(guest_email="ana@example.com", status="Pending payment")
    order.set_status("Cancelled")

    assert sorted(rows()) == pre_purchase
    assert Contact.objects.get().last_ordered_at is None


def test_a_paid_order_by_a_buyer_with_no_self_check_still_plans_the_routine_email(db, settings):
    settings.FOLLOWUPS_SEND_HOURS = [0, 24]
    order = create_order(guest_email="new@example.com", status="Pending payment")
    order.set_status("Paid")

    assert sorted(PlannedEmail.objects.values_list("kind", "key")) == [
        (Kind.ORDER_CHECKIN, f"order_checkin:order:{order.number}"),
        (Kind.ORDER_CONFIRMATION, f"order_confirmation:order:{order.number}"),
        (Kind.ORDER_HOWTO, f"order_howto:order:{order.number}"),
    ]
