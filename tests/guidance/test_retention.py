"""Staff erasure of a person's results, and the periodic purge of old results."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from guidance.models import FunnelEvent, Result, RoutineRequest
from guidance.routines import CheckAnswers
from guidance.services import result_create, results_erase, routine_request_create
from guidance.tasks import purge_expired_results

pytestmark = pytest.mark.usefixtures("guidance_content")

ANSWERS = CheckAnswers(arch_left="mild", arch_right="none", heel_left="none", heel_right="none")


def result_for(visitor_key: str, email: str = "") -> Result:
    result = result_create(answers=ANSWERS, visitor_key=visitor_key)
    if email:
        routine_request_create(
            result=result, email=email, wants_followups=True, visitor_key=visitor_key
        )
    return result


@pytest.fixture
def staff_client(django_user_model):
    staff = django_user_model.objects.create_superuser(
        username="staff", email="staff@example.com", password="pw"
    )
    client = Client()
    client.force_login(staff)
    return client


def test_erase_by_email_takes_the_persons_results_from_every_session(db):
    first = result_for("ann-phone", "ann@example.com")
    second = result_for("ann-phone")  # a retake before she gave her email again
    third = result_for("ann-laptop", "Ann@Example.com")
    other = result_for("bob", "bob@example.com")
    assert results_erase(email="ann@example.com") == 3
    assert list(Result.objects.all()) == [other]
    assert list(RoutineRequest.objects.values_list("email", flat=True)) == ["bob@example.com"]
    # The counts stay, with nothing pointing back to Ann.
    ann_events = FunnelEvent.objects.exclude(visitor_key="bob")
    assert ann_events.count() == 3 + 2 * 2  # completions, plus request + consent for two
    assert set(ann_events.values_list("visitor_key", "result")) == {("", None)}
    assert {first.pk, second.pk, third.pk}.isdisjoint(Result.objects.values_list("pk", flat=True))


def test_erase_by_result_link(db):
    mine = result_for("ann")
    mine_too = result_for("ann")
    other = result_for("bob")
    assert results_erase(token=mine_too.token) == 2
    assert list(Result.objects.all()) == [other]
    assert not Result.objects.filter(pk=mine.pk).exists()


def test_erase_of_an_unknown_person_changes_nothing(db):
    result_for("ann", "ann@example.com")
    assert results_erase(email="nobody@example.com") == 0
    assert results_erase(token="nope") == 0
    assert results_erase() == 0
    assert Result.objects.count() == 1
    assert RoutineRequest.objects.count() == 1


def test_staff_erase_from_the_dashboard(staff_client):
    result_for("ann", "ann@example.com")
    keep = result_for("bob", "bob@example.com")
    response = staff_client.post(
        "/dashboard/guidance/erase/", {"email": "ann@example.com"}, follow=True
    )
    assert b"Erased 1 result." in response.content
    assert list(Result.objects.all()) == [keep]


def test_staff_erase_by_link_from_the_dashboard(staff_client):
    result = result_for("ann")
    response = staff_client.post(
        "/dashboard/guidance/erase/",
        {"result_link": f"https://shop.example.com/guidance/results/{result.token}/"},
        follow=True,
    )
    assert b"Erased 1 result." in response.content
    assert Result.objects.count() == 0


def test_dashboard_erase_needs_an_email_or_link(staff_client):
    result_for("ann", "ann@example.com")
    response = staff_client.post("/dashboard/guidance/erase/", {"email": "", "result_link": ""})
    assert response.status_code == 200
    assert b"Enter an email address or a result link." in response.content
    assert Result.objects.count() == 1


def test_erase_is_staff_only(client, django_user_model):
    result_for("ann", "ann@example.com")
    response = client.post("/dashboard/guidance/erase/", {"email": "ann@example.com"})
    assert response.status_code == 302
    customer = django_user_model.objects.create_user(
        username="c", email="c@example.com", password="pw"
    )
    client.force_login(customer)
    client.post("/dashboard/guidance/erase/", {"email": "ann@example.com"})
    assert Result.objects.count() == 1


def test_admin_action_erases_the_person(staff_client):
    ann = result_for("ann")
    result_for("ann")
    bob = result_for("bob")
    response = staff_client.post(
        "/admin/guidance/result/",
        {"action": "erase_people", "_selected_action": [ann.pk]},
        follow=True,
    )
    assert b"Erased 2 results." in response.content
    assert list(Result.objects.all()) == [bob]


def test_purge_deletes_only_results_past_retention(db, settings):
    settings.GUIDANCE_RESULT_RETENTION_DAYS = 30
    old, recent = result_for("old", "old@example.com"), result_for("new", "new@example.com")
    Result.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=31))
    Result.objects.filter(pk=recent.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=29)
    )
    assert purge_expired_results() == 1
    assert list(Result.objects.all()) == [recent]
    assert list(RoutineRequest.objects.values_list("email", flat=True)) == ["new@example.com"]
    assert FunnelEvent.objects.filter(kind="complete").count() == 2  # counts survive
    assert purge_expired_results() == 0  # safe to run again


def test_purge_runs_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["guidance-purge-expired-results"]
    assert entry["task"] == "guidance.purge_expired_results" == purge_expired_results.name
