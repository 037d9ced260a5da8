"""A real Celery worker, in its own process, consumes the configured broker."""

import os
import re
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from config.celery_app import app as celery_app
from shop.store.tasks import worker_ping


@pytest.fixture
def worker_queue():
    """Start a worker process on a queue of its own; yield the queue name."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--loglevel=WARNING",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ],
        cwd=settings.BASE_DIR,
        env=env,
    )
    try:
        yield queue
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_a_task_runs_in_a_separate_worker_process(worker_queue):
    assert not celery_app.conf.task_always_eager
    result = worker_ping.apply_async(queue=worker_queue)
    answer = result.get(timeout=60)
    assert answer["pid"] != os.getpid()
    assert answer["pid"] > 0


def test_every_task_has_soft_and_hard_time_limits():
    celery_app.loader.import_default_modules()  # what a worker imports: every app's tasks.py
    limits = {
        name: (task.soft_time_limit, task.time_limit)
        for name, task in celery_app.tasks.items()
        if not name.startswith("celery.")
    }
    assert (celery_app.conf.task_soft_time_limit, celery_app.conf.task_time_limit) == (60, 90)
    lease = settings.FOLLOWUPS_LEASE_SECONDS
    assert limits == {
        "store.worker_ping": (60, 90),
        "followups.dispatch": (60, 90),
        "followups.send": (2 * lease, 2 * lease + 30),
        "guidance.purge_expired_results": (600, 630),
        "shop.payment.reconcile": (300, 330),
    }


def test_the_worker_logs_through_the_settings_formatter(tmp_path):
    """config.celery_app hands the worker's logging to settings.LOGGING (one line format)."""
    log = tmp_path / "worker.log"
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue]
            + ["-n", f"{queue}@%h", "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=settings.BASE_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            worker_ping.apply_async(queue=queue).get(timeout=60)  # the worker is up and serving
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    lines = log.read_text().splitlines()
    pattern = rf"time=\S+ level=INFO logger=celery\.apps\.worker process={worker.pid} .*ready\."
    assert any(re.fullmatch(pattern + '"?', line) for line in lines), lines
