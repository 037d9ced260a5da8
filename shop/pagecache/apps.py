from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """Anonymous pages that are the same for every first-time visitor, served from the cache."""

    name = "shop.pagecache"
    label = "pagecache"

    def ready(self):
        from shop.pagecache import receivers  # noqa: F401
