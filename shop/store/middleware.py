"""Request and response guards for every page: input no view can use, and the security headers
(CSP, Permissions-Policy, Cache-Control on private pages, SameSite on every cookie)."""

import logging
import re
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)


def _bad_values(query) -> bool:
    limit = settings.SHOP_MAX_QUERY_VALUE_LENGTH
    for key, values in query.lists():
        if "\x00" in key or len(key) > limit:
            return True
        if any("\x00" in value or len(value) > limit for value in values):
            return True
    return False


class InputGuardMiddleware:
    """A NUL byte in the path is a 404, in a query or form value a 400, and so is a query value
    longer than SHOP_MAX_QUERY_VALUE_LENGTH: PostgreSQL refuses NUL in text (a 500 from any
    lookup), and no page of ours takes a value that long from a query string."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            logger.info("request refused: NUL in the path", extra={"reason": "nul_path"})
            raise Http404("Not found")
        if _bad_values(request.GET):
            logger.info("request refused: query value", extra={"reason": "bad_query"})
            raise BadRequest("Bad query")
        form_body = request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
        if request.method == "POST" and form_body:
            if any("\x00" in v for _, values in request.POST.lists() for v in values):
                logger.info("request refused: NUL in a form value", extra={"reason": "nul_form"})
                raise BadRequest("Bad form")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: private, no-store` on the pages that
    show a basket, an address or an order (SHOP_PRIVATE_PATHS); SameSite=Lax on every cookie that
    was set without one (Oscar's basket and history cookies). It sits outside the page cache, so
    a page served from it gets the same headers as a rendered one."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.private = [re.compile(pattern) for pattern in settings.SHOP_PRIVATE_PATHS]

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.SHOP_PERMISSIONS_POLICY)
        private = any(pattern.match(request.path_info) for pattern in self.private)
        if private and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)  # no-store says it all
        for morsel in response.cookies.values():
            if not morsel["samesite"]:
                morsel["samesite"] = "Lax"
        return response


def payment_page_origin() -> str:
    """Where the payment step redirects a form post: Stripe Checkout's host with Stripe's API,
    else the stand-in playing it (its hosted pages live on its API's origin)."""
    parts = urlsplit(settings.STRIPE_API_BASE)
    if parts.netloc == "api.stripe.com":
        return "https://checkout.stripe.com"
    return f"{parts.scheme}://{parts.netloc}"


class ShopCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with two additions: form-action also allows the payment page's
    origin (read per response: tests point the stand-in elsewhere), and the staff pages
    (SHOP_CSP_STAFF_PATHS) get SHOP_CSP_STAFF_UPDATE on top of the strict policy (Oscar's
    dashboard runs inline scripts and styles)."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self.staff = [re.compile(pattern) for pattern in settings.SHOP_CSP_STAFF_PATHS]

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        update = {"form-action": [payment_page_origin()]}
        if any(pattern.match(request.path_info) for pattern in self.staff):
            update.update(settings.SHOP_CSP_STAFF_UPDATE)
        parts.update = {**update, **(parts.update or {})}
        return parts
