"""Overrides Oscar's basket views: codes are case/space-insensitive, rate-limited and refused
with one message (VoucherAddView); a code kept by /code/<CODE>/ is applied as soon as the
basket has a line (BasketView, BasketAddView); a code that ended or was switched off leaves the
basket on its next view, with a message (BasketView); the basket offers the way back to a payment page
that is still open (BasketView); a removed code is reported in our words (VoucherRemoveView); and
the /code/<CODE>/ link itself."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from oscar.apps.basket import views as oscar_views
from oscar.core.loading import get_model

from guidance.models import FunnelEvent
from guidance.services import funnel_event_queue
from guidance.session import visitor_key
from shop.basket.forms import BasketVoucherForm
from shop.basket.selectors import code_landing_url
from shop.basket.services import (
    CodeResult,
    basket_code_apply,
    basket_pending_code_apply,
    basket_unusable_codes_remove,
    code_attempt_limited,
)
from shop.checkout.services import checkout_pending_order
from shop.checkout.views import EXPIRED_MESSAGE
from shop.store.security import refused_response
from shop.voucher.selectors import CODE_REFUSED_MESSAGE, code_normalize

Product = get_model("catalogue", "Product")

PENDING = settings.SHOP_ORDER_STATUS_PENDING
CANCELLED = settings.SHOP_ORDER_STATUS_CANCELLED
CODE_ENDED_MESSAGE = (
    "Code {code} can no longer be used, so we took it out of your cart. "
    "The total below is up to date."
)
RATE_LIMITED_MESSAGE = (
    "That's a lot of codes in a short time. Please wait a few minutes and try again."
)


def _code_message(request, code: str, result: CodeResult) -> None:
    if result is CodeResult.APPLIED:
        messages.success(request, f"Code {code} applied: the discount is in your cart.")
    elif result is CodeResult.ALREADY:
        messages.info(request, f"Code {code} is already in your cart.")
    elif result is CodeResult.KEPT:
        messages.success(
            request, f"Code {code} is saved: it will be applied when you add the cream."
        )
    else:
        messages.error(request, CODE_REFUSED_MESSAGE)


def _rate_limited(request, wait: int):
    return refused_response(
        request, message=RATE_LIMITED_MESSAGE, retry_after=wait, title="Please wait a moment"
    )


def _apply_pending_code(request) -> None:
    applied = basket_pending_code_apply(request=request)
    if applied is not None:
        _code_message(request, *applied)


class BasketView(oscar_views.BasketView):
    def get(self, request, *args, **kwargs):
        self.pending_order = checkout_pending_order(request=request)
        if self.pending_order is not None and self.pending_order.status == CANCELLED:
            messages.info(request, EXPIRED_MESSAGE)  # expired or released meanwhile
        for code in basket_unusable_codes_remove(request=request):
            messages.warning(request, CODE_ENDED_MESSAGE.format(code=code))
        _apply_pending_code(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if getattr(self, "pending_order", None) is not None:
            if self.pending_order.status == PENDING:
                context["pending_order"] = self.pending_order
        return context


class BasketAddView(oscar_views.BasketAddView):
    def form_valid(self, form):
        response = super().form_valid(form)
        _apply_pending_code(self.request)
        return response


class VoucherAddView(oscar_views.VoucherAddView):
    form_class = BasketVoucherForm

    def form_valid(self, form):
        wait = code_attempt_limited(request=self.request)
        if wait:
            return _rate_limited(self.request, wait)
        code = form.cleaned_data["code"]
        _code_message(self.request, code, basket_code_apply(request=self.request, code=code))
        return redirect("basket:summary")


class VoucherRemoveView(oscar_views.VoucherRemoveView):
    """Oscar's, with our message (Oscar: "Voucher 'GETINFUSED' removed from basket")."""

    def post(self, request, *args, **kwargs):
        voucher = (
            request.basket.vouchers.filter(pk=kwargs["pk"]).first() if request.basket.id else None
        )
        if voucher is not None:
            request.basket.vouchers.remove(voucher)
            self.remove_signal.send(sender=self, basket=request.basket, voucher=voucher)
            messages.info(request, f"Code {voucher.code} removed from your cart.")
        return redirect("basket:summary")


class CodeLinkView(View):
    """/code/<CODE>/[?add=<product pk>]: a marketing link that applies a code."""

    def get(self, request, code):
        code = code_normalize(code)
        source = request.GET.get("from", "")
        if source != "cream":  # the cream's own link counted its click
            # The funnel's "email link" or "/code/ link" source (guidance.selectors.SOURCES).
            funnel_event_queue(
                kind=FunnelEvent.Kind.PRODUCT_CLICK,
                step="email" if source == "email" else "code",
                visitor_key=visitor_key(request),
            )
        wait = code_attempt_limited(request=request)
        if wait:
            return _rate_limited(request, wait)
        add, product = request.GET.get("add", ""), None
        if add.isdigit():
            product = get_object_or_404(Product, pk=int(add))
            info = request.strategy.fetch_for_product(product)
            if product.is_public and info.availability.is_available_to_buy:
                if request.basket.id is None:
                    request.basket.save()
                request.basket.add_product(product, 1)
        result = basket_code_apply(request=request, code=code)
        _code_message(request, code, result)
        if result is CodeResult.KEPT or (result is CodeResult.REFUSED and request.basket.is_empty):
            return redirect(code_landing_url(product=product))
        return redirect("basket:summary")
