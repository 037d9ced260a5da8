"""Oscar's payment models (Source, SourceType, Bankcard) plus what Stripe Checkout needs:
one row per Checkout Session we open for an order, and every webhook event id, once."""

from django.conf import settings
from django.db import models


class CheckoutAttempt(models.Model):
    """A Stripe Checkout Session opened for an order (the order exists first, "Pending payment")."""

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="attempts")
    session_id = models.CharField(max_length=255, unique=True)
    idempotency_key = models.CharField(max_length=255, unique=True)
    url = models.TextField(blank=True, help_text="Stripe's payment page, while it is open")
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # A payment that came after the order ended is refunded: due is set with paid_at, the id
    # once Stripe made the refund (a failed refund is tried again by the next delivery).
    late_refund_due = models.BooleanField(default=False)
    late_refund_id = models.CharField(max_length=255, blank=True)

    class Meta:
        app_label = "payment"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.session_id} for order {self.order_id}"


class StripeEvent(models.Model):
    """A webhook event we handled; the unique id makes a second delivery a no-op."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "payment"

    def __str__(self):
        return f"{self.type} {self.event_id}"


class StaffRefund(models.Model):
    """A refund staff sent from the dashboard: who, how much, and how far Stripe has got.

    Made under the order's lock before Stripe is called, so a second refund of the same order
    sees this one's amount as taken; `request_key` (one per confirmation page) makes a double
    submit the same refund."""

    REQUESTED, SENT, CONFIRMED, FAILED = "requested", "sent", "confirmed", "failed"
    STATUS_CHOICES = [
        (REQUESTED, "Requested, not yet accepted by Stripe"),
        (SENT, "Sent to Stripe, waiting for its confirmation"),
        (CONFIRMED, "Confirmed by Stripe"),
        (FAILED, "Refused or not reached: no money moved"),
    ]

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="staff_refunds")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=12)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_name = models.CharField(max_length=150)
    request_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=REQUESTED)
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "payment"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.amount} {self.currency} for order {self.order_id} ({self.status})"


from oscar.apps.payment.models import *  # noqa: E402,F401,F403
