"""Invalidate the page cache when a row a cached page may show is written (invalidation.py says
which writes make which pages stale)."""

from django.core.signals import setting_changed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from shop.pagecache import pages
from shop.pagecache.invalidation import Stale, stale_on_write
from shop.pagecache.services import page_cache_basket_invalidate, page_cache_invalidate

Basket = get_model("basket", "Basket")


def _written(instance, *, deleted: bool) -> None:
    stale = stale_on_write(type(instance), deleted=deleted)
    if stale is Stale.ALL_PAGES:
        page_cache_invalidate()
    elif stale is Stale.THEIR_BASKETS_PAGES:
        basket_id = instance.pk if isinstance(instance, Basket) else instance.basket_id
        if basket_id:
            page_cache_basket_invalidate(basket_id=basket_id)


@receiver(post_save, dispatch_uid="pagecache-post-save")
def model_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata
        _written(instance, deleted=False)


@receiver(post_delete, dispatch_uid="pagecache-post-delete")
def model_deleted(sender, instance, **kwargs):
    _written(instance, deleted=True)


@receiver(m2m_changed, dispatch_uid="pagecache-m2m")
def relation_written(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    _written(instance, deleted=False)
    if model is Basket and pk_set:  # e.g. voucher.basket_set.add(basket)
        for basket_id in pk_set:
            page_cache_basket_invalidate(basket_id=basket_id)


@receiver(setting_changed, dispatch_uid="pagecache-settings")
def settings_changed(**kwargs):
    # Tests change settings in-process (override_settings): pages rendered before are stale.
    pages.settings_generation += 1
