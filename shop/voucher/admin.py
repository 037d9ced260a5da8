from oscar.apps.voucher.admin import *  # noqa: F401,F403
