"""Oscar's payment models (Source, SourceType, Bankcard) plus what Stripe Checkout needs:
one row per Checkout Session we open for an order, and every webhook event id, once."""

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


from oscar.apps.payment.models import *  # noqa: E402,F401,F403
