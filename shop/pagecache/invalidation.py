"""Which writes make cached pages stale: every installed model is in exactly one of the lists below.

ALL_PAGES bumps the data version, in every shared page's key and every value kept by
selectors.data_version_cached (the category tree): staff edit what anonymous pages show.
THEIR_BASKETS_PAGES bumps the version of the one basket written, in the key of that basket's
visitor's pages. ALL_PAGES_ON_DELETE: rows customers write, which no shared page shows until they
are saved, but whose page (a result, by its token) must not outlive their erasure. NO_PAGES: rows
written by customers' own requests, logs and staff bookkeeping, which no cached page shows.

A model in no list (a new app, a new model) invalidates every page, and
tests/shop/pagecache/test_invalidation.py fails until it is listed.
"""

from enum import Enum


class Stale(Enum):
    ALL_PAGES = "all pages"
    ALL_PAGES_ON_DELETE = "all pages, when a row is deleted"
    THEIR_BASKETS_PAGES = "the pages of the basket written"


INVALIDATING: dict[str, Stale] = {
    **dict.fromkeys(
        [
            "sites.site",
            "flatpages.flatpage",
            "address.country",
            "shipping.orderanditemcharges",
            "shipping.weightbased",
            "shipping.weightband",
            "catalogue.productclass",
            "catalogue.category",
            "catalogue.productcategory",
            "catalogue.product",
            "catalogue.productrecommendation",
            "catalogue.productattribute",
            "catalogue.productattributevalue",
            "catalogue.attributeoptiongroup",
            "catalogue.attributeoption",
            "catalogue.option",
            "catalogue.productimage",
            "catalogue.productcategoryhierarchy",
            "reviews.productreview",
            "reviews.vote",
            "partner.partner",
            "partner.partneraddress",
            "partner.stockrecord",
            "offer.range",
            "offer.condition",
            "offer.benefit",
            "offer.conditionaloffer",
            "offer.rangeproduct",
            "offer.countcondition",
            "offer.coveragecondition",
            "offer.valuecondition",
            "offer.percentagediscountbenefit",
            "offer.absolutediscountbenefit",
            "offer.fixedunitdiscountbenefit",
            "offer.fixedpricebenefit",
            "offer.multibuydiscountbenefit",
            "offer.shippingbenefit",
            "offer.shippingabsolutediscountbenefit",
            "offer.shippingfixedpricebenefit",
            "offer.shippingpercentagediscountbenefit",
            "voucher.voucher",
            "voucher.voucherset",
            "guidance.technique",
            "guidance.guidancetext",
        ],
        Stale.ALL_PAGES,
    ),
    "guidance.result": Stale.ALL_PAGES_ON_DELETE,
    "basket.basket": Stale.THEIR_BASKETS_PAGES,
    "basket.line": Stale.THEIR_BASKETS_PAGES,
}

NO_PAGES: set[str] = {
    "admin.logentry",
    "auth.permission",
    "auth.group",
    "auth.user",
    "contenttypes.contenttype",
    "sessions.session",
    "axes.accessfailurelog",
    "axes.accessattempt",
    "axes.accessattemptexpiration",
    "axes.accesslog",
    "analytics.productrecord",
    "analytics.userrecord",
    "analytics.userproductview",
    "analytics.usersearch",
    "address.useraddress",
    "communication.email",
    "communication.communicationeventtype",
    "communication.notification",
    "basket.lineattribute",  # written with its line, which bumps the basket's version
    "partner.stockalert",  # written with the stock record, which bumps the data version
    "offer.rangeproductfileupload",  # the upload's log; its products are range products
    "payment.checkoutattempt",
    "payment.stripeevent",
    "payment.staffrefund",
    "payment.transaction",
    "payment.source",
    "payment.sourcetype",
    "payment.bankcard",
    "order.paymenteventquantity",
    "order.order",
    "order.ordernote",
    "order.orderstatuschange",
    "order.communicationevent",
    "order.shippingaddress",
    "order.billingaddress",
    "order.line",
    "order.lineprice",
    "order.lineattribute",
    "order.shippingevent",
    "order.shippingeventquantity",
    "order.shippingeventtype",
    "order.paymentevent",
    "order.paymenteventtype",
    "order.orderdiscount",
    "order.orderlinediscount",
    "order.surcharge",
    "customer.productalert",
    "voucher.voucherapplication",
    "wishlists.wishlist",
    "wishlists.line",
    "wishlists.wishlistsharedemail",
    "thumbnail.kvstore",
    "followups.contact",
    "followups.plannedemail",
    "followups.shipment",
    "followups.emailcontent",
    "guidance.routinerequest",
    "guidance.funnelevent",
}


def stale_on_write(model, *, deleted: bool) -> Stale | None:
    """What a write to a row of `model` makes stale (None: nothing); an unlisted model, all."""
    label = model._meta.label_lower
    if label in NO_PAGES:
        return None
    stale = INVALIDATING.get(label, Stale.ALL_PAGES)
    if stale is Stale.ALL_PAGES_ON_DELETE:
        return Stale.ALL_PAGES if deleted else None
    return stale
