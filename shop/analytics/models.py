from oscar.apps.analytics.models import *  # noqa: F401,F403
