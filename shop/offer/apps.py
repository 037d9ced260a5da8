"""Fork of oscar.apps.offer: site offers are read from the cache, not the database, on every request."""

import oscar.apps.offer.apps as apps


class OfferConfig(apps.OfferConfig):
    name = "shop.offer"
