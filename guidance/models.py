import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from guidance.routines import (
    BASE_MINUTES,
    HOLD_TIMER_SECONDS,
    CheckAnswers,
    PainArea,
    PainDuration,
    Pattern,
    Rating,
    Routine,
    Side,
)


def new_result_token() -> str:
    # 32 random bytes: not guessable, and the URL is the only way to a result.
    return secrets.token_urlsafe(32)


class Technique(models.Model):
    """One of the six foot-massage techniques; staff edit the wording, the slug is the URL."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=80)
    purpose = models.TextField(help_text="One or two sentences: what the technique is for.")
    steps = models.TextField(help_text="One step per line, in order.")
    tips = models.TextField(blank=True, help_text="One tip per line.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the routine.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    # Times are not staff-edited text: one source (guidance.routines) for pages, results, emails.
    @property
    def duration_minutes(self) -> int:
        """Minutes per foot in the general routine."""
        return BASE_MINUTES.get(self.slug, 1)

    @property
    def hold_seconds(self) -> int:
        return HOLD_TIMER_SECONDS

    @property
    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]

    @property
    def tip_list(self) -> list[str]:
        return [line.strip() for line in self.tips.splitlines() if line.strip()]


class GuidanceText(models.Model):
    """A piece of self-check or result wording that staff can edit (a step's instructions,
    a pattern's explanation), looked up by its key."""

    key = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=120)
    body = models.TextField(blank=True, help_text="Plain text; a blank line starts a paragraph.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]


class Result(models.Model):
    """A completed self-check: the answers as typed choices, what they add up to, and the routine.

    Red-flag answers are never stored: those people get the "see a clinician first" page.
    """

    token = models.CharField(max_length=64, unique=True, default=new_result_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Who took it, for "what changed since last time" and for order attribution.
    visitor_key = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text="Random key kept in the visitor's session (survives logging in).",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guidance_results",
    )
    email = models.EmailField(blank=True, db_index=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    pain_low_back = models.BooleanField(default=False)
    pain_knee = models.BooleanField(default=False)
    pain_foot = models.BooleanField(default=False)
    pain_duration = models.CharField(max_length=20, choices=PainDuration.choices)
    arch_left = models.CharField(max_length=10, choices=Rating.choices)
    arch_right = models.CharField(max_length=10, choices=Rating.choices)
    heel_left = models.CharField(max_length=10, choices=Rating.choices)
    heel_right = models.CharField(max_length=10, choices=Rating.choices)

    arch_side = models.CharField(max_length=10, choices=Side.choices)
    heel_side = models.CharField(max_length=10, choices=Side.choices)
    pattern = models.CharField(max_length=20, choices=Pattern.choices)
    routine = models.JSONField(help_text="guidance.routines.Routine.to_dict()")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Result {self.pk} ({self.get_pattern_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("guidance:result", kwargs={"token": self.token})

    @property
    def answers(self) -> CheckAnswers:
        areas = {
            PainArea.LOW_BACK: self.pain_low_back,
            PainArea.KNEE: self.pain_knee,
            PainArea.FOOT: self.pain_foot,
        }
        return CheckAnswers(
            arch_left=self.arch_left,
            arch_right=self.arch_right,
            heel_left=self.heel_left,
            heel_right=self.heel_right,
            pain_areas=frozenset(str(area) for area, ticked in areas.items() if ticked),
            pain_duration=self.pain_duration,
        )

    def get_routine(self) -> Routine:
        return Routine.from_dict(self.routine)


class RoutineRequest(models.Model):
    """'Email me my routine', with the follow-up consent exactly as it was given."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="routine_requests")
    email = models.EmailField()
    wants_followups = models.BooleanField(default=False)
    # Filled only when the follow-up box was ticked: the wording shown, its version, and when.
    consent_text = models.TextField(blank=True)
    consent_version = models.CharField(max_length=20, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    time_zone = models.CharField(
        max_length=64, blank=True, help_text="The browser's IANA time zone, when it sent one"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Routine for {self.email}"


class FunnelEvent(models.Model):
    """One counted step of the funnel. One row per event; the numbers are aggregates of these."""

    class Kind(models.TextChoices):
        START = "start", "Self-check started"
        STEP = "step", "Step reached"
        COMPLETE = "complete", "Self-check completed"
        RED_FLAG = "red_flag", "Red-flag exit"
        EMAIL_REQUEST = "email_request", "Routine email requested"
        FOLLOWUP_CONSENT = "followup_consent", "Follow-up tips agreed"
        PRODUCT_CLICK = "product_click", "Click to the product"
        ORDER = "order", "Order from a result"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The wizard step for STEP events; the page clicked from for PRODUCT_CLICK events.
    step = models.CharField(max_length=20, blank=True)
    day = models.DateField(db_index=True)
    # When it happened, not when it was written (the self-check's are written in batches).
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    visitor_key = models.CharField(max_length=64, blank=True)
    result = models.ForeignKey(
        Result, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order_number = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["day", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["order_number"],
                condition=models.Q(kind="order"),
                name="guidance_one_order_event_per_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.step} {self.day}".replace("  ", " ")
