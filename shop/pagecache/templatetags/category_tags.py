"""Overrides oscar.templatetags.category_tags: `category_tree` is read from the cache.

Oscar reads the category tree with two queries on every page (the navigation) and two more on
catalogue pages. Categories change only when staff edit them, which bumps the page cache's
version (receivers.py) and so the key below. Registered in TEMPLATES' "libraries".
"""

from django import template
from django.conf import settings
from django.core.cache import cache
from oscar.templatetags import category_tags as oscar_category_tags

from shop.pagecache.selectors import page_cache_version

register = template.Library()
register.tags.update(oscar_category_tags.register.tags)
register.filters.update(oscar_category_tags.register.filters)


@register.simple_tag(name="category_tree")
def get_annotated_list(depth=None, parent=None):
    key = f"pagecache:{page_cache_version()}:category_tree:{depth}:{parent.pk if parent else ''}"
    tree = cache.get(key)
    if tree is None:
        tree = oscar_category_tags.get_annotated_list(depth=depth, parent=parent)
        cache.set(key, tree, settings.SHOP_PAGE_CACHE_SECONDS or 60)
    return tree
