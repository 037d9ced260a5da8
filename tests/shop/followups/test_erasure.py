"""Staff erase a person's results (guidance): their follow-up data goes with them."""

import pytest
from django.test import Client
from django.utils import timezone

from guidance.models import Result
from guidance.services import result_create
from shop.followups.models import Contact, PlannedEmail
from shop.followups.services import (
    contact_consent_confirm,
    planned_emails_claim,
    planned_emails_send,
)
from tests.helpers.followups import dispatch_and_send
from tests.helpers.guidance import ANSWERS

State = PlannedEmail.State


@pytest.fixture
def staff_client(django_user_model):
    staff = django_user_model.objects.create_superuser(
        username="staff", email="staff@example.com", password="pw"
    )
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def ann_and_bob(smtp_settings, smtp_sink, request_routine, result):
    """Both asked for the routine with tips and confirmed; each got the routine email already,
    so each has one sent and three pending planned emails."""
    bob_result = result_create(answers=ANSWERS, visitor_key="bob-phone")
    request_routine(email="ann@example.com", wants_followups=True)
    request_routine(email="bob@example.com", wants_followups=True, on=bob_result)
    for contact in Contact.objects.all():
        contact_consent_confirm(contact=contact)
    dispatch_and_send()
    assert sorted(m["To"] for m in smtp_sink.messages) == ["ann@example.com", "bob@example.com"]
    smtp_sink.messages.clear()
    return bob_result


def states(email: str) -> list[str]:
    return sorted(PlannedEmail.objects.filter(contact__email=email).values_list("state", flat=True))


def test_erasing_from_the_dashboard_removes_the_contact_and_every_planned_email(
    ann_and_bob, staff_client, smtp_sink
):
    assert states("ann@example.com") == ["pending", "pending", "pending", "sent"]

    response = staff_client.post(
        "/dashboard/guidance/erase/", {"email": "Ann@Example.com"}, follow=True
    )

    assert b"Erased 1 result." in response.content
    assert Contact.objects.filter(email="ann@example.com").count() == 0
    assert PlannedEmail.objects.filter(contact__email="ann@example.com").count() == 0
    assert list(Contact.objects.values_list("email", flat=True)) == ["bob@example.com"]
    assert states("bob@example.com") == ["pending", "pending", "pending", "sent"]
    # Everything still planned is due now: only Bob's next email goes out.
    PlannedEmail.objects.filter(state=State.PENDING).update(due_at=timezone.now())
    dispatch_and_send()
    assert [m["To"] for m in smtp_sink.messages] == ["bob@example.com"]


def test_erasing_by_result_link_finds_the_address_from_the_routine_request(
    ann_and_bob, staff_client, result
):
    staff_client.post(
        "/dashboard/guidance/erase/",
        {"result_link": f"https://shop.example.com{result.get_absolute_url()}"},
    )
    assert list(Contact.objects.values_list("email", flat=True)) == ["bob@example.com"]
    assert list(Result.objects.all()) == [ann_and_bob]


def test_the_admin_action_erases_the_follow_ups_too(ann_and_bob, staff_client, result):
    response = staff_client.post(
        "/admin/guidance/result/",
        {"action": "erase_people", "_selected_action": [result.pk]},
        follow=True,
    )
    assert b"Erased 1 result." in response.content
    assert list(Contact.objects.values_list("email", flat=True)) == ["bob@example.com"]


def test_an_email_already_claimed_by_a_worker_is_not_sent_after_erasure(
    ann_and_bob, staff_client, smtp_sink
):
    PlannedEmail.objects.filter(state=State.PENDING).update(due_at=timezone.now())
    token, ids = planned_emails_claim()  # the dispatcher has handed these to a worker
    assert len(ids) == 6  # three tips each (the 20-hour cap is checked at send time)

    staff_client.post("/dashboard/guidance/erase/", {"email": "ann@example.com"})
    outcomes = planned_emails_send(claim_token=token, ids=ids)

    # Ann's three are gone; of Bob's, one goes and two wait out the 20-hour cap.
    assert +outcomes == {"not-claimed": 3, "sent": 1, "deferred": 2}
    assert [m["To"] for m in smtp_sink.messages] == ["bob@example.com"]
    assert PlannedEmail.objects.filter(contact__email="ann@example.com").count() == 0


def test_a_person_only_known_to_follow_ups_is_erased_by_email(db, staff_client):
    Contact.objects.create(email="buyer@example.com")
    response = staff_client.post(
        "/dashboard/guidance/erase/", {"email": "buyer@example.com"}, follow=True
    )
    assert b"Erased 0 results." in response.content
    assert Contact.objects.count() == 0
