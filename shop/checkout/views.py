"""Overrides Oscar's checkout views: the payment step places the order as "Pending payment"
(stock allocated, code used, basket frozen, in one transaction) and redirects to a Stripe
Checkout Session; adds the pages Stripe sends the customer back to (return, cancel) and a way
back to a payment page that is still open. Codes are re-checked once the customer's email is
known; the gateway's login is throttled like the others. What happens when something fails: shop.payment.services' docstring."""

import logging

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.exceptions import FailedPreCondition
from oscar.apps.checkout.signals import post_checkout
from oscar.core.loading import get_class, get_model

from shop.checkout.services import (
    PENDING_ORDER_SESSION_KEY,
    checkout_basket_restore,
    checkout_open_page_url,
    checkout_pending_order,
)
from shop.checkout.session import CheckoutSessionMixin
from shop.order.locking import checkout_transaction
from shop.order.utils import BasketNotOpen, CodeUnavailable, InsufficientStock
from shop.payment import client
from shop.payment.models import CheckoutAttempt
from shop.payment.services import (
    checkout_session_open,
    order_checkout_cancel,
    order_payment_confirm,
    order_payment_expire,
)
from shop.voucher.selectors import CODE_REFUSED_MESSAGE, voucher_usable

Basket = get_model("basket", "Basket")
CheckoutSessionData = get_class("checkout.utils", "CheckoutSessionData")
Order = get_model("order", "Order")

logger = logging.getLogger(__name__)

SOLD_OUT_MESSAGE = (
    "Sorry, we don't have enough of {product} left for your basket. "
    "Please change the quantity; nothing was charged."
)
PROVIDER_DOWN_MESSAGE = (
    "We couldn't reach our payment provider, so nothing was charged. Your basket is as you left "
    "it; please try again in a minute."
)
BUSY_MESSAGE = (
    "Something went wrong on our side, so nothing was charged. Your basket is as you left it; "
    "please try again."
)
CANCELLED_MESSAGE = (
    "You left the payment page, so nothing was charged. If your card was declined, you can "
    "try again or use another card. Your basket is as you left it."
)
EXPIRED_MESSAGE = (
    "Your payment page timed out, so nothing was charged. Your basket is as you left it."
)
PREPARING_MESSAGE = "Your payment page is still being prepared. Please try again in a moment."
ALREADY_BOUGHT_MESSAGE = "This cart has been paid for already. Thank you!"
LATE_PAYMENT_MESSAGE = (
    "Your payment came in after this order had been cancelled, so we have refunded it in full. "
    "Your basket is waiting if you'd like to try again."
)


def _deadline():
    return client.deadline(settings.STRIPE_REQUEST_DEADLINE_SECONDS)


class IndexView(oscar_views.IndexView):
    """The gateway's "returning customer" login passes the request to authenticate(), as
    django-axes needs (without it: a 500 for every returning customer, and no lockout)."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class CodeCheckMixin(CheckoutSessionMixin):
    """Once the customer's email is known, a code it already used comes out of the basket."""

    def check_codes_are_available(self, request):
        email = self.checkout_session.get_guest_email() or (
            request.user.email if request.user.is_authenticated else ""
        )
        for voucher in request.basket.vouchers.all():
            if not voucher_usable(voucher=voucher, user=request.user, email=email):
                request.basket.vouchers.remove(voucher)
                raise FailedPreCondition(
                    url=reverse("basket:summary"), message=CODE_REFUSED_MESSAGE
                )

    def get_pre_conditions(self, request):
        return [*super().get_pre_conditions(request), "check_codes_are_available"]


class OpenPaymentPageMixin(CheckoutSessionMixin):
    """A visitor whose basket is frozen for an open payment page (a second click on "Pay",
    another tab) goes to the basket, which offers that page, without "add some items"."""

    def check_basket_is_not_empty(self, request):
        if request.basket.is_empty and request.session.get(PENDING_ORDER_SESSION_KEY):
            raise FailedPreCondition(url=reverse("basket:summary"))
        super().check_basket_is_not_empty(request)


class ShippingAddressView(OpenPaymentPageMixin, CodeCheckMixin, oscar_views.ShippingAddressView):
    pass


class PaymentDetailsView(OpenPaymentPageMixin, CodeCheckMixin, oscar_views.PaymentDetailsView):
    def get(self, request, *args, **kwargs):
        if not self.preview:  # no card fields here: the card is entered on Stripe's page
            return redirect("checkout:preview")
        return super().get(request, *args, **kwargs)

    def submit(
        self,
        user,
        basket,
        shipping_address,
        shipping_method,
        shipping_charge,
        billing_address,
        order_total,
        payment_kwargs=None,
        order_kwargs=None,
        surcharges=None,
    ):
        """Place the pending order (basket frozen with it, or nothing at all), then open its
        payment page. Every failure lands on the basket with a message and the basket intact."""
        request = self.request

        def place():
            return self.place_order(
                order_number=None,  # made under the basket's lock (shop.order.utils)
                user=user,
                basket=basket,
                shipping_address=shipping_address,
                shipping_method=shipping_method,
                shipping_charge=shipping_charge,
                order_total=order_total,
                billing_address=billing_address,
                surcharges=surcharges,
                **(order_kwargs or {}),
            )

        try:
            order = checkout_transaction(place, name="order_place")
        except BasketNotOpen as exc:  # a second click, another tab: one order per basket
            if exc.order is None:
                messages.info(request, ALREADY_BOUGHT_MESSAGE)
            else:
                request.session[PENDING_ORDER_SESSION_KEY] = exc.order.number
            return redirect("basket:summary")
        except CodeUnavailable as exc:
            for voucher in basket.vouchers.filter(code=str(exc)):
                basket.vouchers.remove(voucher)  # the removal inside the failed order rolled back
            messages.error(request, CODE_REFUSED_MESSAGE)
            return redirect("basket:summary")
        except InsufficientStock as exc:
            messages.error(request, SOLD_OUT_MESSAGE.format(product=exc))
            return redirect("basket:summary")
        except DatabaseError:
            logger.exception("Order placement failed", extra={"basket": basket.pk})
            messages.error(request, BUSY_MESSAGE)
            return redirect("basket:summary")
        basket.status = Basket.FROZEN
        request.session[PENDING_ORDER_SESSION_KEY] = order.number
        # Oscar sends this once the order is placed (handle_successful_order, which our
        # payment-first flow never reaches); the funnel attributes the order by the session.
        post_checkout.send_robust(
            sender=self, order=order, user=request.user, request=request, response=None
        )
        return_url = request.build_absolute_uri(reverse("checkout:stripe-return"))
        cancel_url = request.build_absolute_uri(reverse("checkout:stripe-cancel"))
        try:
            with _deadline():
                url = checkout_session_open(
                    order=order,
                    success_url=f"{return_url}?session_id={{CHECKOUT_SESSION_ID}}",
                    cancel_url=f"{cancel_url}?order={order.number}",
                )
        except client.PaymentProviderError:  # the order was released
            request.session.pop(PENDING_ORDER_SESSION_KEY, None)
            checkout_basket_restore(request=request, order=order)
            messages.error(request, PROVIDER_DOWN_MESSAGE)
            return redirect("basket:summary")
        except DatabaseError:  # pending without a session: reconciliation releases it
            logger.exception("Order #%s: payment page not recorded", order.number)
            messages.error(request, BUSY_MESSAGE)
            return redirect("basket:summary")
        return redirect(url)


def _ended(request, order, message: str):
    """The order will not be paid: the basket is the visitor's again, with `message`."""
    request.session.pop(PENDING_ORDER_SESSION_KEY, None)
    order.refresh_from_db()
    checkout_basket_restore(request=request, order=order)
    messages.info(request, message)
    return redirect("basket:summary")


def _started_here(request, order) -> bool:
    """This browser session sent the customer to pay for `order` (or was shown it paid)."""
    return (
        request.session.get(PENDING_ORDER_SESSION_KEY) == order.number
        or request.session.get("checkout_order_id") == order.pk
    )


class StripeReturnView(View):
    """success_url: Stripe sends the customer here with the session id once they have paid
    (or, for a delayed payment method, once the payment has started)."""

    def get(self, request):
        attempt = get_object_or_404(CheckoutAttempt, session_id=request.GET.get("session_id", ""))
        session = None
        if attempt.paid_at is None:
            try:
                with _deadline():
                    session = client.checkout_session_retrieve(session_id=attempt.session_id)
                if session.payment_status == "paid":
                    order_payment_confirm(session_id=attempt.session_id, session=session)
            except (client.PaymentProviderError, DatabaseError):
                logger.warning(
                    "Return page: payment of %s not confirmed yet",
                    attempt.session_id,
                    exc_info=True,
                    extra={"session": attempt.session_id},
                )
                session = None  # the webhook or reconciliation will finish it; we ask again
            attempt.refresh_from_db()
        order = attempt.order
        if not _started_here(request, order):
            # The session id in the URL is no credential: only the browser that started this
            # checkout sees the order (its name and address), and its basket is nobody else's.
            response = render(request, "oscar/checkout/payment_received.html", status=200)
            response["Cache-Control"] = "no-store"
            return response
        if order.status == settings.SHOP_ORDER_STATUS_CANCELLED:
            late = attempt.paid_at is not None
            return _ended(request, order, LATE_PAYMENT_MESSAGE if late else EXPIRED_MESSAGE)
        if attempt.paid_at is not None:
            request.session.pop(PENDING_ORDER_SESSION_KEY, None)
            request.session["checkout_order_id"] = order.pk
            CheckoutSessionData(request).flush()
            return redirect("checkout:thank-you")
        if session is not None and session.status == "open":
            return redirect("basket:summary")  # not paid: the basket offers the open page again
        if session is not None and session.status == "expired":
            order_payment_expire(session_id=attempt.session_id)
            return _ended(request, order, EXPIRED_MESSAGE)
        # Complete but unpaid (a delayed payment method) or Stripe could not be asked: wait.
        response = render(request, "oscar/checkout/payment_pending.html", {"order": order})
        response["Cache-Control"] = "no-store"
        response["Refresh"] = "5"  # every browser reloads on it; the page has a link too
        return response


class StripeCancelView(View):
    """cancel_url, and the basket's "cancel and change the cart": the customer leaves the
    payment page without paying. The order is released even when Stripe is down."""

    def get(self, request):
        number = request.GET.get("order", "")
        if not number or request.session.get(PENDING_ORDER_SESSION_KEY) != number:
            return redirect("basket:summary")
        order = get_object_or_404(Order, number=number)
        if order.status == settings.SHOP_ORDER_STATUS_PENDING:
            try:
                with _deadline():
                    paid = not order_checkout_cancel(order=order)
            except DatabaseError:
                logger.exception("Order #%s: cancel failed", order.number)
                messages.error(request, BUSY_MESSAGE)
                return redirect("basket:summary")
            if paid:
                session_id = order.attempts.filter(paid_at__isnull=False).first().session_id
                return redirect(f"{reverse('checkout:stripe-return')}?session_id={session_id}")
        order.refresh_from_db()
        if order.status == settings.SHOP_ORDER_STATUS_CANCELLED:
            return _ended(request, order, CANCELLED_MESSAGE)
        request.session.pop(PENDING_ORDER_SESSION_KEY, None)
        return redirect("basket:summary")


class StripeResumeView(View):
    """The basket's "continue to payment": back to the payment page that is still open."""

    def get(self, request):
        order = checkout_pending_order(request=request)
        if order is None or order.status != settings.SHOP_ORDER_STATUS_PENDING:
            return redirect("basket:summary")
        url = checkout_open_page_url(order=order)
        if url is not None:
            return redirect(url)
        if order.attempts.filter(expires_at__lte=timezone.now()).exists():
            for attempt in order.attempts.all():  # Stripe no longer takes payment on it
                order_payment_expire(session_id=attempt.session_id)
            return _ended(request, order, EXPIRED_MESSAGE)
        messages.info(request, PREPARING_MESSAGE)
        return redirect("basket:summary")
