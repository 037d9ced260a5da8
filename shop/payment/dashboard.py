"""Staff refunds through Stripe from the dashboard order page (/dashboard/orders/<number>/refund/):
the amount (prefilled with what is still refundable), then a confirmation, then Stripe."""

import uuid
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from oscar.core.loading import get_model

from shop.payment import client
from shop.payment.selectors import order_refund_summary
from shop.payment.services import order_refund

Order = get_model("order", "Order")


class RefundForm(forms.Form):
    request_key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, refundable: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"] = forms.DecimalField(
            min_value=Decimal("0.01"), max_value=refundable, decimal_places=2, label="Amount"
        )


@method_decorator(staff_member_required, name="dispatch")
class OrderRefundView(View):
    template_name = "oscar/dashboard/orders/order_refund.html"

    def get(self, request, number):
        order = get_object_or_404(Order, number=number)
        summary = order_refund_summary(order=order)
        if summary is None or not summary.refundable:
            messages.info(request, "Nothing left to refund on this order.")
            return redirect("dashboard:order-detail", number=order.number)
        form = RefundForm(
            initial={"amount": summary.refundable, "request_key": uuid.uuid4().hex},
            refundable=summary.refundable,
        )
        return self._render(request, order, summary, form, confirm=False)

    def post(self, request, number):
        order = get_object_or_404(Order, number=number)
        summary = order_refund_summary(order=order)
        if summary is None:
            return redirect("dashboard:order-detail", number=order.number)
        form = RefundForm(request.POST, refundable=summary.refundable)
        if not form.is_valid():
            return self._render(request, order, summary, form, confirm=False)
        if "confirm" not in request.POST:
            return self._render(request, order, summary, form, confirm=True)
        try:
            refund = order_refund(
                order=order,
                amount=form.cleaned_data["amount"],
                requested_by=request.user,
                request_key=form.cleaned_data["request_key"],
            )
        except ValueError as exc:
            messages.error(request, f"Not refunded: {exc}.")
        except client.PaymentProviderError as exc:
            if exc.http_status is None or exc.http_status >= 500:  # it may have refunded
                messages.error(
                    request,
                    "Stripe did not answer, so the refund may or may not have been made. Go back "
                    "and confirm the same refund again: Stripe makes it at most once.",
                )
            else:
                messages.error(request, f"Stripe did not refund: {exc}")
        else:
            messages.success(
                request,
                f"Refund of {refund.amount} {refund.currency} sent to Stripe "
                f"({refund.stripe_refund_id}); the order's status changes once Stripe confirms it.",
            )
        return redirect("dashboard:order-detail", number=order.number)

    def _render(self, request, order, summary, form, *, confirm: bool):
        amount = form.cleaned_data["amount"] if confirm else None
        context = {
            "order": order,
            "summary": summary,
            "form": form,
            "confirm": confirm,
            "amount": amount,
            "stays_paid": summary.after(amount) if confirm else None,
        }
        return render(request, self.template_name, context)
