from django.utils.functional import SimpleLazyObject

from shop.shipping.selectors import free_shipping_for_basket


def free_shipping(request) -> dict:
    """`free_shipping` for the basket, product and checkout pages; computed only where a template
    reads it (pages without a basket, such as the dashboard, never do)."""
    basket = getattr(request, "basket", None)
    if basket is None:
        return {}
    return {"free_shipping": SimpleLazyObject(lambda: free_shipping_for_basket(basket=basket))}
