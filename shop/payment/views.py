"""The Stripe webhook endpoint (/checkout/stripe/webhook/)."""

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shop.payment import client
from shop.payment.webhooks import webhook_event_handle

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = client.webhook_event_construct(payload=request.body, signature_header=signature)
    except client.EventUnreadable as exc:  # signed, but a field we cannot read or store
        return _refused(request, exc, reason="unreadable", answer="bad event")
    except client.SignatureError as exc:  # the signature (or its timestamp) does not verify
        return _refused(request, exc, reason="signature", answer="bad signature")
    try:
        with client.deadline(settings.STRIPE_REQUEST_DEADLINE_SECONDS):  # a late refund
            handled = webhook_event_handle(event=event)
    except Exception:  # noqa: BLE001  (answer non-2xx so Stripe delivers it again)
        logger.exception("Webhook %s %s not handled", event.type, event.id)
        return HttpResponse("not handled", status=503)
    return HttpResponse("ok" if handled else "duplicate")


def _refused(request, exc: Exception, *, reason: str, answer: str) -> HttpResponseBadRequest:
    """One log line per refused event; neither error's message quotes the payload."""
    logger.warning(
        "webhook refused",
        extra={
            "reason": reason,
            "error": str(exc),
            "payload_bytes": len(request.body),
            "signature_header": bool(request.headers.get("Stripe-Signature")),
        },
    )
    return HttpResponseBadRequest(answer)
