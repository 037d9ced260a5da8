"""The browser's time zone, from the result page's form to the hour the follow-ups go out."""

import datetime
import zoneinfo

import pytest

from guidance.models import RoutineRequest
from shop.followups.models import Contact, PlannedEmail
from shop.followups.services import (
    contact_get_or_create,
    followup_schedule,
    planned_emails_claim,
    planned_emails_send,
)

Kind = PlannedEmail.Kind
State = PlannedEmail.State
LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")  # the shop's (settings.TIME_ZONE)


@pytest.fixture
def post_email_form(client, result, django_capture_on_commit_callbacks):
    def post(time_zone: str):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                result.get_absolute_url(),
                {"email": "ana@example.com", "followups": "on", "time_zone": time_zone},
            )
        assert response.status_code == 302
        return RoutineRequest.objects.get()

    return post


def tips_local_times(zone) -> list[datetime.datetime]:
    return [
        row.due_at.astimezone(zone)
        for row in PlannedEmail.objects.exclude(kind=Kind.ROUTINE).order_by("due_at")
    ]


def test_the_result_page_offers_the_hidden_field_and_its_script(client, result):
    page = client.get(result.get_absolute_url()).content.decode()
    assert 'type="hidden"\n                   name="time_zone"' in page
    assert "data-browser-time-zone" in page
    assert "/static/guidance/time-zone.js" in page


def test_a_visitor_in_los_angeles_gets_the_tips_at_a_los_angeles_hour(settings, post_email_form):
    settings.FOLLOWUPS_SEND_HOURS = [9, 20]
    request = post_email_form("America/Los_Angeles")

    assert request.time_zone == "America/Los_Angeles"
    assert Contact.objects.get().time_zone == "America/Los_Angeles"
    local = tips_local_times(LOS_ANGELES)
    assert len(local) == 3
    for due, days in zip(local, [3, 7, 14], strict=True):
        assert 9 <= due.hour < 20
        assert request.created_at + datetime.timedelta(days=days) <= due
        assert due < request.created_at + datetime.timedelta(days=days, hours=24)


@pytest.mark.parametrize("bogus", ["Mars/Olympus", "posixrules", "../../etc/passwd", "x" * 300])
def test_a_bogus_time_zone_is_dropped_and_the_shops_applies(settings, post_email_form, bogus):
    settings.FOLLOWUPS_SEND_HOURS = [9, 20]
    request = post_email_form(bogus)

    assert request.time_zone == ""
    assert Contact.objects.get().time_zone == ""
    local = tips_local_times(NEW_YORK)
    assert len(local) == 3
    assert all(9 <= due.hour < 20 for due in local)


def test_at_send_time_the_persons_hours_apply_and_a_bad_stored_zone_falls_back(
    smtp_settings, smtp_sink, result
):
    """06:00 in Los Angeles is 09:00 in New York: the shop's sending hours have begun, the
    Los Angeles visitor's have not."""
    smtp_settings.FOLLOWUPS_SEND_HOURS = [9, 20]
    now = datetime.datetime(2025, 3, 4, 6, 0, tzinfo=LOS_ANGELES)
    west = contact_get_or_create(email="west@example.com", time_zone="America/Los_Angeles")
    # A zone that got into the table some other way (older data, the admin) must not break
    # sending: it counts as the shop's.
    odd = contact_get_or_create(email="odd@example.com")
    Contact.objects.filter(pk=odd.pk).update(time_zone="Mars/Olympus")
    odd.refresh_from_db()
    for contact in (west, odd):
        Contact.objects.filter(pk=contact.pk).update(consent_confirmed_at=now, consent_version="1")
        followup_schedule(
            contact=contact, kind=Kind.TIPS_CHECKIN, key=f"tz:{contact.pk}", due_at=now
        )
    PlannedEmail.objects.update(due_at=now)  # both due now, whatever planning said

    token, ids = planned_emails_claim(now=now)
    outcomes = planned_emails_send(claim_token=token, ids=ids, now=now)

    assert +outcomes == {"sent": 1, "deferred": 1}
    assert [m["To"] for m in smtp_sink.messages] == ["odd@example.com"]
    later = PlannedEmail.objects.get(contact=west)
    assert later.state == State.PENDING
    assert later.due_at == datetime.datetime(2025, 3, 4, 9, 0, tzinfo=LOS_ANGELES)
