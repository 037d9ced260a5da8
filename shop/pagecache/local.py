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

MAX_PAGES = 200  # pages of a few tens of KB each; when full the copy starts again


class LocalPages:
    def __init__(self):
        self._lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        with self._lock:
            self._pages: dict[str, tuple] = {}
            self._version: str | None = None
            self._read_at = 0.0

    def version(self, seconds: float) -> str | None:
        """The data version read in the last `seconds`, else None (ask the cache)."""
        if time.monotonic() - self._read_at < seconds:
            return self._version
        return None

    def read_version(self, version: str) -> None:
        with self._lock:
            if version != self._version:
                self._pages = {}
            self._version, self._read_at = version, time.monotonic()

    def get(self, key: str, version: str):
        page = self._pages.get(key)
        if page is not None and page[0] == version and time.monotonic() < page[2]:
            return page[1]
        return None

    def put(self, key: str, version: str, entry, seconds: float) -> None:
        with self._lock:
            if len(self._pages) >= MAX_PAGES:
                self._pages = {}
            self._pages[key] = (version, entry, time.monotonic() + seconds)


local_pages = LocalPages()
