"""Settings for the Celery worker and beat processes the follow-up tests start.

The test settings, plus: the test process's database (pytest-django's test database), its SMTP
sink, a queue of the test's own, a one-second dispatcher and short timings.
"""

import os

from config.settings.test import *  # noqa: F401,F403
from config.settings.test import CELERY_BROKER_TRANSPORT_OPTIONS, DATABASES

DATABASES["default"]["NAME"] = os.environ["FOLLOWUPS_TEST_DATABASE_NAME"]
EMAIL_BACKEND = "shop.followups.backends.SMTPEmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["FOLLOWUPS_TEST_SMTP_PORT"])
EMAIL_USE_TLS = False
EMAIL_HOST_USER = ""
EMAIL_HOST_PASSWORD = ""
SITE_URL = "https://shop.example.com"

CELERY_TASK_DEFAULT_QUEUE = os.environ["FOLLOWUPS_TEST_QUEUE"]
CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
if CELERY_BROKER_TRANSPORT_OPTIONS:  # the filesystem transport: keep its control files private
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "control_folder": os.path.join(os.environ["FOLLOWUPS_TEST_DIR"], "control"),
    }
CELERY_BEAT_SCHEDULE = {
    "followups-dispatch": {"task": "followups.dispatch", "schedule": 1.0},
}

FOLLOWUPS_SEND_HOURS = [0, 24]
FOLLOWUPS_RETRY_BASE_SECONDS = 1
FOLLOWUPS_LEASE_SECONDS = 5
FOLLOWUPS_MAX_ATTEMPTS = 3
# A test of slow relays shortens these (EMAIL_TIMEOUT stays under the hold tests' waits).
EMAIL_TIMEOUT = float(os.environ.get("FOLLOWUPS_TEST_EMAIL_TIMEOUT", "10"))
FOLLOWUPS_SMTP_FINAL_REPLY_TIMEOUT = float(os.environ.get("FOLLOWUPS_TEST_FINAL_REPLY", "3"))
