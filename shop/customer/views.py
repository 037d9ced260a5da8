"""Overrides Oscar's AccountRegistrationView, AccountAuthView (registration half) and
ProfileUpdateView, and OrderHistoryView and AddressListView for their titles: registering answers "check your inbox" whether or not the address has an
account, and is rate-limited; an email change needs the password and the new address's link.
Adds the two link views (account activation, email change)."""

import logging

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_ratelimit.core import get_usage
from oscar.apps.customer import views as oscar_views
from oscar.apps.customer.utils import get_password_reset_url

from shop.customer.services import (
    account_activate,
    account_email_change_confirm,
    account_email_change_request,
    account_register,
)
from shop.store.security import client_address, refused_response

logger = logging.getLogger(__name__)

CHECK_INBOX_MESSAGE = (
    "Thanks! Please check your inbox: we have sent you an email with the next step."
)
REGISTRATION_LIMITED_MESSAGE = (
    "That's a lot of sign-ups from this connection. Please wait a while and try again."
)
EMAIL_CHANGE_SENT_MESSAGE = (
    "Profile updated. To change your email address, follow the link we sent to {email}; until "
    "then your account keeps its current address."
)


def _registration_limited(request) -> int:
    usage = get_usage(
        request,
        group="shop-register",
        key=lambda group, request: client_address(request),
        rate=settings.SHOP_REGISTRATION_RATE_LIMIT,
        method=get_usage.ALL,
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return 0
    logger.warning("registration refused: rate limit", extra={"rate_limit_group": "register"})
    return max(1, int(usage["time_left"]))


def _registered(request, form):
    wait = _registration_limited(request)
    if wait:
        return refused_response(
            request,
            message=REGISTRATION_LIMITED_MESSAGE,
            retry_after=wait,
            title="Please wait a moment",
        )
    account_register(form=form)
    messages.success(request, CHECK_INBOX_MESSAGE)
    return redirect("customer:login")


class AccountRegistrationView(oscar_views.AccountRegistrationView):
    def form_valid(self, form):
        return _registered(self.request, form)


class AccountAuthView(oscar_views.AccountAuthView):
    def validate_registration_form(self):
        form = self.get_registration_form(bind_data=True)
        if form.is_valid():
            return _registered(self.request, form)
        return self.render_to_response(self.get_context_data(registration_form=form))


class ProfileUpdateView(oscar_views.ProfileUpdateView):
    def form_valid(self, form):
        new_email = form.new_email
        form.save()
        if new_email is None:
            messages.success(self.request, "Profile updated")
            return redirect(self.get_success_url())
        user = self.request.user
        account_email_change_request(
            user=user, new_email=new_email, reset_url=get_password_reset_url(user)
        )
        messages.success(self.request, EMAIL_CHANGE_SENT_MESSAGE.format(email=new_email))
        return redirect(self.get_success_url())


class OrderHistoryView(oscar_views.OrderHistoryView):
    page_title = _("Your orders")  # Oscar: "Order History", as the account tabs now say


class AddressListView(oscar_views.AddressListView):
    page_title = _("Your addresses")  # Oscar: "Address Book"


class AccountActivateView(View):
    def get(self, request, token):
        if account_activate(token=token) is None:
            messages.error(request, "That link is not valid any more. Please register again.")
            return redirect("customer:register")
        messages.success(request, "Your account is ready. Please sign in.")
        return redirect("customer:login")


class EmailChangeConfirmView(View):
    def get(self, request, token):
        user = account_email_change_confirm(token=token)
        if user is None:
            messages.error(request, "That link is not valid any more. Nothing was changed.")
        else:
            messages.success(request, "Your email address is changed.")
        return redirect("customer:summary" if request.user.is_authenticated else "customer:login")
