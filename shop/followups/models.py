import secrets
from urllib.parse import quote

from django.db import models
from django.db.models import Q


def new_contact_key() -> str:
    return secrets.token_urlsafe(16)


class Contact(models.Model):
    """A person we may email, by address: time zone, consent, unsubscribe and bounce state."""

    email = models.EmailField(unique=True)  # stored lower-cased (services.contact_get_or_create)
    # Names the contact in email links (shop.followups.tokens) instead of the sequential id.
    key = models.CharField(max_length=32, unique=True, default=new_contact_key, editable=False)
    time_zone = models.CharField(max_length=64, blank=True, help_text="From the browser, if given")
    consent_text = models.TextField(blank=True, help_text="The wording the person agreed to")
    consent_version = models.CharField(max_length=32, blank=True)
    consent_requested_at = models.DateTimeField(null=True, blank=True)
    consent_confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the person clicked the confirmation link"
    )
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    last_ordered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class PlannedEmail(models.Model):
    """One email that should go out once: the queue the dispatcher works through."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", "Your routine (on request)"
        TIPS_CHECKIN = "tips_checkin", "Tips: check-in with one technique"
        TIPS_RETEST = "tips_retest", "Tips: re-test and compare"
        TIPS_REMINDER = "tips_reminder", "Tips: cream reminder with the code"
        ORDER_HOWTO = "order_howto", "After an order: how to use it, your routine"
        ORDER_CHECKIN = "order_checkin", "After an order: check-in"
        ORDER_CONFIRMATION = "order_confirmation", "Order confirmation"
        ORDER_REFUND = "order_refund", "Order: money sent back"
        ORDER_SHIPPED = "order_shipped", "Order: on its way"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        QUEUED = "queued", "Handed to a worker"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="planned_emails")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True, help_text="Makes each planned email once")
    due_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True, editable=False)
    skip_reason = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    result = models.ForeignKey(
        "guidance.Result",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The self-check result whose routine the email carries",
    )
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facts = models.JSONField(
        default=dict, blank=True, help_text="What the email states as of planning (a refund)"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["due_at"], name="followups_due_pending", condition=Q(state="pending")
            ),
            models.Index(fields=["state", "claimed_at"], name="followups_state_claimed"),
            models.Index(fields=["contact", "state"], name="followups_contact_state"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.contact_id} ({self.state})"


MARKETING_KINDS = frozenset(
    {
        PlannedEmail.Kind.TIPS_CHECKIN,
        PlannedEmail.Kind.TIPS_RETEST,
        PlannedEmail.Kind.TIPS_REMINDER,
        PlannedEmail.Kind.ORDER_HOWTO,
        PlannedEmail.Kind.ORDER_CHECKIN,
    }
)
TIPS_KINDS = (
    PlannedEmail.Kind.TIPS_CHECKIN,
    PlannedEmail.Kind.TIPS_RETEST,
    PlannedEmail.Kind.TIPS_REMINDER,
)
ORDER_KINDS = (PlannedEmail.Kind.ORDER_HOWTO, PlannedEmail.Kind.ORDER_CHECKIN)
# About one order's money or parcel: sent whatever the consent, the cap or the hour.
TRANSACTIONAL_ORDER_KINDS = (
    PlannedEmail.Kind.ORDER_CONFIRMATION,
    PlannedEmail.Kind.ORDER_REFUND,
    PlannedEmail.Kind.ORDER_SHIPPED,
)


class Shipment(models.Model):
    """How an order left: staff enter the carrier and tracking number on the order page."""

    class Carrier(models.TextChoices):
        USPS = "usps", "USPS"
        UPS = "ups", "UPS"
        FEDEX = "fedex", "FedEx"
        DHL = "dhl", "DHL"

    TRACKING_URLS = {
        Carrier.USPS: "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
        Carrier.UPS: "https://www.ups.com/track?tracknum={number}",
        Carrier.FEDEX: "https://www.fedex.com/fedextrack/?trknbr={number}",
        Carrier.DHL: "https://www.dhl.com/us-en/home/tracking.html?tracking-id={number}",
    }

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="shipment")
    carrier = models.CharField(max_length=16, choices=Carrier.choices)
    tracking_number = models.CharField(max_length=64)
    shipped_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.get_carrier_display()} {self.tracking_number}"

    @property
    def tracking_url(self) -> str:
        return self.TRACKING_URLS[self.Carrier(self.carrier)].format(
            number=quote(self.tracking_number)
        )


class EmailContent(models.Model):
    """Staff-editable words of one kind of email; the templates under emails/ are the layout."""

    kind = models.CharField(max_length=32, choices=PlannedEmail.Kind.choices, unique=True)
    subject = models.CharField(max_length=200)
    heading = models.CharField(max_length=200)
    body = models.TextField(help_text="Paragraphs separated by a blank line; plain text")
    cta_label = models.CharField("button label", max_length=80, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = "email content"
        verbose_name_plural = "email content"

    def __str__(self) -> str:
        return self.get_kind_display()

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]
