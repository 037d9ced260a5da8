from celery import shared_task

from guidance.services import results_purge_expired


@shared_task(name="guidance.purge_expired_results")
def purge_expired_results() -> int:
    """Run by beat (CELERY_BEAT_SCHEDULE); deleting what is already gone is a no-op."""
    return results_purge_expired()
