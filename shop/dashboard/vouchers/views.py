"""Overrides Oscar's VoucherListView and VoucherStatsView (usage counted on paid orders, the
Active switch) and adds VoucherActiveView, the switch itself."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from oscar.apps.dashboard.vouchers import views
from oscar.core.loading import get_model

from shop.dashboard.vouchers.services import voucher_active_set
from shop.voucher.selectors import voucher_is_on, voucher_paid_discounts, voucher_paid_usage

Voucher = get_model("voucher", "Voucher")

# Shown next to the switch, and after using it.
EFFECT_OFF = (
    "Switched off: the code is refused when typed or followed from a /code/ link, and it "
    "leaves every open basket that holds it, with a message, the next time that basket is "
    "shown (customers enter it again once it is back on). Orders already placed keep their "
    "discount."
)
EFFECT_ON = (
    "Switched on: customers can enter the code. Switching it off takes it out of every open "
    "basket the next time that basket is shown, with a message."
)


class VoucherListView(views.VoucherListView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        vouchers = list(ctx["vouchers"])
        usage = voucher_paid_usage(voucher_ids=[v.pk for v in vouchers])
        ctx["rows"] = [(v, voucher_is_on(voucher=v), usage.get(v.pk)) for v in vouchers]
        return ctx

    def get_queryset(self):
        return super().get_queryset().prefetch_related("offers")


class VoucherStatsView(views.VoucherStatsView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["discounts"] = voucher_paid_discounts(voucher=self.object)
        ctx["usage"] = voucher_paid_usage(voucher_ids=[self.object.pk]).get(self.object.pk)
        ctx["is_on"] = voucher_is_on(voucher=self.object)
        ctx["effect"] = EFFECT_ON if ctx["is_on"] else EFFECT_OFF
        return ctx


class VoucherActiveForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("1", "on"), ("0", "off")], coerce=lambda v: v == "1")
    next = forms.CharField(required=False)


class VoucherActiveView(View):
    def post(self, request, pk):
        voucher = get_object_or_404(Voucher, pk=pk)
        form = VoucherActiveForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose on or off.")
        elif not voucher.offers.exists():
            messages.error(request, "This code has no offer to switch; attach one first.")
        else:
            active = form.cleaned_data["active"]
            voucher_active_set(voucher=voucher, active=active, user=request.user)
            messages.success(request, f"{voucher.code}: {EFFECT_ON if active else EFFECT_OFF}")
        target = form.data.get("next") or ""
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
        return redirect("dashboard:voucher-stats", pk=voucher.pk)
