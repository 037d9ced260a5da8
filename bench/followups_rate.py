"""How fast one worker delivers due follow-up emails to a local SMTP server.

    .venv/bin/python bench/followups_rate.py [-n 10000] [--solo | --in-process]

Creates N due planned emails (people with a confirmed consent, a mix of kinds and results) in
a fresh database: SQLite in a temporary folder, or the PostgreSQL database in DATABASE_URL
(migrated, and its follow-up tables emptied first). Starts an aiosmtpd server on 127.0.0.1
that counts messages, then runs the real dispatcher (followups.tasks.dispatch's code, in this
process, as beat would trigger it) which hands chunks through the broker (a filesystem broker
in a temporary folder unless CELERY_BROKER_URL is set) to ONE real Celery worker started as
the Procfile starts it (`celery -A config worker`: prefork, one process per core) running the
real send task; --solo gives that worker a single process (the solo pool), for the per-process
rate. With --in-process the send task's code runs here
instead, without broker or worker. The clock runs from the dispatch to the N-th accepted
message; worker start-up is excluded (a warm-up email goes first). Prints one line.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class Counter:
    """aiosmtpd handler: counts accepted messages, remembers when the last one came."""

    def __init__(self):
        self.count = 0
        self.last_at = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            self.last_at = time.perf_counter()
        return "250 Message accepted"


def configure(tmp: Path, smtp_port: int) -> str:
    """Environment for this process and the worker; returns a description of the set-up."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ["CACHE_URL"] = "locmemcache://"
    if "CELERY_BROKER_URL" not in os.environ:
        os.environ["CELERY_BROKER_URL"] = "filesystem://"
        os.environ["CELERY_BROKER_DIR"] = str(tmp / "broker")
    os.environ["CELERY_RESULT_BACKEND"] = f"db+sqlite:///{tmp / 'results.sqlite3'}"
    os.environ["EMAIL_BACKEND"] = "shop.followups.backends.SMTPEmailBackend"  # production's
    os.environ["EMAIL_HOST"] = "127.0.0.1"
    os.environ["EMAIL_PORT"] = str(smtp_port)
    os.environ["EMAIL_USE_TLS"] = "false"
    os.environ["EMAIL_HOST_USER"] = ""
    os.environ["EMAIL_HOST_PASSWORD"] = ""
    os.environ["SITE_URL"] = "https://shop.example.com"
    os.environ["FOLLOWUPS_SEND_HOURS"] = "0,24"
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ["EMAIL_FILE_PATH"] = str(tmp / "outbox")
    database = "postgresql" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"
    broker = os.environ["CELERY_BROKER_URL"].split(":", 1)[0]
    return f"{database}, {broker} broker"


def prepare_database(n: int) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)

    from django.utils import timezone

    from guidance.routines import CheckAnswers, PainArea, Rating
    from guidance.services import guidance_content_setup, result_create
    from shop.followups.models import Contact, PlannedEmail

    PlannedEmail.objects.all().delete()
    Contact.objects.all().delete()
    guidance_content_setup()
    ratings = [Rating.NONE, Rating.MILD, Rating.MODERATE, Rating.STRONG]
    results = [
        result_create(
            answers=CheckAnswers(
                arch_left=ratings[i % 4],
                arch_right=ratings[(i // 4) % 4],
                heel_left=ratings[(i // 2) % 4],
                heel_right=ratings[(i + 1) % 4],
                pain_areas=frozenset({PainArea.LOW_BACK}),
            ),
            visitor_key=f"bench-{i}",
        )
        for i in range(20)
    ]
    now = timezone.now()
    kinds = [
        PlannedEmail.Kind.ROUTINE,
        PlannedEmail.Kind.TIPS_CHECKIN,
        PlannedEmail.Kind.TIPS_RETEST,
        PlannedEmail.Kind.TIPS_REMINDER,
    ]
    contacts = Contact.objects.bulk_create(
        Contact(
            email=f"person{i}@example.com",
            consent_version="bench",
            consent_requested_at=now,
            consent_confirmed_at=now,
        )
        for i in range(n + 1)
    )
    if contacts[0].pk is None:  # backends that do not return ids from bulk_create
        contacts = list(Contact.objects.order_by("pk"))
    far = now + timezone.timedelta(days=365)
    PlannedEmail.objects.bulk_create(
        (
            PlannedEmail(
                contact=contact,
                kind=kinds[i % len(kinds)],
                key=f"bench:{i}",
                # The first one is the warm-up, due now; the rest become due when timed.
                due_at=now if i == 0 else far,
                result=results[i % len(results)],
            )
            for i, contact in enumerate(contacts)
        ),
        batch_size=2000,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="due emails (default 10,000)")
    parser.add_argument(
        "--in-process", action="store_true", help="run the send task's code here, no worker"
    )
    parser.add_argument("--solo", action="store_true", help="the worker with one process")
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()
    sys.path.insert(0, str(BASE_DIR))
    os.chdir(BASE_DIR)

    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    counter = Counter()
    with tempfile.TemporaryDirectory(prefix="followups-bench-") as tmp_name:
        tmp = Path(tmp_name)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        smtp = Controller(counter, hostname="127.0.0.1", port=port)
        smtp.start()
        worker = None
        try:
            setup = configure(tmp, port)
            prepare_database(args.n)

            from django.db import connection
            from django.utils import timezone

            from shop.followups import tasks
            from shop.followups.models import PlannedEmail
            from shop.followups.services import followup_dispatch, planned_emails_send

            if args.in_process:
                mode = f"send task code in this process, no broker, {setup.split(',')[0]}"

                def enqueue(token, ids):
                    planned_emails_send(claim_token=token, ids=ids)
            else:
                processes = "solo pool" if args.solo else f"prefork, {os.cpu_count()} processes"
                mode = f"one Celery worker ({processes}), {setup}"
                enqueue = tasks._enqueue_send
                worker = subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "config", "worker", *(["--pool=solo"] if args.solo else []),
                     "--without-mingle", "--without-gossip", "--without-heartbeat",
                     "--loglevel=ERROR", "-n", f"bench-{os.getpid()}@%h"],
                    cwd=BASE_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip

            def wait_for(count: int) -> None:
                deadline = time.monotonic() + args.timeout
                while counter.count < count:
                    if worker is not None and worker.poll() is not None:
                        raise SystemExit(
                            f"followups bench: the worker exited ({worker.returncode})"
                        )
                    if time.monotonic() > deadline:
                        raise SystemExit(f"followups bench: {counter.count} of {count} delivered")
                    time.sleep(0.02)

            followup_dispatch(enqueue=enqueue)  # the warm-up email: worker up, caches warm
            wait_for(1)
            PlannedEmail.objects.filter(state=PlannedEmail.State.PENDING).update(
                due_at=timezone.now()
            )
            connection.close()
            started = time.perf_counter()
            followup_dispatch(enqueue=enqueue)
            wait_for(args.n + 1)
            elapsed = counter.last_at - started
            time.sleep(0.5)  # the last "sent" marks
            sent = PlannedEmail.objects.filter(state=PlannedEmail.State.SENT).count()
            if counter.count != args.n + 1 or sent != args.n + 1:
                raise SystemExit(
                    f"followups bench: {counter.count} messages, {sent} rows sent, "
                    f"expected {args.n + 1} of each"
                )
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
            smtp.stop()
    print(f"followups: {args.n} delivered in {elapsed:.1f} s = {args.n / elapsed:.0f}/s ({mode})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
