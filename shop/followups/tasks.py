from celery import shared_task

from .services import followup_dispatch, planned_emails_send


def _enqueue_send(claim_token, ids) -> None:
    send.apply_async(kwargs={"claim_token": str(claim_token), "ids": ids})


@shared_task(name="followups.dispatch")
def dispatch() -> int:
    """Run by beat: recover stuck rows, claim the due ones, hand them to `send` in chunks."""
    return followup_dispatch(enqueue=_enqueue_send)


@shared_task(name="followups.send")
def send(claim_token: str, ids: list[int]) -> dict:
    """Send rows this claim holds; a second run finds them no longer claimed and does nothing."""
    return dict(planned_emails_send(claim_token=claim_token, ids=ids))
