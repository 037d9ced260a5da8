"""End to end with real processes: Celery beat runs the dispatcher, a Celery worker sends, over
the configured broker, to a real SMTP server; the test process only writes database rows."""

import pytest

from shop.followups.models import PlannedEmail
from tests.helpers.mail_and_celery import wait_until

State = PlannedEmail.State


def row_state(**filters):
    return PlannedEmail.objects.filter(**filters).values_list("state", "attempts").first()


@pytest.fixture
def running(celery_processes):
    celery_processes.start_worker()
    celery_processes.start_beat()
    return celery_processes


def test_the_requested_routine_email_goes_out_through_beat_and_the_worker(
    running, smtp_sink, request_routine
):
    request_routine(email="ana@example.com", wants_followups=True)

    [message] = smtp_sink.wait_for(1)
    wait_until(lambda: row_state(kind="routine") == (State.SENT, 1), what="routine sent")
    running.stop()

    assert message["To"] == "ana@example.com"
    assert message["Subject"] == "Your foot-massage routine"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Arch rubs" in text and "/email/confirm/" in text
    # The tips wait for their day (and for the confirmation); nothing else went out.
    assert len(smtp_sink.messages) == 1
    assert sorted(PlannedEmail.objects.values_list("state", flat=True)) == sorted(
        [State.SENT, State.PENDING, State.PENDING, State.PENDING]
    )


def test_an_smtp_failure_then_recovery_delivers_exactly_once(running, smtp_sink, request_routine):
    smtp_sink.fail_data = 1  # the first try gets "451 try again later"
    request_routine(email="ana@example.com")

    wait_until(lambda: row_state() == (State.SENT, 2), what="sent on the second try")
    running.stop()  # warm shutdown: nothing in flight any more

    assert [m["To"] for m in smtp_sink.messages] == ["ana@example.com"]
    assert smtp_sink.fail_data == 0


def test_a_worker_killed_mid_send_neither_loses_nor_doubles_the_email(
    celery_processes, smtp_sink, request_routine
):
    smtp_sink.hold = True  # the SMTP server stalls at RCPT, as a slow relay does
    celery_processes.start_worker()
    celery_processes.start_beat()
    request_routine(email="ana@example.com")
    assert smtp_sink.holding.wait(timeout=60), "the worker never reached the SMTP server"
    assert row_state() == (State.SENDING, 1)

    celery_processes.kill_worker()  # SIGKILL: no shutdown, no ack, no state update
    smtp_sink.hold = False
    smtp_sink.release.set()
    assert row_state() == (State.SENDING, 1)
    celery_processes.start_worker()

    wait_until(lambda: row_state() == (State.SENT, 2), what="sent after the lease ran out")
    celery_processes.stop()

    assert [m["To"] for m in smtp_sink.messages] == ["ana@example.com"]
