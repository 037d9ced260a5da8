"""Overrides Oscar's OrderCreator and OrderNumberGenerator: placement is race-safe. The basket
is locked and frozen in the order's own transaction (a failed placement leaves it open), codes
are locked and re-checked (a code that ended mid-request, or that this email already used, stops
the order instead of keeping its discount), offer/voucher counters are F() updates, and stock is
locked and checked before it is allocated, all in the lock order of shop.order.locking. Order
numbers stay unique when one basket is placed again after a cancelled payment (Oscar #4246)."""

from django.conf import settings
from django.db import transaction
from django.db.models import F
from oscar.apps.order import utils as oscar_utils
from oscar.core.loading import get_model

from shop.order.locking import basket_lock, holdings_lock
from shop.voucher.selectors import voucher_used_by_email

Basket = get_model("basket", "Basket")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Voucher = get_model("voucher", "Voucher")
VoucherApplication = get_model("voucher", "VoucherApplication")


class CodeUnavailable(ValueError):
    """A discount code in the basket can no longer be used for this order."""


class InsufficientStock(ValueError):
    """Fewer items are left than the basket asks for."""


class BasketNotOpen(Exception):
    """The basket is being paid for already (another click, another tab) or was bought.
    `order` is its pending order, if it has one."""

    def __init__(self, order=None):
        super().__init__(order.number if order else "basket is not open")
        self.order = order


class OrderNumberGenerator(oscar_utils.OrderNumberGenerator):
    def order_number(self, basket):
        """100000 + the basket's id (Oscar's), then "-2", "-3"... for the same basket placed
        again after a cancelled payment. Call with the basket locked."""
        first = str(super().order_number(basket))
        number, n = first, 1
        while Order.objects.filter(number=number).exists():
            n += 1
            number = f"{first}-{n}"
        return number


class OrderCreator(oscar_utils.OrderCreator):
    def place_order(self, basket, total, shipping_method, shipping_charge, user=None, **kwargs):
        """Freeze the basket and place its order, or raise BasketNotOpen. The order number is
        made here, under the basket's lock (a number passed in is ignored)."""
        with transaction.atomic():
            if basket_lock(basket.pk).status != Basket.OPEN:
                raise BasketNotOpen(
                    Order.objects.filter(
                        basket_id=basket.pk, status=settings.SHOP_ORDER_STATUS_PENDING
                    ).last()
                )
            kwargs["order_number"] = OrderNumberGenerator().order_number(basket)
            Basket.objects.filter(pk=basket.pk).update(status=Basket.FROZEN)
            holdings_lock(
                voucher_ids=basket.vouchers.values_list("pk", flat=True),
                offer_ids=[application["offer"].pk for application in basket.offer_applications],
                stockrecord_ids=[line.stockrecord_id for line in basket.all_lines()],
            )
            email = kwargs.get("guest_email") or (
                user.email if getattr(user, "is_authenticated", False) else ""
            )
            # The codes are locked until commit: two orders by one customer cannot both use one.
            for voucher in basket.vouchers.order_by("pk"):
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
        record = StockRecord.objects.get(pk=line.stockrecord_id)  # locked by place_order
        if record.net_stock_level < line.quantity:
            raise InsufficientStock(line.product.get_title())
        record.allocate(line.quantity)
        line.stockrecord = record
