"""A real Celery worker, in its own process, consumes the configured broker."""

import os
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
