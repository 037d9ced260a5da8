"""The follow-up queue in Oscar's dashboard: filters, local times, routine, actions, counts."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.test.factories import create_order

from shop.followups.models import Contact, PlannedEmail
from shop.followups.services import followups_schedule_for_order

Kind, State = PlannedEmail.Kind, PlannedEmail.State


@pytest.fixture
def staff_client(db):
    user = get_user_model().objects.create_user("staff", "staff@example.com", "pw", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def queue(request_routine, result):
    """Ana in Berlin asked for her routine with tips, then bought: every kind of row."""
    request_routine(wants_followups=True)
    Contact.objects.update(time_zone="Europe/Berlin")
    order = create_order(guest_email="ana@example.com")
    followups_schedule_for_order(order=order)
    return order


def row_of(page, kind_label):
    rows = page[page.index('id="followup-queue"') :].split("<tr>")
    return next(r for r in rows if kind_label in r)


def test_queue_shows_local_time_zone_and_routine(staff_client, queue, result):
    page = staff_client.get("/dashboard/followups/").content.decode()
    assert "Due (America/New_York)" in page
    howto = row_of(page, "After an order: how to use it")
    assert "(Europe/Berlin)" in howto
    # No result of its own: the buyer's self-check (by email) is the one that goes out.
    assert f"Self-check of {result.created_at:%b} {result.created_at.day}: " in howto
    assert result.get_pattern_display() in howto
    row = PlannedEmail.objects.get(kind=Kind.ORDER_HOWTO)
    local = row.due_at.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    assert local.strftime("%-I:%M") in howto  # Berlin is UTC+1 in December

    filtered = staff_client.get("/dashboard/followups/", {"kind": Kind.ORDER_CHECKIN}).content
    assert filtered.decode().count("After an order: check-in") >= 1
    assert b"Your routine (on request)" not in filtered.split(b'id="followup-queue"')[1]
    skipped = staff_client.get("/dashboard/followups/", {"state": "skipped"}).content.decode()
    assert "Tips: check-in with one technique" in skipped  # the purchase stopped the tips
    assert "After an order" not in skipped.split('id="followup-queue"')[1]


def test_skip_retry_and_send_now_ask_first(staff_client, queue):
    row = PlannedEmail.objects.get(kind=Kind.ORDER_CHECKIN)
    url = f"/dashboard/followups/{row.pk}/skip/"
    confirm = staff_client.get(url).content.decode()
    assert "It will never be sent." in confirm
    assert re.search(r'<form method="post"\s+action="' + re.escape(url), confirm)
    row.refresh_from_db()
    assert row.state == State.PENDING  # nothing happened on GET
    staff_client.post(url)
    row.refresh_from_db()
    assert (row.state, row.skip_reason) == (State.SKIPPED, "staff")
    assert "does not apply to it now" in staff_client.get(url).content.decode()

    staff_client.post(f"/dashboard/followups/{row.pk}/retry/")
    row.refresh_from_db()
    assert row.state == State.PENDING and row.due_at <= timezone.now()

    later = PlannedEmail.objects.get(kind=Kind.ORDER_HOWTO)
    assert later.due_at > timezone.now() + datetime.timedelta(days=2)
    response = staff_client.post(f"/dashboard/followups/{later.pk}/send-now/", follow=True)
    assert "Send now: done for the email to ana@example.com." in response.content.decode()
    later.refresh_from_db()
    assert later.due_at <= timezone.now()


def test_counts_per_kind_for_30_days(staff_client, queue):
    PlannedEmail.objects.filter(kind=Kind.ROUTINE).update(state=State.SENT, sent_at=timezone.now())
    old = timezone.now() - datetime.timedelta(days=31)
    PlannedEmail.objects.filter(kind=Kind.TIPS_REMINDER).update(updated_at=old)
    page = staff_client.get("/dashboard/followups/").content.decode()
    counts = page[page.index('id="followup-counts"') : page.index('id="followup-queue"')]
    cells = {
        label: re.findall(r"<td>(\d+)</td>", block)
        for label, block in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', counts, re.S)
    }
    assert cells["Your routine (on request)"] == ["1", "0", "0", "0"]
    assert cells["Tips: check-in with one technique"] == ["0", "1", "0", "0"]
    assert cells["Tips: cream reminder with the code"] == [
        "0",
        "0",
        "0",
        "0",
    ]  # skipped 31 days ago
    assert cells["After an order: check-in"] == ["0", "0", "0", "1"]


def test_queue_is_in_the_emails_menu_and_admin_is_for_superusers(staff_client, queue):
    page = staff_client.get("/dashboard/").content.decode()
    assert 'href="/dashboard/followups/"' in page
    assert staff_client.get("/admin/followups/plannedemail/").status_code == 403
    superuser = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/followups/plannedemail/").status_code == 200


def test_queue_is_staff_only(client, queue):
    response = client.get("/dashboard/followups/")
    assert response.status_code == 302 and "/login/" in response.url
    PlannedEmail.objects.update(state=State.PENDING)
    assert (
        client.post(f"/dashboard/followups/{PlannedEmail.objects.first().pk}/skip/").status_code
        == 302
    )
    assert not PlannedEmail.objects.filter(state=State.SKIPPED).exists()


def test_queue_queries_do_not_grow_with_its_rows(staff_client, queue):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get("/dashboard/followups/").status_code == 200
        return len(queries)

    before = count()
    for _ in range(3):  # Ana buys again: each order's emails find her result the same way
        followups_schedule_for_order(order=create_order(guest_email="ana@example.com"))
    assert PlannedEmail.objects.count() == 16  # each order: confirmation, how-to, check-in
    assert count() == before
