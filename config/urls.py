from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from shop.basket.views import CodeLinkView
from shop.followups.views import OrderShipmentView
from shop.store.sitemaps import SITEMAPS
from shop.store.views import HomeView, healthz, robots_txt

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(settings.DJANGO_ADMIN_URL, admin.site.urls),
    path("code/<str:code>/", CodeLinkView.as_view(), name="code-link"),
    path("guidance/", include("guidance.urls")),
    path("email/", include("shop.followups.urls")),
    path("", include("shop.payment.urls")),  # the webhook under checkout/, refunds under dashboard/
    path("dashboard/followups/", include("shop.followups.dashboard_urls")),
    path(
        "dashboard/orders/<str:number>/shipment/",
        OrderShipmentView.as_view(),
        name="order-shipment",
    ),
    path("dashboard/", include("guidance.dashboard_urls")),  # before Oscar's dashboard
    path("", HomeView.as_view(), name="home"),
    path("", include(apps.get_app_config("oscar").urls[0])),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
