from oscar.apps.offer.admin import *  # noqa: F401,F403
