"""Writes for customer accounts: registration that does not say whether an address has an
account, and an email change that waits for the new address's owner."""

import hashlib
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from oscar.core.compat import get_user_model
from oscar.core.loading import get_class, get_model

from shop.order.services import orders_anonymise

User = get_user_model()
CustomerDispatcher = get_class("customer.utils", "CustomerDispatcher")
Email = get_model("communication", "Email")
VoucherApplication = get_model("voucher", "VoucherApplication")

logger = logging.getLogger(__name__)

ACTIVATION_SALT = "shop.customer.activate"
EMAIL_CHANGE_SALT = "shop.customer.email-change"
ACTIVATION_MAX_AGE = 3 * 24 * 60 * 60  # seconds


def _send(*, template: str, to: str, context: dict) -> None:
    context = {**context, "shop_name": settings.OSCAR_SHOP_NAME, "site_url": settings.SITE_URL}
    subject = render_to_string(f"customer/emails/{template}_subject.txt", context).strip()
    body = render_to_string(f"customer/emails/{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def account_register(*, form) -> None:
    """A new address gets an inactive account and a link that activates it; an address with an
    account gets an email saying so (sign in or reset the password). The visitor sees the same
    answer either way. An SMTP failure raises and, for a new address, leaves no account."""
    email = form.cleaned_data["email"]
    existing = User._default_manager.filter(email__iexact=email).first()
    if existing is not None and existing.is_active:
        _send(
            template="account_exists",
            to=existing.email,
            context={
                "login_url": settings.SITE_URL + reverse("customer:login"),
                "reset_url": settings.SITE_URL + reverse("password-reset"),
            },
        )
        return
    with transaction.atomic():
        if existing is None:
            user = form.save(commit=False)
            user.is_active = False
            user.save()
        else:  # registered before and never activated: the new password counts
            user = existing
            user.set_password(form.cleaned_data["password1"])
            user.save(update_fields=["password"])
        token = signing.TimestampSigner(salt=ACTIVATION_SALT).sign(str(user.pk))
        path = reverse("customer:activate", kwargs={"token": token})
        _send(template="activate", to=user.email, context={"url": settings.SITE_URL + path})


def account_activate(*, token: str):
    """The user whose activation link this is, now active; None for a bad or old link."""
    try:
        pk = signing.TimestampSigner(salt=ACTIVATION_SALT).unsign(token, max_age=ACTIVATION_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User._default_manager.filter(pk=int(pk)).first()
    if user is None:
        return None
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


def _password_mark(user) -> str:
    return hashlib.sha256(user.password.encode()).hexdigest()[:16]


def account_email_change_request(*, user, new_email: str, reset_url: str) -> None:
    """Send the new address a link that makes it the account's email, and the current address a
    notice with a password-reset link (in case it was not them). Nothing changes until the link
    is followed; it names the current address and password, so it stops working when either
    changes (a password reset after the notice cancels it)."""
    token = signing.TimestampSigner(salt=EMAIL_CHANGE_SALT).sign_object(
        [user.pk, user.email, new_email, _password_mark(user)]
    )
    path = reverse("customer:email-confirm", kwargs={"token": token})
    _send(template="email_change", to=new_email, context={"url": settings.SITE_URL + path})
    CustomerDispatcher().send_email_changed_email_for_user(
        user, {"user": user, "reset_url": reset_url, "new_email": new_email}
    )


def account_email_change_confirm(*, token: str):
    """Apply an email change from its link; the user, or None for a bad, old or stale link, or
    an address another account took meanwhile."""
    try:
        pk, old_email, new_email, mark = signing.TimestampSigner(
            salt=EMAIL_CHANGE_SALT
        ).unsign_object(token, max_age=settings.SHOP_EMAIL_CHANGE_LINK_HOURS * 60 * 60)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    with transaction.atomic():
        user = User._default_manager.select_for_update().filter(pk=pk, email=old_email).first()
        taken = User._default_manager.filter(email__iexact=new_email).exclude(pk=pk).exists()
        if user is None or taken or _password_mark(user) != mark:
            logger.info("email change refused: stale link", extra={"reason": "email_change"})
            return None
        user.email = new_email
        user.save(update_fields=["email"])
    return user


def person_erase(*, email: str) -> None:
    """Erase what the shop holds about `email` beyond guidance and follow-ups: their orders are
    anonymised (shop.order.services.orders_anonymise says what they keep), the customer account
    with that address is deleted (addresses, baskets, alerts, search history go with it; a staff
    account is left for staff to handle), so are the copies of emails sent to it and django-axes'
    failed-login records naming it."""
    from axes.models import AccessAttempt  # axes' models load after the apps registry

    orders_anonymise(email=email)
    users = User._default_manager.filter(email__iexact=email, is_staff=False)
    # The code's use stays counted on its order (OrderDiscount); only the link to the person goes.
    VoucherApplication.objects.filter(user__in=users).update(user=None)
    Email.objects.filter(email__iexact=email).delete()
    users.delete()
    AccessAttempt.objects.filter(username__iexact=email).delete()
