"""Exactly once under slow and refusing SMTP servers, with real worker processes and beat: each
case counts messages per (recipient, kind) at the server (issue 14)."""

import time

import pytest

from guidance.services import result_create
from shop.followups.models import Contact, PlannedEmail
from tests.helpers.guidance import ANSWERS
from tests.helpers.mail_and_celery import wait_until

State = PlannedEmail.State
ADDRESSES = [f"person{n}@example.com" for n in range(8)]


def states():
    return sorted(PlannedEmail.objects.values_list("state", flat=True))


def settle(seconds: float = 3) -> None:
    """Give beat a few more dispatcher runs: whatever would be sent again goes out now."""
    time.sleep(seconds)


@pytest.fixture
def routine_emails(request_routine):
    def plan(addresses=ADDRESSES):
        for n, address in enumerate(addresses):
            result = result_create(answers=ANSWERS, visitor_key=f"visitor-{n}")
            request_routine(email=address, on=result)

    return plan


def test_a_relay_slower_than_the_lease_with_two_workers_sends_each_email_once(
    celery_processes, smtp_sink, routine_emails
):
    # 8 messages of 2 s each: the chunk outlives the 5 s lease, and the other worker's dispatcher
    # takes back the rows not yet started.
    smtp_sink.data_delay = 2
    routine_emails()
    celery_processes.start_worker()
    celery_processes.start_worker()
    celery_processes.start_beat()

    wait_until(lambda: states() == [State.SENT] * 8, timeout=120, what="all sent")
    settle()
    celery_processes.stop()

    assert smtp_sink.per_recipient_and_kind() == {(a, "routine"): 1 for a in ADDRESSES}
    assert set(PlannedEmail.objects.values_list("attempts", flat=True)) == {1}


def test_no_final_reply_after_the_message_counts_as_sent_not_sent_twice(
    celery_processes, smtp_sink, routine_emails
):
    # The server keeps the message, then answers after the client stopped waiting (3 s).
    smtp_sink.data_delay = 5
    routine_emails(ADDRESSES[:2])
    celery_processes.start_worker()
    celery_processes.start_beat()

    wait_until(lambda: states() == [State.SENT] * 2, timeout=60, what="both settled")
    settle(6)  # past the lease: nothing is taken back and sent again
    celery_processes.stop()

    assert smtp_sink.per_recipient_and_kind() == {(a, "routine"): 1 for a in ADDRESSES[:2]}
    assert {
        e.startswith("No final reply")
        for e in PlannedEmail.objects.values_list("last_error", flat=True)
    } == {True}


@pytest.mark.parametrize(
    ("refusal", "suppressed"),
    [
        ("550 5.7.1 Message refused by policy", False),  # our mail refused: not the address
        ("550 5.1.1 Mailbox does not exist", True),
    ],
)
def test_a_permanent_refusal_at_data_is_not_retried(
    celery_processes, smtp_sink, routine_emails, refusal, suppressed
):
    smtp_sink.refuse_data = {ADDRESSES[0]: refusal}
    routine_emails(ADDRESSES[:2])
    celery_processes.start_worker()
    celery_processes.start_beat()

    wait_until(
        lambda: states() == [State.FAILED, State.SENT], timeout=60, what="one sent, one failed"
    )
    settle()  # retries would come after 1, 2 s
    celery_processes.stop()

    failed = PlannedEmail.objects.get(state=State.FAILED)
    assert (failed.contact.email, failed.attempts) == (ADDRESSES[0], 1)
    assert refusal.split(" ", 1)[1] in failed.last_error
    assert (Contact.objects.get(email=ADDRESSES[0]).bounced_at is not None) is suppressed
    assert Contact.objects.get(email=ADDRESSES[1]).bounced_at is None
    assert smtp_sink.per_recipient_and_kind() == {(ADDRESSES[1], "routine"): 1}


def test_a_refused_recipient_fails_at_once_and_is_suppressed(
    celery_processes, smtp_sink, routine_emails
):
    smtp_sink.refuse = {ADDRESSES[0]}
    routine_emails(ADDRESSES[:2])
    celery_processes.start_worker()
    celery_processes.start_beat()

    wait_until(
        lambda: states() == [State.FAILED, State.SENT], timeout=60, what="one sent, one failed"
    )
    settle()
    celery_processes.stop()

    failed = PlannedEmail.objects.get(state=State.FAILED)
    assert (failed.contact.email, failed.attempts) == (ADDRESSES[0], 1)
    assert Contact.objects.get(email=ADDRESSES[0]).bounced_at is not None
    assert smtp_sink.per_recipient_and_kind() == {(ADDRESSES[1], "routine"): 1}


def test_a_temporary_refusal_is_retried_and_delivered_once(
    celery_processes, smtp_sink, routine_emails
):
    smtp_sink.fail_data = 2  # "451 try again later", twice
    routine_emails(ADDRESSES[:1])
    celery_processes.start_worker()
    celery_processes.start_beat()

    wait_until(lambda: states() == [State.SENT], timeout=60, what="sent on the third try")
    settle()
    celery_processes.stop()

    assert PlannedEmail.objects.get().attempts == 3
    assert smtp_sink.per_recipient_and_kind() == {(ADDRESSES[0], "routine"): 1}


def test_a_worker_killed_after_the_server_took_a_message_duplicates_at_most_that_one(
    celery_processes, smtp_sink, routine_emails
):
    # The server keeps each message and answers 2 s later: the kill lands in that window, the
    # worst case (the server has the message, the row still says "sending").
    smtp_sink.data_delay = 2
    routine_emails(ADDRESSES[:4])
    celery_processes.start_worker()
    celery_processes.start_beat()
    smtp_sink.wait_for(1)
    celery_processes.kill_worker()  # SIGKILL: no shutdown, no ack, no state update
    smtp_sink.data_delay = 0
    celery_processes.start_worker()

    wait_until(lambda: states() == [State.SENT] * 4, timeout=120, what="all sent")
    settle()
    celery_processes.stop()

    counts = smtp_sink.per_recipient_and_kind()
    assert set(counts) == {(a, "routine") for a in ADDRESSES[:4]}
    assert sum(counts.values()) - len(counts) <= 1  # at most one duplicate for the one crash
