"""shop/pagecache/local.py: a process serves the pages it holds without asking the cache, for
SHOP_PAGE_CACHE_LOCAL_SECONDS, and sees another process's edit after that."""

import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from shop.pagecache.local import local_pages
from shop.pagecache.services import VERSION_KEY
from tests.helpers.pagecache import add_four_oz, browser_cookies_only


@pytest.fixture
def cache_asked(monkeypatch):
    """How many times the page cache asked the cache for a page and its versions."""
    asked = []
    get_many = cache.get_many

    def counted(keys, *args, **kwargs):
        asked.append(keys)
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    return asked


class Clock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(local_pages, "clock", clock)
    return clock


def _edited_in_another_process():
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)  # what its invalidation does


def test_a_page_this_process_holds_is_served_without_asking_the_cache(store, cache_asked):
    url = store.get_absolute_url()
    page = Client().get(url).content
    asked = len(cache_asked)
    assert (
        Client().get(url).content.split(b"csrfmiddlewaretoken")[0]
        == page.split(b"csrfmiddlewaretoken")[0]
    )
    assert len(cache_asked) == asked


def test_another_processs_edit_shows_once_the_local_seconds_are_over(
    store, settings, cache_asked, clock
):
    settings.SHOP_PAGE_CACHE_LOCAL_SECONDS = 0.5
    url = store.get_absolute_url()
    Client().get(url)
    Client().get(url)
    asked = len(cache_asked)
    _edited_in_another_process()
    clock.now += 0.25
    Client().get(url)  # still trusted: the version was read less than 0.5 s ago
    assert len(cache_asked) == asked
    clock.now += 0.25
    Client().get(url)
    assert len(cache_asked) == asked + 1  # asked, found the new version: rendered and stored
    Client().get(url)
    assert len(cache_asked) == asked + 1


def test_an_edit_in_this_process_shows_at_once(store, cache_asked):
    url = store.get_absolute_url()
    Client().get(url)
    record = store.children.get(upc="RELEAF-4OZ").stockrecords.get()
    record.price = "61.50"
    record.save()
    assert b"61.50" in Client().get(url).content


def test_a_baskets_pages_always_ask_the_cache(client, store, cache_asked):
    add_four_oz(client, store)
    client.get("/basket/")  # shows the message
    browser = browser_cookies_only(client)
    browser.get("/basket/")
    asked = len(cache_asked)
    assert b"Infused ReLeaf massage cream, 4 oz" in browser.get("/basket/").content
    browser.get("/basket/")
    assert len(cache_asked) == asked + 2
