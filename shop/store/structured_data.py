"""schema.org JSON-LD for search engines: Product with an Offer per size and BreadcrumbList on
the product page, Organization on the home page. Built from what the page already fetched."""

import json

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

SCHEMA = "https://schema.org"
IN_STOCK, OUT_OF_STOCK = f"{SCHEMA}/InStock", f"{SCHEMA}/OutOfStock"


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


def as_script(*items: dict) -> SafeString:
    """`<script type="application/ld+json">` blocks; <, > and & escaped as Django's json_script
    does, so text typed by staff cannot close the script element."""
    blocks = []
    for item in items:
        text = json.dumps({"@context": SCHEMA, **item}, ensure_ascii=False)
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        blocks.append(f'<script type="application/ld+json">{text}</script>')
    return mark_safe("\n".join(blocks))  # noqa: S308  (escaped above)


def product_image_url(product) -> str:
    """The product's first photo as an absolute URL, or "" without one."""
    images = list(product.get_all_images())
    return absolute(images[0].original.url) if images and images[0].original else ""


def product_data(*, product, strategy) -> dict:
    """Product with one Offer per public size (or one for a standalone product)."""
    sizes = product.get_public_children() if product.is_parent else [product]
    sizes = sorted(sizes, key=lambda size: size.get_title())  # as the page lists them
    offers = []
    for size in sizes:
        info = strategy.fetch_for_product(size)
        if info.price.exists:
            offers.append(
                {
                    "@type": "Offer",
                    "name": size.get_title(),
                    "sku": info.stockrecord.partner_sku if info.stockrecord else size.upc,
                    "price": f"{info.price.incl_tax:.2f}",
                    "priceCurrency": info.price.currency,
                    "availability": IN_STOCK
                    if info.availability.is_available_to_buy
                    else OUT_OF_STOCK,
                    "itemCondition": f"{SCHEMA}/NewCondition",
                    "url": absolute(product.get_absolute_url()),
                }
            )
    data = {
        "@type": "Product",
        "name": product.get_title(),
        "description": strip_tags(product.meta_description or product.description).strip(),
        "brand": {"@type": "Brand", "name": settings.OSCAR_SHOP_NAME},
        "url": absolute(product.get_absolute_url()),
        "offers": offers,
    }
    if image := product_image_url(product):
        data["image"] = [image]
    return data


def breadcrumb_data(*, product) -> dict:
    """Home > the product's category path > the product."""
    trail = [("Home", "/")]
    category = next(iter(product.get_categories()), None)
    if category is not None:
        trail += [(c.name, c.get_absolute_url()) for c in category.get_ancestors_and_self()]
    trail.append((product.get_title(), product.get_absolute_url()))
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute(url)}
            for n, (name, url) in enumerate(trail, start=1)
        ],
    }


def organization_data() -> dict:
    return {
        "@type": "Organization",
        "name": settings.OSCAR_SHOP_NAME,
        "url": f"{settings.SITE_URL}/",
        "logo": absolute(f"{settings.STATIC_URL}releaf/favicon.svg"),
        "address": settings.SHOP_POSTAL_ADDRESS,
    }
