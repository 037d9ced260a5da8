"""The links in emails (unsubscribe, consent) and the staff preview and test send."""

import hashlib

import pytest
from django.core import mail
from django.core.signing import Signer
from django.test import Client

from shop.followups.models import Contact, PlannedEmail
from shop.followups.services import contact_get_or_create
from shop.followups.tokens import consent_token, unsubscribe_token

Kind = PlannedEmail.Kind
State = PlannedEmail.State


@pytest.fixture
def subscriber(request_routine):
    request_routine(email="ana@example.com", wants_followups=True)
    contact = Contact.objects.get()
    return contact


def swap_payload(token: str, payload: list) -> str:
    """The token's signature on another payload."""
    other_payload = Signer().sign_object(payload).rsplit(":", 1)[0]
    return f"{other_payload}:{token.rsplit(':', 1)[1]}"


def unsubscribe_path(contact):
    return f"/email/unsubscribe/{unsubscribe_token(contact)}/"


def test_get_shows_a_confirmation_and_changes_nothing(subscriber):
    response = Client().get(unsubscribe_path(subscriber))

    assert response.status_code == 200
    assert b'<form method="post"' in response.content
    assert b"noindex" in response.content
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None
    assert PlannedEmail.objects.filter(state=State.PENDING).count() == 4


def test_one_click_post_unsubscribes_without_cookies_login_or_csrf(subscriber):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        unsubscribe_path(subscriber),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert b"You are unsubscribed" in response.content
    assert not response.cookies
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    # The routine email the person asked for still goes; every marketing email stops.
    assert sorted(PlannedEmail.objects.values_list("kind", "state", "skip_reason")) == sorted(
        [
            (Kind.ROUTINE, State.PENDING, ""),
            (Kind.TIPS_CHECKIN, State.SKIPPED, "unsubscribed"),
            (Kind.TIPS_RETEST, State.SKIPPED, "unsubscribed"),
            (Kind.TIPS_REMINDER, State.SKIPPED, "unsubscribed"),
        ]
    )
    again = client.post(unsubscribe_path(subscriber))
    assert again.status_code == 200


def altered_signature(token: str) -> str:
    """The token with its signature's last character changed in its significant bits (the last
    base64 character of a 32-byte digest carries 4 bits: A-D all decode alike)."""
    return token[:-1] + ("Q" if token[-1] in "ABCD" else "A")


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda c: "not-a-token", id="garbage"),
        pytest.param(lambda c: altered_signature(unsubscribe_token(c)), id="altered-signature"),
        pytest.param(
            lambda c: swap_payload(unsubscribe_token(c), [c.pk + 1, "0123456789"]),
            id="altered-payload",
        ),
        pytest.param(
            lambda c: Signer(salt="followups.unsubscribe", key="another-key").sign_object(
                [c.pk, "whatever"]
            ),
            id="signed-with-another-key",
        ),
        pytest.param(lambda c: consent_token(c), id="a-consent-token"),
        pytest.param(
            lambda c: swap_payload(
                unsubscribe_token(c),
                [
                    contact_get_or_create(email="bob@example.com").pk,
                    hashlib.sha256(b"bob@example.com").hexdigest()[:10],
                ],
            ),
            id="another-persons-id",
        ),
    ],
)
def test_a_forged_or_altered_token_is_refused_and_changes_nothing(subscriber, forge):
    token = forge(subscriber)

    get = Client().get(f"/email/unsubscribe/{token}/")
    post = Client().post(f"/email/unsubscribe/{token}/")

    assert (get.status_code, post.status_code) == (404, 404)
    assert b"This link is not valid" in post.content
    assert Contact.objects.filter(unsubscribed_at__isnull=False).count() == 0


def test_a_token_stops_working_if_the_address_on_the_row_changes(subscriber):
    path = unsubscribe_path(subscriber)
    Contact.objects.filter(pk=subscriber.pk).update(email="other@example.com")

    assert Client().post(path).status_code == 404


def test_the_consent_link_confirms_only_on_post(subscriber):
    path = f"/email/confirm/{consent_token(subscriber)}/"

    page = Client().get(path)
    subscriber.refresh_from_db()
    assert page.status_code == 200
    assert subscriber.consent_confirmed_at is None

    done = Client(enforce_csrf_checks=True).post(path)
    subscriber.refresh_from_db()
    assert done.status_code == 200
    assert subscriber.consent_confirmed_at is not None


def test_a_consent_link_cannot_create_consent_that_was_never_given(request_routine):
    request_routine(email="ana@example.com", wants_followups=False)
    contact = Contact.objects.get()

    response = Client().post(f"/email/confirm/{consent_token(contact)}/")

    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.consent_confirmed_at is None


def test_previews_are_for_staff_only(client, result):
    response = client.get("/email/preview/routine/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("kind", PlannedEmail.Kind.values)
def test_staff_preview_every_email_with_a_real_result(admin_client, result, kind):
    html = admin_client.get(f"/email/preview/{kind}/?result={result.pk}")
    text = admin_client.get(f"/email/preview/{kind}/text/?result={result.pk}")

    assert (html.status_code, text.status_code) == (200, 200)
    assert b"not medical advice" in html.content and b"not medical advice" in text.content
    assert b"Unsubscribe" in html.content and b"Unsubscribe:" in text.content
    if kind in (Kind.ROUTINE, Kind.ORDER_HOWTO):
        assert b"Your arch felt tight" in html.content
        assert b"Your arch felt tight" in text.content


def test_staff_send_themselves_a_test(admin_client, admin_user, result):
    index = admin_client.get("/email/preview/")
    assert index.status_code == 200

    response = admin_client.post(
        "/email/preview/", {"kind": Kind.TIPS_REMINDER, "result_id": result.pk}
    )

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [admin_user.email]
    assert message.subject == "[Test] Make the routine easier on your thumbs"
    assert PlannedEmail.objects.count() == 0


def test_staff_edit_the_words_and_the_email_uses_them(admin_client, result):
    from shop.followups.models import EmailContent

    EmailContent.objects.filter(kind=Kind.TIPS_RETEST).update(
        subject="Time to re-test", body="First paragraph.\n\nSecond paragraph."
    )

    html = admin_client.get("/email/preview/tips_retest/").content.decode()

    assert "<title>Time to re-test</title>" in html
    assert "First paragraph.</p>" in html and "Second paragraph.</p>" in html
