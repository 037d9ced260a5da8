"""Fork of oscar.apps.basket: codes are whitespace/case-insensitive and rate-limited, /code/<CODE>/ waits for a line."""

import oscar.apps.basket.apps as apps


class BasketConfig(apps.BasketConfig):
    name = "shop.basket"
