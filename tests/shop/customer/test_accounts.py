"""Accounts: login lockout (django-axes) on the three logins, the password policy, a
registration that does not say which addresses have accounts, and an email change that needs
the password and the new address's link."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from shop.customer.views import CHECK_INBOX_MESSAGE
from shop.store.security import LOGIN_LOCKED_MESSAGE

User = get_user_model()
PASSWORD = "correct horse battery"

LOGINS = {
    "customer": ("/accounts/login/", "login-username", "login-password", {"login_submit": "1"}),
    "dashboard": ("/dashboard/login/", "username", "password", {}),
    "admin": ("/admin/login/", "username", "password", {"next": "/admin/"}),
}


def _login(client, which, password):
    url, user_field, password_field, extra = LOGINS[which]
    return client.post(url, {user_field: "ann@example.com", password_field: password, **extra})


@pytest.fixture
def ann(db):
    return User.objects.create_user(
        "ann", "ann@example.com", PASSWORD, is_staff=True, is_superuser=True
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("which", list(LOGINS))
def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_the_cool_off(ann, which):
    client = Client()
    statuses = [_login(client, which, "wrong password").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    response = _login(client, which, PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    message = LOGIN_LOCKED_MESSAGE.format(minutes=15)
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not _signed_in(client)
    # Another address is refused too: the account itself is locked, not only this client.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert _login(other, which, PASSWORD).status_code == 429


def test_the_checkout_gateway_login_is_locked_out_too(ann, store):
    from oscar.core.loading import get_model

    jar = get_model("catalogue", "Product").objects.get(upc="RELEAF-2OZ")
    client = Client()
    client.post(f"/basket/add/{jar.pk}/", {"quantity": 1})

    def sign_in(password):
        data = {"username": "ann@example.com", "options": "existing", "password": password}
        return client.post("/checkout/", data)

    assert [sign_in("wrong").status_code for _ in range(5)] == [200, 200, 200, 200, 429]
    assert sign_in(PASSWORD).status_code == 429
    assert not _signed_in(client)


def test_a_returning_customer_signs_in_at_the_checkout(ann, store):
    from oscar.core.loading import get_model

    jar = get_model("catalogue", "Product").objects.get(upc="RELEAF-2OZ")
    client = Client()
    client.post(f"/basket/add/{jar.pk}/", {"quantity": 1})
    data = {"username": "ann@example.com", "options": "existing", "password": PASSWORD}
    assert client.post("/checkout/", data).status_code == 302
    assert _signed_in(client)


@pytest.mark.parametrize("option", ["anonymous", "new"])
def test_the_checkout_gateway_does_not_say_which_emails_have_accounts(ann, store, option):
    from oscar.core.loading import get_model

    jar = get_model("catalogue", "Product").objects.get(upc="RELEAF-2OZ")
    answers = []
    for email in ("ann@example.com", "nobody@example.com"):
        client = Client()
        client.post(f"/basket/add/{jar.pk}/", {"quantity": 1})
        response = client.post("/checkout/", {"username": email, "options": option})
        answers.append((response.status_code, response.url.split("&email=")[0]))
    assert answers[0] == answers[1]
    assert answers[0][0] == 302


def test_one_client_trying_many_accounts_is_locked_out(ann, db):
    client = Client()
    for i in range(5):
        client.post(
            "/accounts/login/",
            {"login-username": f"u{i}@example.com", "login-password": "x", "login_submit": "1"},
        )
    assert _login(client, "customer", PASSWORD).status_code == 429
    assert _login(Client(REMOTE_ADDR="198.51.100.9"), "customer", PASSWORD).status_code == 302


def test_a_success_before_the_limit_resets_the_count(ann):
    client = Client()
    for _ in range(4):
        _login(client, "customer", "wrong password")
    assert _login(client, "customer", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "customer", "wrong password")
    assert _login(client, "customer", PASSWORD).status_code == 302


def _register(client, email, password="plum tree 1987 sunrise"):
    return client.post(
        "/accounts/register/",
        {"email": email, "password1": password, "password2": password},
        follow=True,
    )


@pytest.mark.parametrize(
    "password, error",
    [
        ("a", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
        ("3141592653589", "This password is entirely numeric."),
        ("newcomer@example.com", "The password is too similar to the email address."),
    ],
)
def test_registration_applies_the_password_validators(db, password, error):
    response = _register(Client(), "newcomer@example.com", password)
    assert error in response.content.decode().replace("&#x27;", "'")
    assert not User.objects.filter(email="newcomer@example.com").exists()


def _page_text(response) -> str:
    text = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_registration_answers_alike_for_a_known_and_an_unknown_address(ann):
    known = _register(Client(), "Ann@Example.com")
    unknown = _register(Client(), "newcomer@example.com")
    assert known.redirect_chain == unknown.redirect_chain == [("/accounts/login/", 302)]
    assert [str(m) for m in known.context["messages"]] == [CHECK_INBOX_MESSAGE]
    assert [str(m) for m in unknown.context["messages"]] == [CHECK_INBOX_MESSAGE]
    assert _page_text(known) == _page_text(unknown)
    # The emails say which: Ann is told she has an account; the newcomer gets a link.
    to_ann, to_newcomer = mail.outbox
    assert to_ann.to == ["ann@example.com"] and "already has an account" in to_ann.body
    assert to_newcomer.to == ["newcomer@example.com"]
    assert User.objects.get(pk=ann.pk).check_password(PASSWORD)  # unchanged
    newcomer = User.objects.get(email="newcomer@example.com")
    assert newcomer.is_active is False
    link = re.search(r"http://\S+/accounts/activate/\S+/", to_newcomer.body).group(0)
    client = Client()
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).url == "/accounts/login/"
    newcomer.refresh_from_db()
    assert newcomer.is_active is True


def test_registration_is_rate_limited_per_client(db, settings):
    settings.SHOP_REGISTRATION_RATE_LIMIT = "2/h"
    client = Client()
    assert _register(client, "one@example.com").status_code == 200
    assert _register(client, "two@example.com").status_code == 200
    response = _register(client, "three@example.com")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert not User.objects.filter(email="three@example.com").exists()


@pytest.fixture
def signed_in(db):
    user = User.objects.create_user("bea", "bea@example.com", PASSWORD)
    client = Client()
    client.force_login(user)
    return client, user


def _profile(client, email, current_password=""):
    return client.post(
        "/accounts/profile/edit/",
        {
            "first_name": "Bea",
            "last_name": "Lee",
            "email": email,
            "current_password": current_password,
        },
    )


def test_an_email_change_without_the_password_is_refused(signed_in):
    client, user = signed_in
    response = _profile(client, "thief@example.com")
    assert response.status_code == 200
    assert "Enter your current password to change it." in response.content.decode()
    user.refresh_from_db()
    assert user.email == "bea@example.com"
    assert mail.outbox == []
    assert _profile(client, "thief@example.com", "wrong").status_code == 200
    user.refresh_from_db()
    assert user.email == "bea@example.com"


def test_an_email_change_waits_for_the_new_address_and_tells_the_old(signed_in):
    client, user = signed_in
    response = _profile(client, "bea.new@example.com", PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.first_name) == ("bea@example.com", "Bea")  # not yet
    confirm, notice = sorted(mail.outbox, key=lambda m: m.to != ["bea.new@example.com"])
    assert confirm.to == ["bea.new@example.com"]
    assert notice.to == ["bea@example.com"] and "bea.new@example.com" in notice.body
    assert "/password-reset/confirm/" in notice.body
    path = re.search(r"/accounts/email/confirm/\S+/", confirm.body).group(0)
    assert client.get(path).status_code == 302
    user.refresh_from_db()
    assert user.email == "bea.new@example.com"
    # A second click changes nothing: the link names the address that was current.
    assert client.get(path).status_code == 302
    user.refresh_from_db()
    assert user.email == "bea.new@example.com"


def test_a_password_reset_after_the_notice_cancels_the_change(signed_in):
    client, user = signed_in
    _profile(client, "thief@example.com", PASSWORD)
    [confirm] = [m for m in mail.outbox if m.to == ["thief@example.com"]]
    user.set_password("a brand new secret 42")  # what the notice's reset link leads to
    user.save()
    path = re.search(r"/accounts/email/confirm/\S+/", confirm.body).group(0)
    Client().get(path)
    user.refresh_from_db()
    assert user.email == "bea@example.com"
