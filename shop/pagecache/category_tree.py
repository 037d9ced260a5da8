"""Overrides Oscar's `category_tree` template tag (oscar.templatetags.category_tags): cached.

Oscar reads the category tree with two queries on every page (the navigation) and two more on
catalogue pages. Categories change only when staff edit them, which bumps the page cache's
version (receivers.py) and so the key below. PageCacheConfig.ready() registers this function
under Oscar's tag name in Oscar's own library, so `{% load category_tags %}` is unchanged.
"""

from oscar.templatetags import category_tags

from shop.pagecache.selectors import data_version_cached


def category_tree(depth=None, parent=None):
    return data_version_cached(
        f"category_tree:{depth}:{parent.pk if parent else ''}",
        lambda: category_tags.get_annotated_list(depth=depth, parent=parent),
    )


def register() -> None:
    category_tags.register.simple_tag(category_tree, name="category_tree")
