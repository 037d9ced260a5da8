"""A real SMTP server (aiosmtpd) and real Celery processes for tests; the fixtures are exposed
by tests/conftest.py."""

import asyncio
import email
import email.policy
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """An aiosmtpd handler that keeps what it accepts, parsed with the `email` package.

    Knobs for failure tests: `fail_data` answers 451 to that many DATA commands; `refuse`
    answers 550 to those recipients; `hold` makes RCPT wait until `release` is set;
    `refuse_data` answers that reply (a 5xx) to DATA for those recipients; `data_delay` keeps
    each accepted message, then waits that many seconds before answering (a slow relay).
    """

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.fail_data = 0
        self.refuse: set[str] = set()
        self.hold = False
        self.refuse_data: dict[str, str] = {}
        self.data_delay = 0.0
        self.holding = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        if self.hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.fail_data > 0:
                self.fail_data -= 1
                return "451 4.3.0 Please try again later"
            for address in envelope.rcpt_tos:
                if address in self.refuse_data:
                    return self.refuse_data[address]
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(message)
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        return "250 Message accepted"

    def per_recipient_and_kind(self) -> dict[tuple[str, str], int]:
        """How many messages each (recipient, kind) got; the kind is in the Message-ID."""
        counts: dict[tuple[str, str], int] = {}
        for message in self.messages:
            kind = message["Message-ID"].split("@", 1)[0].split("-", 2)[-1]
            key = (message["To"], kind)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 60) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.messages)} of {count} messages after {timeout}s")
            time.sleep(0.1)
        return self.messages


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    try:
        yield sink
    finally:
        sink.release.set()
        controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    """This process sends through the real SMTP sink."""
    settings.EMAIL_BACKEND = "shop.followups.backends.SMTPEmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "https://shop.example.com"
    settings.FOLLOWUPS_SEND_HOURS = [0, 24]
    return settings


class CeleryProcesses:
    """A worker and a beat in their own processes, on this test's database, queue and SMTP sink."""

    def __init__(self, tmp_path, smtp_port: int):
        self.queue = f"test-followups-{uuid.uuid4().hex[:8]}"
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.shop.followups.worker_settings",
            "FOLLOWUPS_TEST_DATABASE_NAME": str(connection.settings_dict["NAME"]),
            "FOLLOWUPS_TEST_SMTP_PORT": str(smtp_port),
            "FOLLOWUPS_TEST_QUEUE": self.queue,
            "FOLLOWUPS_TEST_DIR": str(tmp_path),
        }
        self.worker: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.beat: subprocess.Popen | None = None

    def _start(self, *args) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *args, "--loglevel=WARNING"],
            cwd=settings.BASE_DIR,
            env=self.env,
        )

    def start_worker(self) -> None:
        """One more worker process (the last one started is `worker`)."""
        self.worker = self._start(
            "worker",
            "--pool=solo",
            "-Q",
            self.queue,
            "-n",
            f"{self.queue}-{uuid.uuid4().hex[:4]}@%h",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        )
        self.workers.append(self.worker)

    def start_beat(self) -> None:
        self.beat = self._start("beat", "-s", str(self.tmp_path / "celerybeat-schedule"))

    def kill_worker(self) -> None:
        self.worker.send_signal(signal.SIGKILL)
        self.worker.wait(timeout=30)

    def stop(self) -> None:
        """Warm shutdown: the worker finishes the task at hand, so nothing is in flight after."""
        processes = [self.beat, *self.workers]
        for process in processes:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in processes:
            if process is not None:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture
def celery_processes(transactional_db, tmp_path, smtp_sink):
    processes = CeleryProcesses(tmp_path, smtp_sink.port)
    try:
        yield processes
    finally:
        processes.stop()


def wait_until(predicate, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)
