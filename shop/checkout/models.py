from oscar.apps.checkout.models import *  # noqa: F401,F403
