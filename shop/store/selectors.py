"""Reads for the store: products as their pages need them, and the launch checklist (what a
customer would still see as an example, or what is missing, before the shop opens; the
dashboard home and `manage.py launch_check` show it, and each item goes when fixed)."""

import re
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from oscar.core.loading import get_model

from shop.payment.models import StripeEvent
from shop.store.services import PRIVACY_CONTENT, PRIVACY_URL, SHIPPING_CONTENT, SHIPPING_URL

Option = get_model("catalogue", "Option")
Product = get_model("catalogue", "Product")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

_Products = TypeVar("_Products", bound=QuerySet)


def _with_has_options(products: _Products) -> _Products:
    """Annotations Product.has_options reads instead of querying per product."""
    return products.annotate(
        has_product_class_options=Exists(
            Option.objects.filter(productclass=OuterRef("product_class"))
        ),
        has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
    )


def products_for_detail() -> QuerySet:
    """Products for their own page, with what the page, pricing and basket form read."""
    children = (
        Product.objects.public().select_related("product_class").prefetch_related("stockrecords")
    )
    return (
        _with_has_options(Product.objects.select_related("product_class", "parent__product_class"))
        .prefetch_browsable_categories()
        .prefetch_related(
            # Not the product's own stock records: a parent has none, and a standalone
            # product's pricing reads them with one query either way.
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order")),
            Prefetch("children", queryset=children, to_attr="_prefetched_public_children"),
        )
    )


def browsable_products(*, categories=None) -> QuerySet:
    """Public parent and standalone products, with what the product cards render fetched up front."""
    products = Product.objects.browsable().filter(is_public=True)
    if categories is not None:
        products = products.filter(categories__in=categories).distinct()
    return (
        _with_has_options(products.select_related("product_class"))
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order")),
            "stockrecords",
            Prefetch(  # read by the pricing strategy through Product.get_public_children
                "children",
                queryset=Product.objects.public().prefetch_related("stockrecords"),
                to_attr="_prefetched_public_children",
            ),
        )
        .order_by("title", "pk")
    )


# --- The launch checklist ------------------------------------------------------

# Reserved for examples (RFC 2606), and the example street the store starts with.
EXAMPLE = re.compile(r"(\.example\b|\bexample\.(com|org|net)\b|\bExample Street\b)", re.I)


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    problem: str
    fix: str  # what to do, where
    url: str  # where it is fixed ("" when it is the environment)
    customer_visible: bool  # customers see it: `launch_check` fails in production


def launch_checklist() -> list[ChecklistItem]:
    items: list[ChecklistItem] = []
    if EXAMPLE.search(settings.SHOP_POSTAL_ADDRESS):
        items.append(
            ChecklistItem(
                "postal-address",
                f"The postal address in every page's footer and email is an example "
                f"({settings.SHOP_POSTAL_ADDRESS}).",
                "Set SHOP_POSTAL_ADDRESS in the environment.",
                "",
                True,
            )
        )
    if EXAMPLE.search(settings.DEFAULT_FROM_EMAIL):
        items.append(
            ChecklistItem(
                "sender",
                f"Emails go out from an example sender ({settings.DEFAULT_FROM_EMAIL}).",
                "Set DEFAULT_FROM_EMAIL in the environment to an address you receive.",
                "",
                True,
            )
        )
    key = settings.STRIPE_SECRET_KEY
    if not key or key.startswith(("sk_test_", "rk_test_")):
        items.append(
            ChecklistItem(
                "stripe-keys",
                "Stripe keys are missing: payments go to the local stand-in."
                if not key
                else "Stripe keys are in test mode: no real money is taken.",
                "Set STRIPE_SECRET_KEY (sk_live_…) and STRIPE_WEBHOOK_SECRET in the environment.",
                "https://dashboard.stripe.com/apikeys",
                True,
            )
        )
    if not StripeEvent.objects.exists():
        items.append(
            ChecklistItem(
                "webhook",
                "No Stripe webhook has been received yet: paid orders rely on the return page "
                "and reconciliation, refunds are never confirmed.",
                "Add the endpoint /checkout/stripe/webhook/ in Stripe and send a test event.",
                "https://dashboard.stripe.com/webhooks",
                False,
            )
        )
    starters = {"privacy": PRIVACY_CONTENT, "shipping": SHIPPING_CONTENT}
    for url, name in ((PRIVACY_URL, "privacy"), (SHIPPING_URL, "shipping")):
        page = FlatPage.objects.filter(url=url).first()
        if page is None:
            items.append(
                ChecklistItem(
                    f"{name}-page",
                    f"There is no {name} page ({url}).",
                    f"Create a page with the URL {url}.",
                    reverse("dashboard:page-create"),
                    True,
                )
            )
        elif page.content.strip() == starters[name].strip():
            items.append(
                ChecklistItem(
                    f"{name}-page",
                    f"The {name} page still has the starter text.",
                    "Read it, make it yours (who you are, how to reach you) and save it.",
                    reverse("dashboard:page-update", kwargs={"pk": page.pk}),
                    True,
                )
            )
    items += _product_items()
    if not settings.ADMINS:
        items.append(
            ChecklistItem(
                "alerts",
                "No staff email gets the shop's error alerts.",
                "Set DJANGO_ADMINS in the environment (comma-separated emails).",
                "",
                False,
            )
        )
    return items


def _product_items() -> list[ChecklistItem]:
    ingredients = ProductAttributeValue.objects.filter(
        product=OuterRef("pk"), attribute__code="ingredients"
    ).exclude(Q(value_text="") | Q(value_text__isnull=True))
    products = (
        Product.objects.browsable()
        .annotate(
            has_image=Exists(ProductImage.objects.filter(product=OuterRef("pk"))),
            has_ingredients=Exists(ingredients),
        )
        .order_by("pk")
    )
    items = []
    for product in products:
        missing = [
            what
            for what, present in (
                ("a photo", product.has_image),
                (
                    "ingredients",
                    product.has_ingredients or "ingredients" in product.description.lower(),
                ),
            )
            if not present
        ]
        if missing:
            items.append(
                ChecklistItem(
                    f"product-{product.pk}",
                    f"{product.get_title()} has no {' and no '.join(missing)}.",
                    "Add them on the product's page (Images; an ingredients list in the description).",
                    reverse("dashboard:catalogue-product", kwargs={"pk": product.pk}),
                    True,
                )
            )
    return items


# The product page's "Details", staff-edited as product attributes (Dashboard > Catalogue >
# Products > Attributes); a detail is shown only when it is filled.
PRODUCT_DETAILS = (
    ("ingredients", "Ingredients (INCI)"),
    ("net_weight", "Net weight"),
    ("how_to_use", "How to use"),
    ("warnings", "Warnings"),
)


def product_details(*, product) -> list[tuple[str, list[str]]]:
    """(label, values) for each filled detail, in one query: the product's own values, then its
    sizes' (a net weight per size), each value once."""
    ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
    products = [product, *product.get_public_children()] if product.is_parent else [product]
    values = (
        ProductAttributeValue.objects.filter(
            product__in=products, attribute__code__in=[code for code, _ in PRODUCT_DETAILS]
        )
        .select_related("attribute")
        .order_by("product__title", "pk")
    )
    found: dict[str, list[str]] = {}
    for value in values:
        text = str(value.value or "").strip()
        if text and text not in found.setdefault(value.attribute.code, []):
            found[value.attribute.code].append(text)
    return [(label, found[code]) for code, label in PRODUCT_DETAILS if found.get(code)]
