from oscar.apps.catalogue.admin import *  # noqa: F401,F403
