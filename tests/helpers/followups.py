"""Driving the follow-up dispatcher in the test process."""

from shop.followups.services import followup_dispatch, planned_emails_send


def dispatch_and_send(now=None):
    """What beat + the worker do, in this process: claim due rows, send each chunk."""
    outcomes = []
    followup_dispatch(
        enqueue=lambda token, ids: outcomes.append(
            planned_emails_send(claim_token=token, ids=ids, now=now)
        ),
        now=now,
    )
    return outcomes
