import os
import socket

from celery import shared_task


@shared_task(name="store.worker_ping", ignore_result=False)
def worker_ping() -> dict:
    """Operators' check that a worker consumes the broker: `celery -A config call store.worker_ping`."""
    return {"hostname": socket.gethostname(), "pid": os.getpid()}
