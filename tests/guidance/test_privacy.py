"""Retention and erasure leave no row that names the person, except what the README's
"Security and privacy" section says is kept (an erased person's orders, without their name,
street, city, phone or email)."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import Q
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from guidance.models import Result
from guidance.routines import CheckAnswers
from guidance.services import result_create, results_erase, routine_request_create
from guidance.tasks import purge_expired_results
from shop.followups.models import Contact, PlannedEmail
from tests.helpers.checkout import checkout_to_stripe

Order = get_model("order", "Order")
ANSWERS = CheckAnswers(arch_left="mild", arch_right="none", heel_left="none", heel_right="none")

pytestmark = pytest.mark.usefixtures("guidance_content")


def rows_naming(*needles: str) -> list[tuple[str, str]]:
    """(model, field) of every row in the database whose text contains one of `needles`."""
    found = []
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.proxy or model._meta.db_table not in tables:
            continue  # other names for the same rows; views and test-only models (oscar.test)
        fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField) and f.concrete
        ]
        for field in fields:
            match = Q()
            for needle in needles:
                match |= Q(**{f"{field}__icontains": needle})
            if model._default_manager.filter(match).exists():
                found.append((model._meta.label, field))
    return found


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    def ask(email, *, consent, visitor_key="v"):
        result = result_create(answers=ANSWERS, visitor_key=visitor_key)
        with django_capture_on_commit_callbacks(execute=True):
            routine_request_create(
                result=result, email=email, wants_followups=consent, visitor_key=visitor_key
            )
        return result

    return ask


def _age(result, days):
    Result.objects.filter(pk=result.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_the_purge_takes_the_contact_and_the_routine_email_of_who_never_consented(ask, settings):
    settings.GUIDANCE_RESULT_RETENTION_DAYS = 30
    _age(ask("quietperson@example.com", consent=False, visitor_key="q"), 31)
    kept = ask("recent@example.com", consent=False, visitor_key="r")
    assert Contact.objects.filter(email="quietperson@example.com").exists()  # before
    assert purge_expired_results() == 1
    assert rows_naming("quietperson@example.com") == []
    assert list(Result.objects.all()) == [kept]
    assert Contact.objects.filter(email="recent@example.com").exists()


def test_the_purge_keeps_a_consenting_contact_but_not_the_emails_of_the_result(ask, settings):
    settings.GUIDANCE_RESULT_RETENTION_DAYS = 30
    contact_result = ask("fan@example.com", consent=True, visitor_key="f")
    Contact.objects.filter(email="fan@example.com").update(consent_confirmed_at=timezone.now())
    _age(contact_result, 31)
    PlannedEmail.objects.update(state=PlannedEmail.State.SENT)  # the series went out long ago
    assert purge_expired_results() == 1
    assert list(Contact.objects.values_list("email", flat=True)) == ["fan@example.com"]
    assert PlannedEmail.objects.count() == 0


def test_erasure_leaves_only_the_anonymised_order(ask, small_jar, stripe_standin, settings):
    ask("ann@example.com", consent=True, visitor_key="ann")
    client = Client()
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    checkout_to_stripe(client)  # a guest order: Ann Lee, 1 Main Street, Springfield IL 62701
    get_user_model().objects.create_user("ann2", "ann@example.com", "a long password 1")
    order = Order.objects.get()
    total = order.total_incl_tax
    assert rows_naming("ann@example.com", "Main Street", "Springfield")  # before

    results_erase(email="ann@example.com")

    assert rows_naming("ann@example.com", "Main Street", "Springfield") == []
    assert not get_user_model().objects.filter(email__iexact="ann@example.com").exists()
    order = Order.objects.get()
    assert (order.number, order.total_incl_tax, order.guest_email) == (order.number, total, "")
    address = order.shipping_address
    assert (address.first_name, address.last_name, address.line1, address.line4) == ("",) * 4
    assert (address.state, address.postcode, address.country_id) == ("IL", "62701", "US")
    assert order.lines.count() == 1
