from celery import shared_task

from shop.payment.services import payments_reconcile


@shared_task(name="shop.payment.reconcile")
def reconcile_payments() -> int:
    """Run by beat: finish or cancel pending orders whose webhook never came. Idempotent."""
    return payments_reconcile()
