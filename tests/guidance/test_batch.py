"""The self-check's funnel events go through guidance.batch: queued by the request, written in
bulk by a thread of the process, and at the latest when the process exits."""

import os
import sqlite3
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guidance import batch as batch_module
from guidance import services
from guidance.batch import EventBatch
from guidance.models import FunnelEvent
from guidance.services import funnel_event_queue

SAFETY_NO = {
    "self_check_wizard-current_step": "safety",
    "safety-diabetes_or_numbness": "no",
    "safety-recent_injury": "no",
    "safety-back_warning_signs": "no",
    "safety-severe_or_worsening": "no",
}


def _counted():
    return sorted(FunnelEvent.objects.values_list("kind", "step"))


@pytest.mark.django_db(transaction=True)
def test_the_request_queues_and_the_thread_writes(client, settings, monkeypatch):
    settings.FUNNEL_BATCH_SECONDS = 0.2
    monkeypatch.setattr(services, "funnel_batch", EventBatch())
    started = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("guidance:self-check-step", kwargs={"step": "safety"}))
        answered = client.post(
            reverse("guidance:self-check-step", kwargs={"step": "safety"}), SAFETY_NO
        )
    assert answered.status_code == 302
    assert answered["Location"] == reverse("guidance:self-check-step", kwargs={"step": "pain"})
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
    assert writes == []  # counted, not written, by the request
    answered_by = timezone.now()
    expected = [("start", ""), ("step", "pain"), ("step", "safety")]
    deadline = time.monotonic() + 10
    while _counted() != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _counted() == expected
    assert len({key for key in FunnelEvent.objects.values_list("visitor_key", flat=True)}) == 1
    for event in FunnelEvent.objects.all():  # when it happened, not when it was written
        assert started <= event.created_at <= answered_by
        assert event.day == timezone.localdate(event.created_at)
        assert (event.order_number, event.result) == ("", None)


@pytest.mark.django_db
def test_a_failed_write_keeps_the_events_for_the_next(settings, monkeypatch):
    settings.FUNNEL_BATCH_SECONDS = 3600  # the thread won't write during the test
    batch = EventBatch()
    monkeypatch.setattr(services, "funnel_batch", batch)
    funnel_event_queue(kind=FunnelEvent.Kind.START, visitor_key="k")
    funnel_event_queue(kind=FunnelEvent.Kind.STEP, step="safety", visitor_key="k")
    insert = batch_module._insert

    def database_away(events):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(batch_module, "_insert", database_away)
    assert batch.write() == 0
    monkeypatch.setattr(batch_module, "_insert", insert)
    funnel_event_queue(kind=FunnelEvent.Kind.STEP, step="pain", visitor_key="k")
    assert batch.write() == 3
    assert _counted() == [("start", ""), ("step", "pain"), ("step", "safety")]
    assert batch.write() == 0


def test_what_is_queued_is_written_when_the_process_exits(tmp_path):
    database = tmp_path / "exit.sqlite3"
    code = (
        "import django\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "from guidance.models import FunnelEvent, Result\n"
        "from guidance.services import funnel_event_queue\n"
        "with connection.schema_editor() as editor:\n"
        "    editor.create_model(Result)\n"  # the events' foreign key
        "    editor.create_model(FunnelEvent)\n"
        "funnel_event_queue(kind='step', step='pain', visitor_key='k')\n"
        "print(FunnelEvent.objects.count())\n"  # queued, not written: the thread waits an hour
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
        | {"DATABASE_URL": f"sqlite:///{database}", "FUNNEL_BATCH_SECONDS": "3600"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"
    with sqlite3.connect(database) as written:
        assert written.execute("SELECT kind, step FROM guidance_funnelevent").fetchall() == [
            ("step", "pain")
        ]
