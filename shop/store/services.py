"""Loads the store: site, country, partner, the cream in two sizes with its details, shipping,
GETINFUSED, the privacy and the shipping-and-returns pages, the order confirmation email's row.

Idempotent: each object is created when missing and otherwise left as staff last edited it,
so running it again never resets prices, stock or copy.
"""

import datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from oscar.apps.catalogue.abstract_models import AbstractProduct
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model

Benefit = get_model("offer", "Benefit")
Category = get_model("catalogue", "Category")
CommunicationEventType = get_model("communication", "CommunicationEventType")
Condition = get_model("offer", "Condition")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Country = get_model("address", "Country")
OrderAndItemCharges = get_model("shipping", "OrderAndItemCharges")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
Range = get_model("offer", "Range")
StockRecord = get_model("partner", "StockRecord")
Voucher = get_model("voucher", "Voucher")

PRODUCT_IMAGE = Path(__file__).parent / "data" / "infused-releaf.png"
CATEGORY_PATH = "Massage cream"
PRODUCT_SLUG = "infused-releaf"
VOUCHER_CODE = "GETINFUSED"
PRIVACY_URL = "/privacy/"  # linked from every page's footer
SHIPPING_URL = "/shipping-returns/"  # linked from the footer, the product page and checkout

# A starting text for staff to check and edit in the dashboard (Content > Pages).
SHIPPING_CONTENT = """\
<h2>Where we ship</h2>
<p>We ship to addresses in the 50 US states and the District of Columbia. We don't ship to US
territories, military (APO/FPO/DPO) addresses or other countries yet.</p>
<h2>How long and how much</h2>
<p>Standard shipping takes 3 to 5 business days and costs $5.95. It is free when your products
come to $50 or more, counted before any discount code, so a code never adds shipping. You get an
email with the tracking link when your order ships.</p>
<h2>Returns</h2>
<p>If a jar arrives damaged or isn't what you ordered, write to us within 30 days at the address
at the bottom of every page, or reply to your order email, and we'll make it right: a replacement
or your money back to your card.</p>"""

# The product page's "Details" (shop.store.selectors.PRODUCT_DETAILS), editable per product.
DETAIL_ATTRIBUTES = [
    ("ingredients", "Ingredients (INCI)"),
    ("net_weight", "Net weight"),
    ("how_to_use", "How to use"),
    ("warnings", "Warnings"),
]
HOW_TO_USE = (
    "Warm a small amount between your palms, work one foot at a time, and stay longer on the "
    "spots that feel tight. A tingle is normal; ease off if anything hurts."
)
WARNINGS = (
    "For external use on intact skin. If you have diabetes, numbness in your feet or an injury, "
    "check with your clinician before massaging."
)
NET_WEIGHTS = {"RELEAF-2OZ": "2 oz (57 g)", "RELEAF-4OZ": "4 oz (113 g)"}

PRIVACY_CONTENT = """\
<p>Your answers to the self-check are about your body, so we keep what we collect small and
never share it with advertisers. This shop loads nothing from other companies: no analytics, no
trackers, no ads, no web fonts.</p>
<h2>What we keep</h2>
<ul>
<li><strong>Self-check answers</strong> and the routine made from them, reachable only through the
private link on your result page.</li>
<li><strong>Your email address</strong>, only if you ask us to email your routine or tips, or when
you place an order. Follow-up tips are sent only if you tick the box for them; every email has a
one-click unsubscribe link.</li>
<li><strong>Orders</strong>: name, shipping address and what you bought, to ship it and to keep the
records the law asks of a shop.</li>
</ul>
<h2>Payments</h2>
<p>Card details go straight to our payment provider, Stripe, on its own page. We never see or
store your card number.</p>
<h2>Cookies</h2>
<p>Only the ones the shop needs to work: your cart, your session and a security token for forms.</p>
<h2>Questions or deletion</h2>
<p>Write to us at the postal address at the bottom of every page, or reply to any email we sent
you, and we will tell you what we hold about you or delete it.</p>"""

PRODUCT_DESCRIPTION = """\
<p>Infused ReLeaf is the massage cream our practitioner uses for the foot routine in the
self-check. It lets your hands glide over the arch, heel and Achilles without dragging the skin,
and it protects your thumbs: you can lean in with your body weight while your hands stay relaxed.</p>
<p>Warm a small amount between your palms, work one foot at a time, and stay longer on the spots
that feel tight. A tingle is normal; ease off if anything hurts.</p>
<p>For external use on intact skin. If you have diabetes, numbness in your feet or an injury,
check with your clinician before massaging.</p>"""

SIZES = [
    # (title suffix, UPC / SKU, price, opening stock)
    ("2 oz", "RELEAF-2OZ", Decimal("34.00"), 200),
    ("4 oz", "RELEAF-4OZ", Decimal("58.00"), 200),
]


@transaction.atomic
def store_setup() -> AbstractProduct:
    """Create whatever of the store is missing; return the cream's parent product."""
    _site_setup()
    country = _country_setup()
    partner, _ = Partner.objects.get_or_create(code="releaf", defaults={"name": "ReLeaf"})
    product = _product_setup(partner)
    _shipping_setup(country)
    _voucher_setup()
    _privacy_page_setup()
    _order_email_setup()
    _shipping_page_setup()
    return product


def _order_email_setup() -> None:
    """The order confirmation's row, so the dashboard's Emails menu reaches its template
    before the first order (shop.checkout creates it the same way when it sends)."""
    CommunicationEventType.objects.get_or_create(
        code="ORDER_PLACED",
        defaults={"name": "Order placed", "category": CommunicationEventType.ORDER_RELATED},
    )


def _site_setup() -> None:
    domain = urlsplit(settings.SITE_URL).netloc
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": "ReLeaf"}
    )


def _country_setup():
    country, _ = Country.objects.get_or_create(
        iso_3166_1_a2="US",
        defaults={
            "iso_3166_1_a3": "USA",
            "iso_3166_1_numeric": "840",
            "printable_name": "United States",
            "name": "United States of America",
            "display_order": 1,
            "is_shipping_country": True,
        },
    )
    return country


def _product_setup(partner) -> AbstractProduct:
    product_class, _ = ProductClass.objects.get_or_create(
        slug="massage-cream",
        defaults={"name": "Massage cream", "requires_shipping": True, "track_stock": True},
    )
    attributes = _detail_attributes_setup(product_class)
    category = create_from_breadcrumbs(CATEGORY_PATH)
    parent, created = Product.objects.get_or_create(
        slug=PRODUCT_SLUG,
        defaults={
            "structure": Product.PARENT,
            "title": "Infused ReLeaf massage cream",
            "product_class": product_class,
            "description": PRODUCT_DESCRIPTION,
            "meta_description": "A massage cream for the ReLeaf foot routine: "
            "helps your hands glide and protects your thumbs.",
        },
    )
    if created:
        # Ingredients stay empty (hidden) until staff enter the real INCI list.
        _attribute_value_set(parent, attributes["how_to_use"], HOW_TO_USE)
        _attribute_value_set(parent, attributes["warnings"], WARNINGS)
        ProductCategory.objects.create(product=parent, category=category)
        with PRODUCT_IMAGE.open("rb") as image:
            ProductImage.objects.create(
                product=parent,
                original=File(image, name=PRODUCT_IMAGE.name),
                caption="A jar of Infused ReLeaf massage cream",
                display_order=0,
            )
    for size, sku, price, stock in SIZES:
        child, child_created = Product.objects.get_or_create(
            upc=sku,
            defaults={
                "structure": Product.CHILD,
                "parent": parent,
                "title": f"Infused ReLeaf massage cream, {size}",
                "slug": f"{PRODUCT_SLUG}-{size.replace(' ', '')}",
            },
        )
        if child_created and sku in NET_WEIGHTS:
            _attribute_value_set(child, attributes["net_weight"], NET_WEIGHTS[sku])
        StockRecord.objects.get_or_create(
            product=child,
            partner=partner,
            defaults={
                "partner_sku": sku,
                "price_currency": settings.OSCAR_DEFAULT_CURRENCY,
                "price": price,
                "num_in_stock": stock,
            },
        )
    return parent


def _shipping_setup(country) -> None:
    standard, created = OrderAndItemCharges.objects.get_or_create(
        code="standard",
        defaults={
            "name": "Standard shipping",
            "description": "3 to 5 business days. Free when your products come to $50 or more.",
            "price_per_order": Decimal("5.95"),
            "price_per_item": Decimal("0.00"),
            "free_shipping_threshold": Decimal("50.00"),
        },
    )
    if created:
        standard.countries.add(country)


def _voucher_setup() -> None:
    if Voucher.objects.filter(code=VOUCHER_CODE).exists():
        return
    everything, _ = Range.objects.get_or_create(
        name="Everything in the shop", defaults={"includes_all_products": True}
    )
    offer = ConditionalOffer.objects.create(
        name=f"{VOUCHER_CODE}: $12 off",
        description="$12 off the products in the order, once per customer.",
        offer_type=ConditionalOffer.VOUCHER,
        condition=Condition.objects.create(range=everything, type=Condition.COUNT, value=1),
        benefit=Benefit.objects.create(
            range=everything, type=Benefit.FIXED, value=Decimal("12.00")
        ),
    )
    voucher = Voucher.objects.create(
        name=VOUCHER_CODE,
        code=VOUCHER_CODE,
        usage=Voucher.ONCE_PER_CUSTOMER,
        start_datetime=timezone.now() - datetime.timedelta(days=1),
        end_datetime=timezone.now() + datetime.timedelta(days=365 * 10),
    )
    voucher.offers.add(offer)


def _privacy_page_setup() -> None:
    if FlatPage.objects.filter(url=PRIVACY_URL).exists():
        return  # staff edit it in the dashboard (Content > Pages)
    page = FlatPage.objects.create(url=PRIVACY_URL, title="Privacy", content=PRIVACY_CONTENT)
    page.sites.add(Site.objects.get(pk=settings.SITE_ID))


def _detail_attributes_setup(product_class) -> dict:
    attributes = {}
    for code, name in DETAIL_ATTRIBUTES:
        attributes[code], _ = ProductAttribute.objects.get_or_create(
            product_class=product_class,
            code=code,
            defaults={"name": name, "type": ProductAttribute.TEXT, "required": False},
        )
    return attributes


def _attribute_value_set(product, attribute, text: str) -> None:
    ProductAttributeValue.objects.get_or_create(
        product=product, attribute=attribute, defaults={"value_text": text}
    )


def _shipping_page_setup() -> None:
    if FlatPage.objects.filter(url=SHIPPING_URL).exists():
        return  # staff edit it in the dashboard (Content > Pages)
    page = FlatPage.objects.create(
        url=SHIPPING_URL, title="Shipping and returns", content=SHIPPING_CONTENT
    )
    page.sites.add(Site.objects.get(pk=settings.SITE_ID))
