"""Staff refunds through Stripe from the dashboard order page (/dashboard/orders/<number>/refund/)."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views import View
from oscar.core.loading import get_model

from shop.payment import client
from shop.payment.services import order_refund

Order = get_model("order", "Order")


class RefundForm(forms.Form):
    amount = forms.DecimalField(min_value=Decimal("0.01"), decimal_places=2)
    request_key = forms.CharField(max_length=64)


@method_decorator(staff_member_required, name="dispatch")
class OrderRefundView(View):
    def post(self, request, number):
        order = get_object_or_404(Order, number=number)
        form = RefundForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Enter the amount to refund, e.g. 12.00.")
        else:
            try:
                refund = order_refund(
                    order=order,
                    amount=form.cleaned_data["amount"],
                    requested_by=request.user.get_username(),
                    request_key=form.cleaned_data["request_key"],
                )
            except ValueError as exc:
                messages.error(request, f"Not refunded: {exc}.")
            except client.PaymentProviderError as exc:
                messages.error(request, f"Stripe did not refund: {exc}")
            else:
                messages.success(
                    request,
                    f"Refund of {refund.amount} {refund.currency.upper()} sent to Stripe "
                    f"({refund.id}); it shows under Payment once Stripe confirms it.",
                )
        return redirect("dashboard:order-detail", number=order.number)
