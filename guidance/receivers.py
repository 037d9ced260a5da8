"""Counts orders that came from a self-check result (Oscar's order and checkout signals); keeps
an erased result's page out of the page cache."""

from django.db.models.signals import post_delete
from django.dispatch import receiver
from oscar.apps.checkout.signals import post_checkout
from oscar.apps.order.signals import order_placed

from guidance.models import Result
from guidance.services import funnel_order_attribute
from guidance.session import RESULT_TOKEN_KEY
from shop.pagecache.services import page_cache_invalidate


@receiver(order_placed, dispatch_uid="guidance-order-placed")
def attribute_placed_order(sender, order, user=None, **kwargs):
    # No request here (it may come from a payment webhook): match by account or email.
    funnel_order_attribute(order_number=order.number, email=order.email or "", user=order.user)


@receiver(post_checkout, dispatch_uid="guidance-post-checkout")
def attribute_checkout(sender, order, user=None, request=None, **kwargs):
    token = request.session.get(RESULT_TOKEN_KEY, "") if request is not None else ""
    funnel_order_attribute(
        order_number=order.number, email=order.email or "", user=order.user, result_token=token
    )


@receiver(post_delete, sender=Result, dispatch_uid="guidance-result-deleted")
def forget_result_page(sender, instance, **kwargs):
    # Results are written by customers, so saving one leaves cached pages alone; but the page
    # cache may hold this result's page (by its token), which must not outlive an erasure.
    page_cache_invalidate()
