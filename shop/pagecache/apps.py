from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """Pages that are the same for every visitor in the same state, served from the cache."""

    name = "shop.pagecache"
    label = "pagecache"

    def ready(self):
        from shop.pagecache import category_tree, receivers  # noqa: F401

        category_tree.register()
