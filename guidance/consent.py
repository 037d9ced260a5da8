"""The follow-up consent exactly as the form shows it. Change the text → bump the version."""

FOLLOWUP_CONSENT_TEXT = (
    "Yes, send me a few follow-up tips over the next two weeks (a check-in, a reminder to "
    "retake the self-check and a routine reminder). I can unsubscribe with one click in any email."
)
FOLLOWUP_CONSENT_VERSION = "2025-01"
