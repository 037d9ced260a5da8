"""`make bench`, the ceiling: a bare Django view rendering one template (no apps, no middleware)."""

from pathlib import Path

DEBUG = False
SECRET_KEY = "bench-only-bare-django-view"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.bare_urls"
INSTALLED_APPS: list = []
MIDDLEWARE: list = []
DATABASES: dict = {}
USE_TZ = True
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent.parent / "templates"],
    }
]
