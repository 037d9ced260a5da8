"""The page cache's copy in each process: the pages it served lately and the data version it read.

A shared page otherwise costs a round trip to the cache (its version and the page, in one
request), most of serving it on Redis. A process trusts the version it read for
SHOP_PAGE_CACHE_LOCAL_SECONDS and serves the pages it holds under it, so an edit shows in the
other processes within that time, and at once in the process that made it (invalidation forgets
the copy). Pages of a basket always ask the cache: their version changes with the visitor's own
requests, which another process may have served.
"""

import threading
import time
from collections.abc import Callable

MAX_PAGES = 200  # pages of a few tens of KB each; when full the copy starts again


class LocalPages:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock  # seconds; tests put a clock they move by hand
        self._lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        with self._lock:
            self._pages: dict[str, tuple] = {}
            self._version: str | None = None
            self._read_at = 0.0

    def read_version(self, version: str) -> None:
        with self._lock:
            if version != self._version:
                self._pages = {}  # before the version: a reader never pairs old pages with it
            self._version, self._read_at = version, self.clock()

    def get(self, key: str, seconds: float) -> tuple[str, object] | None:
        """(version, page) when the version was read in the last `seconds` and the page is held
        under it, else None (ask the cache)."""
        version = self._version
        if version is None or self.clock() - self._read_at >= seconds:
            return None
        page = self._pages.get(key)
        if page is None or self.clock() >= page[1]:
            return None
        return version, page[0]

    def put(self, key: str, version: str, entry, seconds: float) -> None:
        with self._lock:
            if version != self._version:
                return
            if len(self._pages) >= MAX_PAGES:
                self._pages = {}
            self._pages[key] = (entry, self.clock() + seconds)


local_pages = LocalPages()
