from celery import shared_task

from shop.checkout.services import order_confirmation_send as order_confirmation_send_service
from shop.checkout.services import order_confirmations_catch_up as catch_up_service


@shared_task(
    name="shop.checkout.order_confirmation_send",
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=12,
)
def order_confirmation_send(order_id: int) -> bool:
    """Enqueued on commit once an order is paid; a failed send is retried, never the checkout."""
    return order_confirmation_send_service(order_id=order_id)


@shared_task(name="shop.checkout.order_confirmations_catch_up")
def order_confirmations_catch_up() -> int:
    """Run by beat: confirmations that the broker could not take at payment time. Idempotent."""
    return catch_up_service()
