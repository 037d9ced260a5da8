"""shop/pagecache/invalidation.py: every installed model says what its writes make stale."""

from django.apps import apps

from shop.pagecache.invalidation import INVALIDATING, NO_PAGES


def _installed() -> set[str]:
    # Not Oscar's own test models (oscar.test.models: importing oscar.test.factories registers
    # them under the app "oscar"), which the site never has.
    return {
        model._meta.label_lower
        for model in apps.get_models()
        if not model.__module__.startswith("oscar.test.")
    }


def test_every_installed_model_is_in_exactly_one_list():
    installed = _installed()
    unlisted = installed - INVALIDATING.keys() - NO_PAGES
    assert not unlisted, f"add each to INVALIDATING or NO_PAGES in invalidation.py: {unlisted}"
    assert not INVALIDATING.keys() & NO_PAGES


def test_the_lists_name_only_installed_models():
    assert (INVALIDATING.keys() | NO_PAGES) - _installed() == set()
