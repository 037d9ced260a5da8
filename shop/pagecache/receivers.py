"""Invalidate the page cache when a row a cached page may show is written.

Every model counts unless SHOP_PAGE_CACHE_IGNORED_MODELS names it (or its app): the rows that
customers' own requests write (sessions, baskets, orders, ...). Unknown models invalidate, so a
new content model is never served stale. Basket writes make only that basket's pages stale.
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from shop.pagecache import pages
from shop.pagecache.services import page_cache_basket_invalidate, page_cache_invalidate

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")


def _ignored(model) -> bool:
    ignored = settings.SHOP_PAGE_CACHE_IGNORED_MODELS
    meta = model._meta
    return meta.app_label in ignored or meta.label_lower in ignored


def _basket_written(instance) -> None:
    if isinstance(instance, Basket) and instance.pk:
        page_cache_basket_invalidate(basket_id=instance.pk)
    elif isinstance(instance, Line) and instance.basket_id:
        page_cache_basket_invalidate(basket_id=instance.basket_id)


@receiver(post_save, dispatch_uid="pagecache-post-save")
@receiver(post_delete, dispatch_uid="pagecache-post-delete")
def model_written(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    _basket_written(instance)
    if not _ignored(sender):
        page_cache_invalidate()


@receiver(m2m_changed, dispatch_uid="pagecache-m2m")
def relation_written(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    _basket_written(instance)
    if model is Basket and pk_set:  # e.g. voucher.basket_set.add(basket)
        for basket_id in pk_set:
            page_cache_basket_invalidate(basket_id=basket_id)
    if not _ignored(type(instance)):
        page_cache_invalidate()


@receiver(setting_changed, dispatch_uid="pagecache-settings")
def settings_changed(**kwargs):
    # Tests change settings in-process (override_settings): pages rendered before are stale.
    pages.settings_generation += 1
