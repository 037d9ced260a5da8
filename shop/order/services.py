"""Writes on orders that Oscar has no single call for: cancelling a pending order and giving
back what it held (stock allocations, the discount code's use, the customer's basket), and
anonymising a person's orders when they are erased."""

from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Least
from oscar.core.loading import get_model

from shop.order.locking import holdings_lock

BillingAddress = get_model("order", "BillingAddress")
ShippingAddress = get_model("order", "ShippingAddress")
Basket = get_model("basket", "Basket")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")
StockRecord = get_model("partner", "StockRecord")
Voucher = get_model("voucher", "Voucher")
VoucherApplication = get_model("voucher", "VoucherApplication")


def order_release(*, order, note: str) -> None:
    """Cancel a pending order locked with `shop.order.locking.order_lock`; give back its stock,
    its code and its basket, once (a second call on the cancelled order changes nothing)."""
    if order.status != settings.SHOP_ORDER_STATUS_PENDING:
        return
    lines = [
        line
        for line in order.lines.order_by("stockrecord_id")
        if line.stockrecord_id and line.num_allocated and not line.allocation_cancelled
    ]
    discounts = list(order.discounts.all())
    applications = list(VoucherApplication.objects.filter(order=order))
    holdings_lock(
        voucher_ids=[d.voucher_id for d in discounts] + [a.voucher_id for a in applications],
        offer_ids=[d.offer_id for d in discounts],
        stockrecord_ids=[line.stockrecord_id for line in lines],
    )
    for discount in discounts:
        ConditionalOffer.objects.filter(pk=discount.offer_id).update(
            num_applications=F("num_applications") - discount.frequency,
            total_discount=F("total_discount") - discount.amount,
            num_orders=F("num_orders") - 1,
        )
        if discount.voucher_id:
            Voucher.objects.filter(pk=discount.voucher_id).update(
                total_discount=F("total_discount") - discount.amount
            )
    for application in applications:
        Voucher.objects.filter(pk=application.voucher_id).update(num_orders=F("num_orders") - 1)
        application.delete()
    for line in lines:  # Oscar's Line.cancel_allocation, without its own (stock-first) locking
        allocated = Coalesce(F("num_allocated"), 0)
        StockRecord.objects.filter(pk=line.stockrecord_id).update(
            num_allocated=allocated - Least(allocated, line.num_allocated)
        )
        line.num_allocated, line.allocation_cancelled = 0, True
        line.save(update_fields=["num_allocated", "allocation_cancelled"])
    order.set_status(settings.SHOP_ORDER_STATUS_CANCELLED)
    OrderNote.objects.create(order=order, note_type="System", message=note)
    held_elsewhere = (
        Order.objects.filter(basket_id=order.basket_id, status=settings.SHOP_ORDER_STATUS_PENDING)
        .exclude(pk=order.pk)
        .exists()
    )
    if order.basket_id and not held_elsewhere:
        Basket.objects.filter(pk=order.basket_id, status=Basket.FROZEN).update(status=Basket.OPEN)


# What an erased person's orders keep (README, "Security and privacy"): the number, dates, lines,
# prices, discounts, tax, payments and refunds (accounting and tax law), and the state, ZIP code
# and country of the addresses (where sales tax is due). Names, street, city, phone, notes and
# the email go.
ADDRESS_ERASED = {
    "title": "",
    "first_name": "",
    "last_name": "",
    "line1": "",
    "line2": "",
    "line3": "",
    "line4": "",
    "search_text": "",
}


def orders_anonymise(*, email: str) -> int:
    """Strip the person out of the orders placed with `email` (as a guest or by an account with
    that address), keeping what the books need. Returns how many orders were changed."""
    orders = Order.objects.filter(Q(guest_email__iexact=email) | Q(user__email__iexact=email))
    rows = list(orders.values_list("pk", "shipping_address_id", "billing_address_id"))
    if not rows:
        return 0
    shipping = [s for _, s, _ in rows if s]
    billing = [b for _, _, b in rows if b]
    ShippingAddress.objects.filter(pk__in=shipping).update(
        **ADDRESS_ERASED, phone_number="", notes=""
    )
    BillingAddress.objects.filter(pk__in=billing).update(**ADDRESS_ERASED)
    Order.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(guest_email="", user=None)
    return len(rows)
