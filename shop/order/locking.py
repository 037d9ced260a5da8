"""The one order in which checkout writes lock rows, so that no two of them can deadlock:

    Basket -> Order -> Voucher -> ConditionalOffer -> StockRecord   (rows of one model by pk)

Placement (`shop.order.utils.OrderCreator`), payment confirmation, cancel, expiry, the sweep
(`shop.payment.services`) and release (`shop.order.services.order_release`) take their locks
through these functions. Oscar's own order is a trap: its placement locks codes before stock,
while `Line.cancel_allocation` locks the stock record first and the code last, so a cancel and
a placement of the same code and size deadlock under load; never lock these rows another way.

Each of these writes is one short transaction (`checkout_transaction`): a lock held longer than
`LOCK_TIMEOUT` (PostgreSQL) fails it instead of piling up requests, and a deadlock, a
serialization failure or a lost connection is retried once on a fresh connection.
"""

import logging
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import DatabaseError, InterfaceError, connection, transaction
from oscar.core.loading import get_model

Basket = get_model("basket", "Basket")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Voucher = get_model("voucher", "Voucher")

logger = logging.getLogger(__name__)

T = TypeVar("T")

LOCK_TIMEOUT = "5s"
# PostgreSQL's failures that a second try of the same transaction can get past.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


def _retryable(exc: DatabaseError) -> bool:
    sqlstate = getattr(exc.__cause__, "sqlstate", None) or ""
    return (
        sqlstate in RETRYABLE_SQLSTATES
        # the connection is gone: closed under us, terminated (57P0x), a connection error (08)
        or isinstance(exc, InterfaceError)
        or sqlstate.startswith(("08", "57P"))
        or connection.connection is None  # Django dropped it when the rollback failed
    )


def checkout_transaction(write: Callable[[], T], *, name: str) -> T:
    """Run `write()` in its own transaction; once more after a deadlock, a serialization
    failure or a lost connection. Anything else (and a second failure) is raised. Inside an
    outer transaction it is a savepoint and is not retried (the outer one decides)."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return write()
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                return write()
        except DatabaseError as exc:
            retry = attempt == 1 and _retryable(exc)
            logger.warning(
                "Checkout write %s failed%s",
                name,
                ", retrying once" if retry else "",
                extra={"write": name, "attempt": attempt, "error": exc.__class__.__name__},
            )
            connection.close_if_unusable_or_obsolete()
            if not retry:
                raise
    raise AssertionError("unreachable")


def basket_lock(basket_id: int):
    return Basket.objects.select_for_update().get(pk=basket_id)


def order_lock(order_id: int):
    """The order, locked, its basket's row locked first. Call inside a transaction."""
    basket_id = Order.objects.values_list("basket_id", flat=True).get(pk=order_id)
    if basket_id is not None:
        list(Basket.objects.select_for_update().filter(pk=basket_id).values_list("pk"))
    return Order.objects.select_for_update().get(pk=order_id)


def holdings_lock(
    *,
    voucher_ids: Iterable[int | None],
    offer_ids: Iterable[int | None],
    stockrecord_ids: Iterable[int | None],
) -> None:
    """Lock the codes, offers and stock records an order takes or gives back, in the lock order."""
    for model, ids in (
        (Voucher, voucher_ids),
        (ConditionalOffer, offer_ids),
        (StockRecord, stockrecord_ids),
    ):
        ids = sorted({pk for pk in ids if pk is not None})
        if ids:
            list(model.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
