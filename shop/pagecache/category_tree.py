"""Overrides Oscar's `category_tree` template tag (oscar.templatetags.category_tags): cached.

Oscar reads the category tree with two queries on every page (the navigation) and two more on
catalogue pages. Categories change only when staff edit them, which bumps the page cache's
version (receivers.py) and so the key below. PageCacheConfig.ready() registers this function
under Oscar's tag name in Oscar's own library, so `{% load category_tags %}` is unchanged.
"""

from django.conf import settings
from django.core.cache import cache
from oscar.templatetags import category_tags

from shop.pagecache.selectors import page_cache_version


def category_tree(depth=None, parent=None):
    key = f"pagecache:{page_cache_version()}:category_tree:{depth}:{parent.pk if parent else ''}"
    tree = cache.get(key)
    if tree is None:
        tree = category_tags.get_annotated_list(depth=depth, parent=parent)
        cache.set(key, tree, settings.SHOP_PAGE_CACHE_SECONDS or 60)
    return tree


def register() -> None:
    category_tags.register.simple_tag(category_tree, name="category_tree")
