from django.conf import settings


def shop_details(request) -> dict:
    """What every page's footer (and any template) shows about the shop itself."""
    return {"shop_postal_address": settings.SHOP_POSTAL_ADDRESS}
