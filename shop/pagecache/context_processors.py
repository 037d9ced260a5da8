"""While a page is rendered for the page cache, forms get a placeholder instead of a CSRF token.

Must come last in the context processors: it overrides Django's built-in `csrf_token`. The page
cache puts each visitor's own token in place of the placeholder when it serves the page.
"""

PLACEHOLDER = "pagecache-csrf-token-placeholder"


def csrf_placeholder(request):
    if getattr(request, "page_cache_rendering", False):
        return {"csrf_token": PLACEHOLDER}
    return {}
