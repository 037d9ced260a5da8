"""The self-check's funnel events, written in batches by a thread of the process that counts them.

Answering a step counts the step it leads to: one row per answer, the answer's only database
work. Written in the request, that row was most of the answer's time (on PostgreSQL a health
check and an INSERT, each a round trip, and the wait for the commit). Queued here, the rows that
gathered in the last FUNNEL_BATCH_SECONDS go in one INSERT statement, and what is queued when the
process exits (a deploy, a worker recycled) is written then: OpenTelemetry's BatchSpanProcessor
does the same with traces. What a hard kill (SIGKILL, power loss) loses is that last second of
step counts; nothing but the self-check's own events goes through here. With
FUNNEL_BATCH_SECONDS = 0 services.funnel_event_queue writes each in its request instead, as the
tests do.
"""

import atexit
import logging
import threading
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from guidance.models import FunnelEvent

logger = logging.getLogger(__name__)
_COLUMNS = ("kind", "step", "visitor_key", "created_at", "day", "order_number")
MAX_QUEUED = 100_000  # kept while the database is away; beyond, the oldest are dropped (logged)


class EventBatch:
    def __init__(self):
        self._queued: list[dict] = []  # each a FunnelEvent's fields
        self._queue_lock = threading.Lock()
        self._write_lock = threading.Lock()  # an exit's write waits for the thread's
        self._writer: threading.Thread | None = None

    def add(self, **fields) -> None:
        """Queue a FunnelEvent with these fields but its day (kept as a dict until written: a
        model and the local date take longer to make than the rest of the answer)."""
        with self._queue_lock:
            self._queued.append(fields)
            if self._writer is None or not self._writer.is_alive():  # first use in this process
                self._writer = threading.Thread(
                    target=self._write_every,
                    args=(settings.FUNNEL_BATCH_SECONDS,),
                    name="funnel-batch",
                    daemon=True,
                )
                self._writer.start()

    def write(self) -> int:
        """Write what is queued; return how many rows were written."""
        with self._write_lock:
            with self._queue_lock:
                events, self._queued = self._queued, []
            if not events:
                return 0
            try:
                _insert(events)
            except Exception:
                logger.exception("funnel events not written: %d kept for the next try", len(events))
                with self._queue_lock:
                    self._queued[:0] = events
                    dropped = len(self._queued) - MAX_QUEUED
                    if dropped > 0:
                        del self._queued[:dropped]
                        logger.error("funnel events dropped: %d (queue full)", dropped)
                return 0
            return len(events)

    def _write_every(self, seconds: float) -> None:
        while True:
            time.sleep(seconds)
            try:
                self.write()
            finally:
                # A connection a second rather than one more held open by every process.
                connection.close()


def _insert(events: list[dict]) -> None:
    """One INSERT for all the rows (executemany), in one transaction: bulk_create's statement
    without a model built and each of its fields prepared per row, which took two thirds of the
    write's time (on SQLite, in the web process)."""
    meta = FunnelEvent._meta
    concrete = {field.name: field for field in meta.concrete_fields}
    fields = [concrete[name] for name in _COLUMNS]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    created_at, day = fields[_COLUMNS.index("created_at")], fields[_COLUMNS.index("day")]
    rows = [
        (
            event["kind"],
            event["step"],
            event["visitor_key"],
            created_at.get_db_prep_save(event["created_at"], connection),
            day.get_db_prep_save(timezone.localdate(event["created_at"]), connection),
            "",  # order_number: only ORDER events have one
        )
        for event in events
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


funnel_batch = EventBatch()
atexit.register(funnel_batch.write)
