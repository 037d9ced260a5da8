"""shop/pagecache/invalidation.py: every installed model says what its writes make stale."""

from django.apps import apps

from shop.pagecache.invalidation import INVALIDATING, NO_PAGES


def test_every_installed_model_is_in_exactly_one_list():
    installed = {model._meta.label_lower for model in apps.get_models()}
    unlisted = installed - INVALIDATING.keys() - NO_PAGES
    assert not unlisted, f"add each to INVALIDATING or NO_PAGES in invalidation.py: {unlisted}"
    assert not INVALIDATING.keys() & NO_PAGES


def test_the_lists_name_only_installed_models():
    installed = {model._meta.label_lower for model in apps.get_models()}
    assert (INVALIDATING.keys() | NO_PAGES) - installed == set()
