"""The Celery app: every CELERY_* setting (config/settings/base.py, "Celery"), time limits included."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("releaf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def _logging_from_django_settings(**kwargs) -> None:
    """Workers and beat log through settings.LOGGING (its formatter, its levels) instead of
    Celery's own handler: one line format across web and worker processes."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
