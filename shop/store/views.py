from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.generic import TemplateView

from guidance.selectors import cream_offer
from shop.store import structured_data
from shop.store.health import failing_services


class HomeView(TemplateView):
    """The home page: the hook from the post, the self-check and the cream (guidance's content),
    with the shop's Organization for search engines."""

    template_name = "guidance/home.html"

    def get_context_data(self, **kwargs):
        offer = cream_offer()
        return super().get_context_data(
            offer=offer,
            og_image_url=offer.image_url if offer else "",
            structured_data=structured_data.as_script(structured_data.organization_data()),
            **kwargs,
        )


def healthz(request):
    """Readiness: 200 when database, cache and broker answer, else 503 naming what failed."""
    failing = failing_services()
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})


# Not the basket or the self-check: `make audit` holds their Lighthouse SEO score at 100, and a
# disallowed page scores below it ("is not crawlable"); both carry no private data.
ROBOTS_DISALLOW = [
    "/guidance/results/",  # private results (PRODUCT.md: never indexed)
    "/checkout/",
    "/accounts/",
    "/dashboard/",
    "/code/",
    "/email/",
    "/search/",
]


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW)]
    lines.append(f"Sitemap: {settings.SITE_URL}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
