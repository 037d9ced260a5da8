from django.conf import settings


def shop_details(request) -> dict:
    """What every page's footer (and any template) shows about the shop itself, and the page's
    canonical URL (SITE_URL and the path, without the query) for its head."""
    return {
        "shop_postal_address": settings.SHOP_POSTAL_ADDRESS,
        "site_url": settings.SITE_URL,
        "canonical_url": f"{settings.SITE_URL}{request.path}",
    }
