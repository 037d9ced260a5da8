"""Writes on orders that Oscar has no single call for: cancelling a pending order and giving
back what it held (stock allocations, the discount code's use, the customer's basket)."""

from django.conf import settings
from django.db.models import F
from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")
ConditionalOffer = get_model("offer", "ConditionalOffer")
OrderNote = get_model("order", "OrderNote")
Voucher = get_model("voucher", "Voucher")
VoucherApplication = get_model("voucher", "VoucherApplication")


def order_release(*, order, note: str) -> None:
    """Cancel a locked (select_for_update) pending order; release its stock, code and basket."""
    for line in order.lines.select_related("stockrecord").order_by("stockrecord_id"):
        if line.stockrecord_id and line.num_allocated and not line.allocation_cancelled:
            line.cancel_allocation(line.num_allocated)
    for discount in order.discounts.all():
        ConditionalOffer.objects.filter(pk=discount.offer_id).update(
            num_applications=F("num_applications") - discount.frequency,
            total_discount=F("total_discount") - discount.amount,
            num_orders=F("num_orders") - 1,
        )
        if discount.voucher_id:
            Voucher.objects.filter(pk=discount.voucher_id).update(
                total_discount=F("total_discount") - discount.amount
            )
    for application in VoucherApplication.objects.filter(order=order):
        Voucher.objects.filter(pk=application.voucher_id).update(num_orders=F("num_orders") - 1)
        application.delete()
    order.set_status(settings.SHOP_ORDER_STATUS_CANCELLED)
    OrderNote.objects.create(order=order, note_type="System", message=note)
    if order.basket_id:
        Basket.objects.filter(pk=order.basket_id, status=Basket.FROZEN).update(status=Basket.OPEN)
