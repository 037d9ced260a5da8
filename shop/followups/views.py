from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from oscar.core.loading import get_model

from guidance.models import Result

from .emails import email_preview_render
from .forms import PreviewForm, ShipmentForm
from .models import PlannedEmail
from .selectors import results_for_preview
from .services import (
    contact_consent_confirm,
    contact_unsubscribe,
    email_test_send,
    order_shipment_record,
)
from .tokens import contact_from_consent_token, contact_from_unsubscribe_token

Order = get_model("order", "Order")


# Mail clients POST the one-click unsubscribe (RFC 8058) with no cookies and no CSRF token; the
# signed token in the URL is what authorises it. GET only shows a confirmation form, so link
# scanners that follow every URL in an email change nothing.
@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    def dispatch(self, request, *args, token, **kwargs):
        contact = contact_from_unsubscribe_token(token)
        if contact is None:
            return render(request, "followups/link_invalid.html", status=404)
        self.contact = contact
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, "followups/unsubscribe.html", {"contact": self.contact})

    def post(self, request):
        contact_unsubscribe(contact=self.contact)
        return render(request, "followups/unsubscribed.html", {"contact": self.contact})


# Same reasoning as UnsubscribeView: the token is the credential, GET changes nothing.
@method_decorator(csrf_exempt, name="dispatch")
class ConsentConfirmView(View):
    def dispatch(self, request, *args, token, **kwargs):
        contact = contact_from_consent_token(token)
        if contact is None or contact.consent_requested_at is None:
            return render(request, "followups/link_invalid.html", status=404)
        self.contact = contact
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, "followups/consent_confirm.html", {"contact": self.contact})

    def post(self, request):
        contact_consent_confirm(contact=self.contact)
        return render(request, "followups/consent_confirmed.html", {"contact": self.contact})


@method_decorator(staff_member_required, name="dispatch")
class PreviewIndexView(View):
    def get(self, request):
        form = PreviewForm(request.GET or None, results=results_for_preview())
        return render(
            request,
            "followups/preview_index.html",
            {"form": form, "kinds": PlannedEmail.Kind.choices},
        )

    def post(self, request):
        form = PreviewForm(request.POST, results=results_for_preview())
        if not form.is_valid() or not request.user.email:
            messages.error(request, "Choose an email, and give your staff account an address.")
            return redirect("followups:preview-index")
        # Sent here rather than by a worker: staff want to see at once whether it went out.
        try:
            email_test_send(
                kind=form.cleaned_data["kind"],
                to=request.user.email,
                result_id=form.cleaned_data["result_id"],
            )
        except Exception as exc:  # noqa: BLE001 - shown to staff as it is
            messages.error(request, f"The test could not be sent: {exc}")
        else:
            messages.success(request, f"A test went to {request.user.email}.")
        return redirect("followups:preview-index")


@staff_member_required
def preview(request, kind, fmt="html"):
    if kind not in PlannedEmail.Kind.values:
        raise Http404
    result = None
    if request.GET.get("result"):
        result = get_object_or_404(Result, pk=request.GET["result"])
    rendered = email_preview_render(
        kind=kind, contact=PreviewForm.preview_contact(request.user), result=result
    )
    if fmt == "txt":
        return HttpResponse(rendered.text, content_type="text/plain; charset=utf-8")
    return HttpResponse(rendered.html)


@method_decorator(staff_member_required, name="dispatch")
class OrderShipmentView(View):
    """The dashboard order page's "Mark shipped" form: carrier and tracking number (editable)."""

    def post(self, request, number):
        order = get_object_or_404(Order, number=number)
        form = ShipmentForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose the carrier and enter the tracking number.")
        else:
            order_shipment_record(order=order, **form.cleaned_data)
            messages.success(request, "Shipping saved; the customer gets one email with the link.")
        return redirect("dashboard:order-detail", number=order.number)
