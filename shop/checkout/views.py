"""Overrides Oscar's checkout views: the payment step places the order as "Pending payment"
(stock allocated, code used, basket frozen) and redirects to a Stripe Checkout Session; adds the
pages Stripe sends the customer back to (return, cancel). Codes are re-checked once the
customer's email is known."""

import logging

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.exceptions import FailedPreCondition
from oscar.core.loading import get_class, get_model

from shop.order.utils import CodeUnavailable, InsufficientStock
from shop.payment import client
from shop.payment.models import CheckoutAttempt
from shop.payment.services import (
    checkout_session_open,
    order_checkout_cancel,
    order_payment_confirm,
)
from shop.voucher.selectors import CODE_REFUSED_MESSAGE, voucher_usable

Applicator = get_class("offer.applicator", "Applicator")
Basket = get_model("basket", "Basket")
CheckoutSessionData = get_class("checkout.utils", "CheckoutSessionData")
Order = get_model("order", "Order")

logger = logging.getLogger(__name__)

PENDING_ORDER_SESSION_KEY = "shop_pending_order"
SOLD_OUT_MESSAGE = (
    "Sorry, we don't have enough of {product} left for your basket. "
    "Please change the quantity; nothing was charged."
)
PROVIDER_DOWN_MESSAGE = (
    "We couldn't reach our payment provider. Nothing was charged; please try again in a minute."
)
CANCELLED_MESSAGE = (
    "You left the payment page, so nothing was charged. If your card was declined, you can "
    "try again or use another card. Your basket is as you left it."
)
LATE_PAYMENT_MESSAGE = (
    "Your payment came in after this order had been cancelled, so we have refunded it in full. "
    "Your basket is waiting if you'd like to try again."
)


class CodeCheckMixin:
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


class ShippingAddressView(CodeCheckMixin, oscar_views.ShippingAddressView):
    pass


class PaymentDetailsView(CodeCheckMixin, oscar_views.PaymentDetailsView):
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
        order_number = self.generate_order_number(basket)
        self.checkout_session.set_order_number(order_number)
        self.freeze_basket(basket)
        self.checkout_session.set_submitted_basket(basket)
        try:
            order = self.place_order(
                order_number=order_number,
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
        except CodeUnavailable as exc:
            self.restore_frozen_basket()
            for voucher in basket.vouchers.filter(code=str(exc)):
                basket.vouchers.remove(voucher)  # the removal inside the failed order rolled back
            messages.error(self.request, CODE_REFUSED_MESSAGE)
            return redirect("basket:summary")
        except InsufficientStock as exc:
            self.restore_frozen_basket()
            messages.error(self.request, SOLD_OUT_MESSAGE.format(product=exc))
            return redirect("basket:summary")
        self.request.session[PENDING_ORDER_SESSION_KEY] = str(order.number)
        return_url = self.request.build_absolute_uri(reverse("checkout:stripe-return"))
        cancel_url = self.request.build_absolute_uri(reverse("checkout:stripe-cancel"))
        try:
            url = checkout_session_open(
                order=order,
                success_url=f"{return_url}?session_id={{CHECKOUT_SESSION_ID}}",
                cancel_url=f"{cancel_url}?order={order.number}",
            )
        except client.PaymentProviderError:
            logger.exception("Order #%s: could not open a Stripe session", order.number)
            order_checkout_cancel(order=order)
            self._basket_restore(order)
            messages.error(self.request, PROVIDER_DOWN_MESSAGE)
            return redirect("basket:summary")
        return redirect(url)

    def _basket_restore(self, order):
        _basket_restore(self.request, order)


def _basket_restore(request, order) -> None:
    """Make the order's (thawed) basket the visitor's basket again, merging anything added meanwhile."""
    basket = Basket.objects.filter(pk=order.basket_id, status=Basket.OPEN).first()
    if basket is None:
        return
    current = request.basket
    if current.id and current.id != basket.id:
        basket.merge(current)
    basket.strategy = request.strategy
    Applicator().apply(basket, request.user, request)
    request.basket = basket


class StripeReturnView(View):
    """success_url: Stripe sends the customer here with the session id once they have paid."""

    def get(self, request):
        session_id = request.GET.get("session_id", "")
        attempt = get_object_or_404(CheckoutAttempt, session_id=session_id)
        try:
            order = order_payment_confirm(session_id=session_id)
        except client.PaymentProviderError:
            order = attempt.order  # the webhook or reconciliation will finish it
        if order.status == settings.SHOP_ORDER_STATUS_CANCELLED:
            _basket_restore(request, order)
            messages.error(request, LATE_PAYMENT_MESSAGE)
            return redirect("basket:summary")
        request.session.pop(PENDING_ORDER_SESSION_KEY, None)
        request.session["checkout_order_id"] = order.pk
        CheckoutSessionData(request).flush()
        return redirect("checkout:thank-you")


class StripeCancelView(View):
    """cancel_url: the customer left Stripe's page without paying."""

    def get(self, request):
        number = request.GET.get("order", "")
        if not number or request.session.get(PENDING_ORDER_SESSION_KEY) != number:
            return redirect("basket:summary")
        order = get_object_or_404(Order, number=number)
        if order.status == settings.SHOP_ORDER_STATUS_PENDING:
            if not order_checkout_cancel(order=order):  # it was paid after all
                return redirect(
                    f"{reverse('checkout:stripe-return')}?session_id="
                    f"{order.attempts.filter(paid_at__isnull=False).first().session_id}"
                )
        request.session.pop(PENDING_ORDER_SESSION_KEY, None)
        order.refresh_from_db()
        if order.status == settings.SHOP_ORDER_STATUS_CANCELLED:
            _basket_restore(request, order)
            messages.info(request, CANCELLED_MESSAGE)
        return redirect("basket:summary")
