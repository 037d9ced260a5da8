"""The funnel page for seeded visitors who buy through the real checkout and the Stripe
stand-in: attribution by session whatever the path, paid orders only, sources, chart, CSV."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from guidance.models import Result
from shop.payment.models import CheckoutAttempt
from tests.helpers.checkout import checkout_to_stripe
from tests.helpers.guidance import take_self_check

Order = get_model("order", "Order")

pytestmark = pytest.mark.usefixtures("guidance_content")


def buy(client, stripe_standin, *, email, pay=True):
    checkout_to_stripe(client, email=email)
    attempt = CheckoutAttempt.objects.get(order__guest_email=email)
    if pay:
        stripe_standin.pay(attempt.session_id)
        client.get(f"/checkout/stripe/return/?session_id={attempt.session_id}")
    else:
        client.get(f"/checkout/stripe/cancel/?order={attempt.order.number}")
    return Order.objects.get(guest_email=email)


def test_funnel_counts_paid_orders_of_result_holders_by_source(
    store,
    stripe_standin,
    django_user_model,
    small_jar,
):
    # Ann: a result without giving an email, then "See both sizes" into the catalogue; pays
    # with an email the self-check never saw: hers by the session.
    ann = Client()
    take_self_check(ann)
    ann.get("/catalogue/")
    ann.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    assert buy(ann, stripe_standin, email="ann.w@example.com").status == "Paid"
    # Bob: a result, the cream from it, then cancels on Stripe's page: not counted.
    bob = Client()
    take_self_check(bob)
    bob.get("/guidance/cream/?from=result", follow=True)  # through /code/ to the basket
    assert buy(bob, stripe_standin, email="bob@example.com", pay=False).status == "Cancelled"
    # Cat: a result, then the blog's /code/ link with the jar; pays (code applied).
    cat = Client()
    take_self_check(cat)
    cat.get(f"/code/GETINFUSED/?add={small_jar.pk}")
    assert buy(cat, stripe_standin, email="cat@example.com").total_incl_tax == Decimal("27.95")
    # Dan: his result is older than the window (30 days): his paid order is not counted.
    dan = Client()
    take_self_check(dan)
    Result.objects.filter(pk=Result.objects.latest("pk").pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    dan.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    buy(dan, stripe_standin, email="dan@example.com")

    staff = django_user_model.objects.create_user("staff", "s@example.com", "pw", is_staff=True)
    client = Client()
    client.force_login(staff)
    response = client.get("/dashboard/funnel/", {"preset": "week"})
    numbers = response.context["numbers"].by_label()
    assert (
        numbers["Started the self-check"].visitors,
        numbers["Completed (got a result)"].visitors,
    ) == (4, 4)
    assert numbers["Paid orders from a result"].visitors == 2
    assert numbers["Paid orders from a result"].events == 2
    assert numbers["Paid orders from a result"].share_of_starts == 0.5
    assert numbers["… from a /code/ link"].visitors == 1
    sources = {s.label: (s.visitors, s.paid_orders, s.revenue) for s in response.context["sources"]}
    assert sources == {
        "a result": (1, 0, Decimal("0.00")),  # Bob's order was cancelled
        "a technique page": (0, 0, Decimal("0.00")),
        "the home page": (0, 0, Decimal("0.00")),
        "an email link": (0, 0, Decimal("0.00")),
        "a /code/ link": (1, 1, Decimal("27.95")),
        "no click recorded": (0, 1, Decimal("39.95")),  # Ann, through the catalogue
    }
    page = response.content.decode()
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in chart and "<title" in chart
    assert ">Paid orders from a result</text>" in chart
    # In words beside each bar: 4 got a result, 2 clicked through, 2 paid orders.
    bars = chart.split("<g ")
    assert (
        ">Clicked through to the cream</text>" in bars[-2] and ">2, 50 %, −50 %</text>" in bars[-2]
    )
    assert ">2, 50 %, −0 %</text>" in bars[-1]
    today = timezone.localdate()
    assert response.context["form"].cleaned_data == {
        "start": today - datetime.timedelta(days=6),
        "end": today,
    }

    csv = client.get(
        "/dashboard/funnel/",
        {"start": today.isoformat(), "end": today.isoformat(), "format": "csv"},
    )
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv.content.decode().splitlines()
    assert "Clicked through to the cream,2,2,0.5,0.5" in rows
    assert "Paid orders from a result,2,2,0.5,0.0" in rows
    assert "a /code/ link,1,1,27.95" in rows
