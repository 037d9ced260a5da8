from oscar.apps.catalogue.models import *  # noqa: F401,F403
