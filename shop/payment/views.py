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
    try:
        event = client.webhook_event_construct(
            payload=request.body, signature_header=request.headers.get("Stripe-Signature", "")
        )
    except client.EventUnreadable as exc:
        logger.warning("Webhook refused: %s", exc, extra={"reason": "unreadable"})
        return HttpResponseBadRequest("bad event")
    except client.SignatureError as exc:
        logger.warning("Webhook refused: %s", exc, extra={"reason": "signature"})
        return HttpResponseBadRequest("bad signature")
    try:
        with client.deadline(settings.STRIPE_REQUEST_DEADLINE_SECONDS):  # a late refund
            handled = webhook_event_handle(event=event)
    except Exception:  # noqa: BLE001  (answer non-2xx so Stripe delivers it again)
        logger.exception("Webhook %s %s not handled", event.type, event.id)
        return HttpResponse("not handled", status=503)
    return HttpResponse("ok" if handled else "duplicate")
