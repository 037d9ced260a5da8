"""Funnel numbers after a scripted run of several visitors, and order attribution."""

import datetime

import pytest
from django.contrib.sessions.backends.cache import SessionStore
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.apps.checkout.signals import post_checkout
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from guidance.models import FunnelEvent, Result
from guidance.selectors import funnel_numbers
from guidance.session import RESULT_TOKEN_KEY
from tests.helpers.guidance import NO_FLAGS, post_step, step_url, take_self_check

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")

pytestmark = pytest.mark.usefixtures("guidance_content")

WRITES = ("INSERT", "UPDATE", "DELETE", "SAVEPOINT")


@pytest.fixture
def staff_client(django_user_model):
    staff = django_user_model.objects.create_user(
        username="staff", email="staff@example.com", password="pw", is_staff=True
    )
    client = Client()
    client.force_login(staff)
    return client


def order_for(*, email: str, user=None):
    return create_order(user=user, guest_email=email if user is None else "")


def paid(order):
    Order.objects.filter(pk=order.pk).update(status="Paid")
    return order


def test_scripted_visitors_give_exact_funnel_numbers(store, staff_client):
    # Ann: completes, asks for the routine with follow-ups, clicks to the cream, buys.
    ann = Client()
    take_self_check(ann)
    ann_result = Result.objects.get()
    ann.post(
        f"/guidance/results/{ann_result.token}/", {"email": "ann@example.com", "followups": "on"}
    )
    ann.get("/guidance/cream/?from=result")
    paid(order_for(email="ann@example.com"))
    # Bob: completes, reloads the first step on the way (counted once per run), asks for the
    # routine without follow-ups.
    bob = Client()
    bob.get(step_url("safety"))
    take_self_check(bob)
    bob_result = Result.objects.exclude(pk=ann_result.pk).get()
    bob.post(f"/guidance/results/{bob_result.token}/", {"email": "bob@example.com"})
    # Cat: red flag on the safety screen.
    cat = Client()
    cat.get(step_url("safety"))
    post_step(cat, "safety", {**NO_FLAGS, "recent_injury": "yes"})
    # Dan: stops after the foot-arch step appears.
    dan = Client()
    dan.get(step_url("safety"))
    post_step(dan, "safety", NO_FLAGS)
    dan.get(step_url("pain"))
    post_step(dan, "pain", {"areas": ["foot"], "duration": "under_2_weeks"})
    dan.get(step_url("arch"))
    # Eve: clicks to the cream from the home page without a self-check, and buys.
    eve = Client()
    eve.get("/guidance/cream/?from=home")
    paid(order_for(email="eve@example.com"))

    today = timezone.localdate()
    response = staff_client.get(
        "/dashboard/funnel/", {"start": today.isoformat(), "end": today.isoformat()}
    )
    assert response.status_code == 200
    lines = {
        line.label: (line.visitors, line.events, line.share_of_starts)
        for line in response.context["numbers"].lines
    }
    assert lines == {
        "Started the self-check": (4, 4, 1.0),
        "Reached step 1: safety": (4, 4, 1.0),
        "Reached step 2: pain": (3, 3, 0.75),
        "Reached step 3: arch": (3, 3, 0.75),
        "Reached step 4: heel": (2, 2, 0.5),
        "Red-flag exits": (1, 1, 0.25),
        "Completed (got a result)": (2, 2, 0.5),
        "Asked for the routine email": (2, 2, 0.5),
        "Agreed to follow-up tips": (1, 1, 0.25),
        "Clicked through to the cream": (2, 2, 0.5),
        "… from a result": (1, 1, 0.25),
        "… from a technique page": (0, 0, 0.0),
        "… from the home page": (1, 1, 0.25),
        "… from an email link": (0, 0, 0.0),
        "… from a /code/ link": (0, 0, 0.0),
        "Paid orders from a result": (1, 1, 0.25),
    }
    assert b"Paid orders from a result" in response.content

    yesterday = today - datetime.timedelta(days=1)
    earlier = funnel_numbers(start=yesterday, end=yesterday)
    assert {line.events for line in earlier.lines} == {0}
    assert {line.share_of_starts for line in earlier.lines} == {None}


def test_funnel_numbers_are_one_query(db, django_assert_num_queries):
    for kind in ("start", "complete", "product_click"):
        FunnelEvent.objects.create(kind=kind, day=timezone.localdate(), visitor_key="v")
    with django_assert_num_queries(1):
        numbers = funnel_numbers(start=timezone.localdate(), end=timezone.localdate())
    assert numbers.by_label()["Completed (got a result)"].events == 1


def test_counting_a_page_view_is_one_insert(client, store, django_assert_num_queries):
    client.get("/guidance/cream/?from=home")  # the first click also starts the visitor's session
    with django_assert_num_queries(2) as queries:
        client.get("/guidance/cream/?from=home")
    sql = [query["sql"] for query in queries.captured_queries]
    assert sql[0].startswith('INSERT INTO "guidance_funnelevent"')
    assert sql[1].startswith('SELECT "catalogue_product"')  # where the click goes


def _shown(client, step, times=3) -> list[list[str]]:
    shown = []
    for _ in range(times):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(step_url(step)).status_code == 200
        shown.append([q["sql"] for q in queries.captured_queries])
    return shown


@pytest.mark.parametrize("with_session", [False, True])
def test_answering_a_step_counts_the_next_and_showing_it_writes_nothing(
    client, store, with_session
):
    if with_session:
        client.get("/guidance/cream/?from=home")  # e.g. clicked to the cream earlier
    client.get(step_url("safety"))
    # Answering a step counts the next one, with the answer: one INSERT and no other write (the
    # answers travel in the self-check's own cookie, not the session).
    with CaptureQueriesContext(connection) as answered:
        post_step(client, "safety", NO_FLAGS)
    writes = [q["sql"] for q in answered.captured_queries if q["sql"].split(" ", 1)[0] in WRITES]
    assert len(writes) == 1
    assert writes[0].startswith('INSERT INTO "guidance_funnelevent"')

    # Showing the step writes nothing, however often. Without a session the first showing renders
    # it (one query: its text) and the page cache serves it from then on; with a session (which
    # may hold a login or a message) it is rendered each time.
    shown = _shown(client, "pain")
    assert not [sql for sqls in shown for sql in sqls if sql.split(" ", 1)[0] in WRITES]
    assert [len(sqls) for sqls in shown] == ([1, 1, 1] if with_session else [1, 0, 0])
    assert FunnelEvent.objects.filter(kind="step", step="pain").count() == 1


def test_dashboard_funnel_is_staff_only(client, django_user_model):
    response = client.get("/dashboard/funnel/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dashboard/login/")
    customer = django_user_model.objects.create_user(
        username="c", email="c@example.com", password="pw"
    )
    client.force_login(customer)
    assert client.get("/dashboard/funnel/").status_code == 302


@pytest.mark.parametrize(
    "query,error",
    [
        ({"start": "2025-02-01", "end": "2025-01-01"}, b"must not be after"),
        ({"start": "2020-01-01", "end": "2025-01-01"}, b"at most 366 days"),
        ({"start": "yesterday", "end": "2025-01-01"}, b"Enter a valid date."),
    ],
)
def test_dashboard_funnel_rejects_bad_ranges(staff_client, query, error):
    response = staff_client.get("/dashboard/funnel/", query)
    assert response.status_code == 200
    assert response.context["numbers"] is None
    assert error in response.content


def test_dashboard_navigation_lists_the_guidance_pages(staff_client):
    page = staff_client.get("/dashboard/").content.decode()
    assert 'href="/dashboard/funnel/"' in page
    assert 'href="/dashboard/guidance/content/"' in page
    assert 'href="/dashboard/guidance/erase/"' in page


def test_order_by_a_customer_who_took_the_check_counts_once(store):
    client = Client()
    take_self_check(client)
    result = Result.objects.get()
    client.post(f"/guidance/results/{result.token}/", {"email": "ann@example.com"})
    order = order_for(email="ANN@example.com")
    # The checkout's own signal for the same order does not count it again.
    request = RequestFactory().get("/checkout/thank-you/")
    request.session = SessionStore()
    request.session[RESULT_TOKEN_KEY] = result.token
    post_checkout.send(sender=None, order=order, user=None, request=request, response=None)
    event = FunnelEvent.objects.get(kind="order")
    assert (event.order_number, event.result) == (str(order.number), result)


def test_order_from_the_same_session_counts_without_an_email_match(store):
    client = Client()
    take_self_check(client)
    result = Result.objects.get()
    order = order_for(email="someone-else@example.com")
    assert FunnelEvent.objects.filter(kind="order").count() == 0
    request = RequestFactory().get("/checkout/thank-you/")
    request.session = client.session
    post_checkout.send(sender=None, order=order, user=None, request=request, response=None)
    event = FunnelEvent.objects.get(kind="order")
    assert (event.order_number, event.result, event.visitor_key) == (
        str(order.number),
        result,
        result.visitor_key,
    )


def test_order_by_an_account_that_took_the_check(store, django_user_model):
    user = django_user_model.objects.create_user(username="u", email="u@example.com", password="pw")
    client = Client()
    client.force_login(user)
    take_self_check(client)
    order_for(email="", user=user)
    assert FunnelEvent.objects.get(kind="order").result == Result.objects.get()


def test_orders_without_a_result_are_not_attributed(store):
    take_self_check(Client())
    order_for(email="stranger@example.com")
    assert FunnelEvent.objects.filter(kind="order").count() == 0
