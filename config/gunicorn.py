"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`. Every value can come from the environment."""

import gc
import os
import re

from gunicorn.glogging import Logger


def _env(name: str, default: str) -> str:
    """The variable, or the default when it is unset or empty (as the settings read theirs)."""
    return os.environ.get(name) or default


bind = _env("GUNICORN_BIND", f"0.0.0.0:{_env('PORT', '8000')}")
workers = int(_env("WEB_CONCURRENCY", "2"))
threads = int(_env("GUNICORN_THREADS", "1"))
timeout = int(_env("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (a leak guard). Every 2,000 requests meant a restart every few
# seconds at hundreds of requests a second. The jitter is wide so that workers, which
# share the load evenly, don't restart together: with a tenth, both workers of a 2-core box
# restarted in the same second under load and every request waited for them (p99 > 250 ms).
max_requests = int(_env("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 2
# Import the app once in the master so a (re)started worker is a fork, not 1-2 s of imports.
# Safe: nothing opens a database connection at import time (a test holds that true).
preload_app = _env("GUNICORN_PRELOAD", "true").lower() == "true"


def pre_fork(server, worker):
    """What the master imported is there for good: the garbage collector of each worker leaves
    it alone (Python's advice for forking servers, gc.freeze). A full collection scanned all of
    Django's and Oscar's objects, stopping a worker for up to 75 ms (a p99 under load)."""
    gc.freeze()


# Bearer values in URLs never reach the access log: a Stripe return's session_id (it used to show
# the order) and the path tokens that are someone's only credential (a self-check result, email
# links). Every field is redacted, the Referer too, since the next page's request carries it.
REDACTED = "[redacted]"
REDACT = [
    (re.compile(r"([?&](?:session_id|token)=)[^&\s\"]*"), rf"\g<1>{REDACTED}"),
    (
        re.compile(
            r"(/guidance/results/|/email/unsubscribe/|/email/confirm/|/accounts/activate/"
            r"|/accounts/email/confirm/|/password-reset/confirm/[^/?\s\"]+/)[^/?\s\"]+"
        ),
        rf"\g<1>{REDACTED}",
    ),
]


def redact(value: str) -> str:
    for pattern, replacement in REDACT:
        value = pattern.sub(replacement, value)
    return value


class RedactingLogger(Logger):
    """gunicorn's logger with every access-log field passed through `redact`."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}


logger_class = RedactingLogger
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")
