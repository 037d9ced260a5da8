"""Overrides oscar.apps.offer.applicator.Applicator: offers without a query per application.

Oscar asks the database for the site offers, the basket's vouchers and their offers every time it
applies offers: in the middleware, again for the basket page's upsell messages, again in checkout.
Site offers change only when staff edit them or an order records its discount, writes that bump
the page cache's data version (shop.pagecache), part of their key; their dates are checked per
call, as Oscar's query does. The basket's vouchers and offers are fetched once per basket object
(adding or removing a voucher drops Django's prefetched list, so it is fetched again). A code's
suspended offers (its Active switch is off) give no discount to baskets that hold it.
"""

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from oscar.apps.offer import applicator
from oscar.core.loading import get_model

from shop.pagecache.selectors import data_version_cached

ConditionalOffer = get_model("offer", "ConditionalOffer")


class Applicator(applicator.Applicator):
    def get_basket_offers(self, basket, user):
        if basket.id and "vouchers" not in getattr(basket, "_prefetched_objects_cache", {}):
            offers = ConditionalOffer.objects.select_related("condition__range", "benefit__range")
            prefetch_related_objects([basket], Prefetch("vouchers__offers", offers))
        # Oscar applies a basket's code offers even when suspended: the code's Active switch
        # (shop.dashboard.vouchers.services.voucher_active_set) suspends them, so leave those out.
        return [o for o in super().get_basket_offers(basket, user) if not o.is_suspended]

    def get_site_offers(self):
        offers = data_version_cached("site_offers", _open_site_offers)
        now = timezone.now()
        return [
            offer
            for offer in offers
            if (offer.start_datetime is None or offer.start_datetime <= now)
            and (offer.end_datetime is None or offer.end_datetime >= now)
        ]


def _open_site_offers() -> list:
    return list(
        ConditionalOffer.objects.filter(
            status=ConditionalOffer.OPEN, offer_type=ConditionalOffer.SITE
        ).select_related("condition__range", "benefit__range")
    )
