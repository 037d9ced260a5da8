"""Reads for the dashboard's refund pages."""

from dataclasses import dataclass
from decimal import Decimal

from shop.payment.models import StaffRefund


@dataclass(frozen=True)
class RefundSummary:
    currency: str
    paid: Decimal
    refunded: Decimal  # confirmed by Stripe's charge.refunded
    outstanding: Decimal  # sent by staff, not confirmed yet
    refundable: Decimal
    refunds: list[StaffRefund]

    def after(self, amount: Decimal) -> Decimal:
        """What stays paid once `amount` more is refunded."""
        return self.paid - self.refunded - self.outstanding - amount


def order_refund_summary(*, order) -> RefundSummary | None:
    """The order's Stripe payment and its refunds; None when Stripe took no payment."""
    source = next((s for s in order.sources.all() if s.source_type.code == "stripe"), None)
    if source is None:
        return None
    refunds = list(StaffRefund.objects.filter(order=order).order_by("pk"))
    outstanding = sum(
        (r.amount for r in refunds if r.status in (StaffRefund.REQUESTED, StaffRefund.SENT)),
        Decimal("0.00"),
    )
    refundable = max(source.amount_debited - source.amount_refunded - outstanding, Decimal("0.00"))
    return RefundSummary(
        currency=source.currency,
        paid=source.amount_debited,
        refunded=source.amount_refunded,
        outstanding=outstanding,
        refundable=refundable,
        refunds=refunds,
    )
