"""The stand-in's hosted payment page, driven over HTTP like a browser without JavaScript."""

import re
import uuid
from decimal import Decimal

import pytest
import requests

from shop.payment import client

SUCCESS = "http://shop.test/checkout/stripe/return/?session_id={CHECKOUT_SESSION_ID}"
CANCEL = "http://shop.test/checkout/stripe/cancel/?order=100002"


@pytest.fixture
def session(stripe_standin):
    return client.checkout_session_create(
        order_number="100002",
        amount=Decimal("49.90"),
        currency="usd",
        customer_email="pat@example.com",
        success_url=SUCCESS,
        cancel_url=CANCEL,
        metadata={"order_number": "100002"},
        idempotency_key=str(uuid.uuid4()),
    )


def _pay(url, card, exp="12 / 34", cvc="123"):
    return requests.post(
        url,
        data={"email": "pat@example.com", "cardnumber": card, "exp": exp, "cvc": cvc},
        allow_redirects=False,
        timeout=10,
    )


def test_the_page_is_a_labelled_form_with_the_amount_and_a_cancel_link(session):
    page = requests.get(session.url, timeout=10)

    assert page.status_code == 200
    assert "<h1>Pay $49.90</h1>" in page.text
    assert "ReLeaf order 100002" in page.text
    for field in ("email", "cardnumber", "exp", "cvc"):
        assert f'<label for="{field}">' in page.text
        assert f'id="{field}" name="{field}"' in page.text
    assert '<a href="http://shop.test/checkout/stripe/cancel/?order=100002">' in page.text
    assert "<script" not in page.text


def test_4242_pays_and_redirects_to_the_success_url_with_the_session_id(session, stripe_standin):
    response = _pay(session.url, "4242 4242 4242 4242")

    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"http://shop.test/checkout/stripe/return/?session_id={session.id}"
    )
    paid = client.checkout_session_retrieve(session_id=session.id)
    assert (paid.status, paid.payment_status) == ("complete", "paid")
    assert paid.payment_intent_id.startswith("pi_")
    [event] = stripe_standin.events(related_to=session.id)
    assert event.type == "checkout.session.completed"
    assert event.event["data"]["object"]["payment_intent"] == paid.payment_intent_id


def test_the_page_of_a_paid_session_sends_the_customer_to_the_success_url(session):
    _pay(session.url, "4242424242424242")

    again = requests.get(session.url, allow_redirects=False, timeout=10)

    assert again.status_code == 303
    assert again.headers["Location"].endswith(f"session_id={session.id}")


def test_a_declined_card_stays_on_the_page_with_a_message_then_4242_pays(session, stripe_standin):
    declined = _pay(session.url, "4000000000000341")

    assert declined.status_code == 200
    assert (
        '<p class="error" role="alert" id="card-error">Your card was declined.</p>' in declined.text
    )
    assert client.checkout_session_retrieve(session_id=session.id).status == "open"
    assert stripe_standin.events(related_to=session.id) == []

    assert _pay(session.url, "4242424242424242").status_code == 303
    assert client.checkout_session_retrieve(session_id=session.id).payment_status == "paid"


def _challenge(session):
    response = _pay(session.url, "4000002760003184")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(rf"/pay/{session.id}/authenticate/[\w-]+", location)
    return requests.compat.urljoin(session.url, location)


def test_3d_secure_approve_pays(session, stripe_standin):
    challenge = _challenge(session)
    page = requests.get(challenge, timeout=10)
    assert page.status_code == 200
    assert 'value="approve">Approve</button>' in page.text
    assert 'value="fail">Fail</button>' in page.text

    approved = requests.post(
        challenge, data={"result": "approve"}, allow_redirects=False, timeout=10
    )

    assert approved.status_code == 303
    assert approved.headers["Location"].endswith(f"session_id={session.id}")
    assert client.checkout_session_retrieve(session_id=session.id).payment_status == "paid"
    assert [e.type for e in stripe_standin.events(related_to=session.id)] == [
        "checkout.session.completed"
    ]


def test_3d_secure_fail_returns_to_the_page_with_a_message(session, stripe_standin):
    challenge = _challenge(session)

    failed = requests.post(challenge, data={"result": "fail"}, allow_redirects=False, timeout=10)

    assert failed.status_code == 303
    assert failed.headers["Location"] == f"/pay/{session.id}?error=authentication_failed"
    page = requests.get(
        requests.compat.urljoin(session.url, failed.headers["Location"]), timeout=10
    )
    assert "We are unable to authenticate your payment method." in page.text
    assert client.checkout_session_retrieve(session_id=session.id).status == "open"
    # The failed challenge cannot be approved afterwards.
    replay = requests.post(challenge, data={"result": "approve"}, allow_redirects=False, timeout=10)
    assert replay.headers["Location"] == f"/pay/{session.id}"
    assert client.checkout_session_retrieve(session_id=session.id).payment_status == "unpaid"
    assert stripe_standin.events(related_to=session.id) == []


@pytest.mark.parametrize(
    ("card", "exp", "cvc", "message"),
    [
        ("4111111111111111", "12 / 34", "123", "Your card number is incorrect."),
        ("4242424242424242", "13 / 34", "123", "Your card&#x27;s expiration date is incomplete."),
        ("4242424242424242", "01 / 20", "123", "Your card&#x27;s expiration date is in the past."),
        ("4242424242424242", "12 / 34", "1", "Your card&#x27;s security code is incomplete."),
    ],
)
def test_bad_card_details_are_explained_and_nothing_is_paid(session, card, exp, cvc, message):
    response = _pay(session.url, card, exp, cvc)

    assert response.status_code == 200
    assert message in response.text
    assert client.checkout_session_retrieve(session_id=session.id).status == "open"


def test_an_expired_session_cannot_be_paid(session, stripe_standin):
    client.checkout_session_expire(session_id=session.id)

    assert requests.get(session.url, timeout=10).status_code == 410
    assert _pay(session.url, "4242424242424242").status_code == 410
    refused = stripe_standin.pay(session.id)
    assert refused.status_code == 400
    assert client.checkout_session_retrieve(session_id=session.id).payment_status == "unpaid"


def test_the_pay_control_reports_declines_like_stripe(session, stripe_standin):
    declined = stripe_standin.pay(session.id, "4000000000000341")

    assert declined.status_code == 402
    assert declined.json()["error"]["code"] == "card_declined"
    failed = stripe_standin.pay(session.id, "4000002760003184", three_d_secure="fail")
    assert failed.status_code == 402
    assert client.checkout_session_retrieve(session_id=session.id).status == "open"
    assert stripe_standin.pay(session.id, "4000002760003184").json()["payment_status"] == "paid"
