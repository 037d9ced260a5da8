"""Overrides Oscar's OrderCreator: placement is race-safe. Codes are locked and re-checked (a
code that ended mid-request, or that this email already used, stops the order instead of keeping
its discount), offer/voucher counters are F() updates, and stock is locked and checked before it
is allocated, so concurrent buyers can neither lose counts nor oversell."""

from django.db import transaction
from django.db.models import F
from oscar.apps.order import utils as oscar_utils
from oscar.core.loading import get_model

from shop.voucher.selectors import voucher_used_by_email

ConditionalOffer = get_model("offer", "ConditionalOffer")
StockRecord = get_model("partner", "StockRecord")
Voucher = get_model("voucher", "Voucher")
VoucherApplication = get_model("voucher", "VoucherApplication")


class CodeUnavailable(ValueError):
    """A discount code in the basket can no longer be used for this order."""


class InsufficientStock(ValueError):
    """Fewer items are left than the basket asks for."""


class OrderCreator(oscar_utils.OrderCreator):
    def place_order(self, basket, total, shipping_method, shipping_charge, user=None, **kwargs):
        with transaction.atomic():
            email = kwargs.get("guest_email") or (
                user.email if getattr(user, "is_authenticated", False) else ""
            )
            # Locks the codes until commit: two orders by one customer cannot both use one.
            for voucher in basket.vouchers.select_for_update().order_by("pk"):
                available, _ = voucher.is_available_to_user(user=user)
                if (
                    not voucher.is_active()
                    or not available
                    or voucher_used_by_email(voucher=voucher, email=email)
                ):
                    basket.vouchers.remove(voucher)
                    raise CodeUnavailable(voucher.code)
            return super().place_order(
                basket, total, shipping_method, shipping_charge, user=user, **kwargs
            )

    def record_discount(self, discount):
        ConditionalOffer.objects.filter(pk=discount["offer"].pk).update(
            num_applications=F("num_applications") + discount["freq"],
            total_discount=F("total_discount") + discount["discount"],
            num_orders=F("num_orders") + 1,
        )
        if discount.get("voucher"):
            Voucher.objects.filter(pk=discount["voucher"].pk).update(
                total_discount=F("total_discount") + discount["discount"]
            )

    def record_voucher_usage(self, order, voucher, user):
        VoucherApplication.objects.create(
            voucher=voucher, order=order, user=user if user and user.is_authenticated else None
        )
        Voucher.objects.filter(pk=voucher.pk).update(num_orders=F("num_orders") + 1)

    def update_stock_records(self, line):
        if not line.product.get_product_class().track_stock:
            return
        record = StockRecord.objects.select_for_update().get(pk=line.stockrecord_id)
        if record.net_stock_level < line.quantity:
            raise InsufficientStock(line.product.get_title())
        record.allocate(line.quantity)
        line.stockrecord = record
