"""`StandinServer`: the stand-in on a port in a background thread, with the sweeper that
expires sessions at their `expires_at` on its own (see the package docstring).

The parts: `state` (objects, store, clock, expiry, events), `params` (Stripe's parameter
checks), `objects` (the fields Stripe sends), `handler` (HTTP, routing, error shapes),
`pages` (the hosted checkout's HTML), `control_routes` (the /_standin/ test controls).
"""

from __future__ import annotations

import sys
import threading
from http.server import ThreadingHTTPServer
from typing import cast

from .handler import Handler
from .state import (
    DEFAULT_API_KEY,
    DEFAULT_RETRY_DELAYS,
    DEFAULT_WEBHOOK_SECRET,
    TEST_CARDS,
    Standin,
    sign,
)

__all__ = ["TEST_CARDS", "StandinServer", "sign"]

SWEEP_INTERVAL_SECONDS = 1.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # keep-alive connections would otherwise hold server_close()


class StandinServer:
    """The stand-in on 127.0.0.1 in a background thread: `server.start()`, `server.url`, `server.stop()`.

    `port=0` picks a free port. `state` is the `Standin` (tests may also use the HTTP controls).
    Both `start()` and `serve_forever()` also run the sweeper, a thread that expires due
    sessions about once a second, so their webhooks come without anyone asking.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str = DEFAULT_API_KEY,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        webhook_url: str = "",
        auto_deliver: bool = True,
        retry_delays: tuple[float, ...] = DEFAULT_RETRY_DELAYS,
        quiet: bool = True,
    ):
        log = (
            None
            if quiet
            else (lambda message: print(f"stripe-standin: {message}", file=sys.stderr, flush=True))
        )
        self.state = Standin(
            api_key=api_key,
            webhook_secret=webhook_secret,
            webhook_url=webhook_url,
            auto_deliver=auto_deliver,
            retry_delays=retry_delays,
            log=log,
        )
        handler = type("BoundHandler", (Handler,), {"standin": self.state})
        self.httpd = _Server((host, port), handler)
        self.host, self.port = cast(tuple[str, int], self.httpd.server_address)[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._thread: threading.Thread | None = None
        self._sweeper: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> StandinServer:
        self._start_sweeper()
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, name="stripe-standin", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._start_sweeper()
        self.httpd.serve_forever()

    def stop(self) -> None:
        """Stop serving; requests hanging under a fault are released, not waited for."""
        self._stopping.set()
        self.state.release_hangs()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _start_sweeper(self) -> None:
        if self._sweeper is None:
            self._sweeper = threading.Thread(
                target=self._sweep, name="stripe-standin-sweeper", daemon=True
            )
            self._sweeper.start()

    def _sweep(self) -> None:
        while not self._stopping.wait(SWEEP_INTERVAL_SECONDS):
            try:
                self.state.expire_due()
            except Exception as exc:  # noqa: BLE001  one bad pass must not end all expiry
                self.state.log(f"sweeper: {exc!r}")
