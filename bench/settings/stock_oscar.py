"""`make bench`, the baseline: stock django-oscar 4.2.1 on the same data and infrastructure.

Oscar's own apps instead of our forks (catalogue, partner, search, shipping, analytics), Oscar's templates
only, Oscar's middleware and context processors, Django's default session engine, and a real search index
(Whoosh, as Oscar's sandbox uses for development) so that its catalogue lists the products:
Haystack's SimpleEngine lists none (Oscar #4366). Database persistence, cache backend and DEBUG match
ours, so the difference measured is the application, not the infrastructure.
"""

from django.urls import reverse_lazy

from config.settings.base import *  # noqa: F401,F403
from config.settings.base import CACHES, INSTALLED_APPS, VAR_DIR, env

BENCH_DIR = VAR_DIR / "bench"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.stock_oscar_urls"


def _stock(app: str) -> str | None:
    """Oscar's own config for one of our forks (`shop.<label>.apps.X` -> `oscar.apps.<label>.apps.X`),
    None for our own apps, which stock Oscar does not have."""
    if app == "guidance" or (app.startswith("shop.") and ".apps." not in app):
        return None
    if app.startswith("shop."):
        return "oscar.apps." + app.removeprefix("shop.")
    return app


INSTALLED_APPS = [stock for app in INSTALLED_APPS if (stock := _stock(app))] + ["bench"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
            ],
        },
    },
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
        "PATH": str(BENCH_DIR / f"whoosh-{env('BENCH_CACHE_PREFIX', default='bench-stock')}"),
    }
}
OSCAR_HOMEPAGE = reverse_lazy("catalogue:index")
CACHES["default"]["KEY_PREFIX"] = env("BENCH_CACHE_PREFIX", default="bench-stock")
STATIC_ROOT = BENCH_DIR / "static-stock"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
