from oscar.apps.basket.models import *  # noqa: F401,F403
