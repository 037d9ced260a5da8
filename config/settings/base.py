"""Settings shared by every environment; the other modules only override.

Everything deployment-specific is read from the environment (see `.env.example`).
The defaults are the embedded ones: SQLite, a file cache, a filesystem broker.
"""

from decimal import Decimal
from pathlib import Path

import environ
from oscar.defaults import *  # noqa: F401,F403  (Oscar's documented way to get its defaults)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # everything the embedded default writes at run time
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environments set variables directly

# --- Core -------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"  # Oscar's models use AutoField

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("SHOP_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# --- Apps -------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    # Oscar; forked apps point at shop.* (see README, "Oscar apps we fork")
    "oscar.config.Shop",
    "shop.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "shop.shipping.apps.ShippingConfig",
    "shop.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "shop.basket.apps.BasketConfig",
    "shop.payment.apps.PaymentConfig",
    "shop.offer.apps.OfferConfig",
    "shop.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "shop.search.apps.SearchConfig",
    "shop.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "oscar.apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    "formtools",
    "anymail",
    # Ours
    "shop.store",
    "shop.followups",
    "guidance",
]

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
        "DIRS": [BASE_DIR / "templates"],
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
                "shop.store.context_processors.shop_details",  # footer: postal address
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_REDIRECT_URL = "/"

# --- Data -------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE transactions + a busy timeout: the embedded default takes
    # concurrent web/worker/beat writes without "database is locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# --- Caching -----------------------------------------------------------------
# A cache is an optimisation: when Redis is down or hangs, pages render from the database. With
# IGNORE_EXCEPTIONS django-redis answers a failed call as a miss (get: the default, get_many: {},
# set/add/incr/delete: None); short socket timeouts bound a hanging Redis, and shop.store.cache then
# skips it for SHOP_CACHE_SKIP_SECONDS (one log line), so a page pays at most one timeout. Options
# in CACHE_URL's query (e.g. ?socket_timeout=0.5) win. Production sets CACHE_URL, never CACHES.
CACHE_REDIS_OPTIONS = {
    "IGNORE_EXCEPTIONS": True,
    "SOCKET_CONNECT_TIMEOUT": 0.25,  # seconds; Redis answers in well under a millisecond
    "SOCKET_TIMEOUT": 0.25,
    "REDIS_CLIENT_CLASS": "shop.store.cache.Redis",
}
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    CACHES["default"]["OPTIONS"] = {**CACHE_REDIS_OPTIONS, **CACHES["default"].get("OPTIONS", {})}
SHOP_CACHE_SKIP_SECONDS = 5.0
# The discount-code rate limit (shop.basket.services) lets attempts through while the cache is
# down, and logs it: refusing every code would stop sales.
RATELIMIT_FAIL_OPEN = True
# Reads the cache, else the database; writes the database, then the cache (a failed cache write
# is a miss later). Messages: cookie, else session (Django's FallbackStorage, the default).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Search (Haystack is only used by /search/; the catalogue lists from the DB) --
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}

# --- Email --------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="shop.followups.backends.OutboxEmailBackend")
EMAIL_FILE_PATH = Path(env("EMAIL_FILE_PATH", default=str(VAR_DIR / "outbox")))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
ANYMAIL = {"IGNORE_UNSUPPORTED_FEATURES": False}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ReLeaf <hello@releaf.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------
# Embedded default: kombu's filesystem transport works across processes without a server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem"):
    BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
    BROKER_DIR.mkdir(parents=True, exist_ok=True)  # the transport fails when its folder is missing
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "control_folder": str(BROKER_DIR / "control"),  # default is ./control in the cwd
    }
elif CELERY_BROKER_URL.startswith("redis"):
    # A publish (a web process enqueues after commit, robust=True: a failure is logged, the
    # response goes on) must fail fast when Redis is down or hangs. Without these kombu retries
    # the connection until broker_connection_timeout and waits forever on a silent socket.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 0.5,  # seconds
        "socket_timeout": 1.0,  # synchronous commands (a publish); BRPOP has its own timeout
        "max_retries": 1,  # connection attempts per publish (the worker's own: below)
    }
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite3'}"
)
CELERY_TASK_IGNORE_RESULT = True  # tasks that need a result ask for it
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Worst case for one publish from a web process: a dead broker refuses at once (two attempts), a
# hanging one costs about 1.3 s (socket timeouts above, one retry 0.2 s later), then
# OperationalError. Workers keep reconnecting on their own (broker_connection_max_retries: 100).
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0  # seconds, over all connection attempts of one publish
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}

# --- Oscar and the shop -------------------------------------------------------
OSCAR_SHOP_NAME = "ReLeaf"
OSCAR_SHOP_TAGLINE = "Foot massage for a calmer back"
OSCAR_HOMEPAGE = "/"
OSCAR_DEFAULT_CURRENCY = "USD"
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
OSCAR_REQUIRED_ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "line1",
    "line4",
    "state",
    "postcode",
    "country",
)
OSCAR_HIDDEN_FEATURES = ["reviews", "wishlists"]
OSCAR_EAGER_ALERTS = False

# A fraction, e.g. 0.0725 for 7.25 %. Zero (the default) means prices carry no tax.
SHOP_SALES_TAX_RATE = Decimal(env("SHOP_SALES_TAX_RATE", default="0"))
SHOP_POSTAL_ADDRESS = env(
    "SHOP_POSTAL_ADDRESS", default="ReLeaf, 100 Example Street, Springfield, IL 62701, USA"
)

# --- Follow-up emails (shop.followups) -----------------------------------------
# Planned emails are database rows; beat runs the dispatcher every few seconds, which claims due
# rows and hands them to the send task. Delays are counted from the request or the order.
FOLLOWUPS_DISPATCH_INTERVAL = env.float("FOLLOWUPS_DISPATCH_INTERVAL", default=10.0)  # seconds
FOLLOWUPS_DISPATCH_BATCH = 500  # rows claimed per query
FOLLOWUPS_SEND_CHUNK = 200  # rows per send task (one SMTP connection, one rendering per kind)
FOLLOWUPS_TIPS_DAYS = env.list("FOLLOWUPS_TIPS_DAYS", cast=int, default=[3, 7, 14])
FOLLOWUPS_ORDER_DAYS = env.list("FOLLOWUPS_ORDER_DAYS", cast=int, default=[3, 21])
# Marketing emails go out between these local hours (the person's time zone, else the shop's)
FOLLOWUPS_SEND_HOURS = env.list("FOLLOWUPS_SEND_HOURS", cast=int, default=[9, 20])
FOLLOWUPS_MIN_HOURS_BETWEEN = env.float("FOLLOWUPS_MIN_HOURS_BETWEEN", default=20.0)
FOLLOWUPS_MAX_ATTEMPTS = env.int("FOLLOWUPS_MAX_ATTEMPTS", default=5)
FOLLOWUPS_RETRY_BASE_SECONDS = env.int("FOLLOWUPS_RETRY_BASE_SECONDS", default=120)  # doubles
# A row claimed or being sent longer than this is taken back (its worker died); longer than one
# message's SMTP conversation (shop.followups.services' docstring)
FOLLOWUPS_LEASE_SECONDS = env.int("FOLLOWUPS_LEASE_SECONDS", default=600)
# How long the SMTP backend (shop.followups.backends.SMTPEmailBackend) waits for the reply to a
# message body before counting it as sent without confirmation (RFC 5321 allows 10 minutes)
FOLLOWUPS_SMTP_FINAL_REPLY_TIMEOUT = env.float("FOLLOWUPS_SMTP_FINAL_REPLY_TIMEOUT", default=300)
# The mailto: half of List-Unsubscribe (default: the From address)
FOLLOWUPS_UNSUBSCRIBE_MAILTO = env("FOLLOWUPS_UNSUBSCRIBE_MAILTO", default="")
# An ESP through django-anymail is settings only: EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend
# plus its keys as ANYMAIL_<SETTING> variables, e.g. ANYMAIL_POSTMARK_SERVER_TOKEN=...
ANYMAIL.update(
    {
        name.removeprefix("ANYMAIL_"): value
        for name, value in env.ENVIRON.items()
        if name.startswith("ANYMAIL_")
    }
)
CELERY_BEAT_SCHEDULE["followups-dispatch"] = {
    "task": "followups.dispatch",
    "schedule": FOLLOWUPS_DISPATCH_INTERVAL,
    "options": {"expires": FOLLOWUPS_DISPATCH_INTERVAL * 3},
}
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,  # noqa: F405
    {
        "label": "Follow-up emails",
        "icon": "fas fa-envelope",
        "url_name": "admin:followups_plannedemail_changelist",
        "access_fn": lambda user, *args: user.is_staff,
    },
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Guidance funnel (self-check, results, techniques) --------------------------
# Results (and their routine requests) older than this are purged by the beat task below.
GUIDANCE_RESULT_RETENTION_DAYS = env.int("GUIDANCE_RESULT_RETENTION_DAYS", default=365)
# The self-check's funnel events are written in batches this often (guidance.batch); 0: each in
# its own request.
FUNNEL_BATCH_SECONDS = env.float("FUNNEL_BATCH_SECONDS", default=1.0)
CELERY_BEAT_SCHEDULE["guidance-purge-expired-results"] = {
    "task": "guidance.purge_expired_results",
    "schedule": 6 * 60 * 60,  # seconds; the task is idempotent, so often is harmless
}
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,  # noqa: F405  (from oscar.defaults)
    {
        "label": "Guidance",
        "icon": "fas fa-shoe-prints",
        "children": [
            {
                "label": "Funnel numbers",
                "url_name": "guidance-dashboard:funnel",
                "access_fn": lambda user, *args: user.is_staff,
            },
            {
                "label": "Techniques and texts",
                "url_name": "guidance-dashboard:content",
                "access_fn": lambda user, *args: user.is_staff,
            },
            {
                "label": "Erase a person's results",
                "url_name": "guidance-dashboard:erase",
                "access_fn": lambda user, *args: user.is_staff,
            },
        ],
    },
]

# --- Stripe (shop/payment/client.py is the only module that talks to it) ----------
# No secret key (the embedded default): the local stand-in `python -m shop.payment.standin`
# plays Stripe on STRIPE_API_BASE, accepts the fixed key below and signs webhooks with the
# fixed secret below. With real test or live keys the same code talks to api.stripe.com.
STRIPE_STANDIN_SECRET_KEY = "sk_test_standin"
STRIPE_STANDIN_WEBHOOK_SECRET = "whsec_standin_local_only_not_a_secret"
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
# `or`: an empty line copied from .env.example means "the default", not "empty".
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="") or STRIPE_STANDIN_WEBHOOK_SECRET
STRIPE_API_BASE = (
    env("STRIPE_API_BASE", default="")
    or ("https://api.stripe.com" if STRIPE_SECRET_KEY else "http://127.0.0.1:12111")
).rstrip("/")
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=10.0)  # per HTTP attempt
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
# All Stripe calls of one customer request together, retries included (client.deadline); keep it
# well under GUNICORN_TIMEOUT so a hanging Stripe gives the customer a message, not a 502.
STRIPE_REQUEST_DEADLINE_SECONDS = env.float("STRIPE_REQUEST_DEADLINE_SECONDS", default=6.0)
# Where the stand-in POSTs its signed events (only the stand-in reads this).
STRIPE_STANDIN_WEBHOOK_URL = env(
    "STRIPE_STANDIN_WEBHOOK_URL", default="http://127.0.0.1:8000/checkout/stripe/webhook/"
)
LOGGING["loggers"] = {"stripe": {"level": "WARNING"}}  # stripe logs every request at INFO

# --- Shop front (design system, issue 6) -------------------------------------------
# Product pictures: thumbnails keep the upload's format (flat PNG artwork stays a few KB and
# matches the page colours exactly; photos stay JPEG), JPEGs at a quality that is small on phones.
THUMBNAIL_PRESERVE_FORMAT = True
THUMBNAIL_QUALITY = 82

# --- Checkout: discount codes, Stripe Checkout orders -----------------------------
# Attempts at a discount code (basket form and /code/<CODE>/) per visitor (IP address).
SHOP_CODE_RATE_LIMIT = env("SHOP_CODE_RATE_LIMIT", default="10/m")
# Orders exist before the customer pays on Stripe's page ("Pending payment"); one locked step
# (shop.payment.services.order_payment_confirm) moves them on.
SHOP_ORDER_STATUS_PENDING = "Pending payment"
SHOP_ORDER_STATUS_PAID = "Paid"
SHOP_ORDER_STATUS_REVIEW = "Needs review"  # paid, but not as the order says: staff decide
SHOP_ORDER_STATUS_CANCELLED = "Cancelled"
OSCAR_INITIAL_ORDER_STATUS = SHOP_ORDER_STATUS_PENDING
OSCAR_ORDER_STATUS_PIPELINE = {
    SHOP_ORDER_STATUS_PENDING: (
        SHOP_ORDER_STATUS_PAID,
        SHOP_ORDER_STATUS_REVIEW,
        SHOP_ORDER_STATUS_CANCELLED,
    ),
    SHOP_ORDER_STATUS_REVIEW: (SHOP_ORDER_STATUS_PAID, SHOP_ORDER_STATUS_CANCELLED),
    SHOP_ORDER_STATUS_PAID: ("Being processed", "Shipped"),
    "Being processed": ("Shipped",),
    "Shipped": (),
    SHOP_ORDER_STATUS_CANCELLED: (),
}
# A Checkout Session (and the stock and code its order holds) lives this long; Stripe's minimum.
SHOP_CHECKOUT_SESSION_MINUTES = env.int("SHOP_CHECKOUT_SESSION_MINUTES", default=30)
# Payment methods offered on Stripe's page (of those switched on in its dashboard). Cards only by
# default: a delayed method (bank debits) keeps the order pending for days; the async webhooks are
# handled. An empty value means the default, like every variable here.
SHOP_STRIPE_PAYMENT_METHOD_TYPES = env.list("SHOP_STRIPE_PAYMENT_METHOD_TYPES", default=[]) or [
    "card"
]
# Pending orders whose webhook has not come after this many minutes are checked with Stripe.
SHOP_PAYMENT_RECONCILE_AFTER_MINUTES = env.int("SHOP_PAYMENT_RECONCILE_AFTER_MINUTES", default=10)
CELERY_BEAT_SCHEDULE["shop-payment-reconcile"] = {
    "task": "shop.payment.reconcile",
    "schedule": 60,  # seconds; idempotent (shop.payment.services: failure rules)
}
# --- Performance (issue 7): persistent SQLite connections, page cache ---------------
# SQLite keeps its connection too (PostgreSQL's above): no re-open and PRAGMAs per request.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)

# GET pages for visitors without a session come from the cache, keyed by URL, basket and history
# cookie; any write to a model not ignored below invalidates them all at once, a basket's writes
# its own pages (shop/pagecache/).
INSTALLED_APPS += ["shop.pagecache"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware") + 1,
    "shop.pagecache.middleware.PageCacheMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append(  # last: it overrides csrf_token
    "shop.pagecache.context_processors.csrf_placeholder"
)
# Seconds a cached page lives at most (a backstop: writes invalidate at once); 0 turns it off.
SHOP_PAGE_CACHE_SECONDS = env.int("SHOP_PAGE_CACHE_SECONDS", default=600)
# How long a process serves the pages it holds before asking the cache whether the data changed
# (shop/pagecache/local.py): an edit shows in other processes within this time. 0: always ask.
SHOP_PAGE_CACHE_LOCAL_SECONDS = env.float("SHOP_PAGE_CACHE_LOCAL_SECONDS", default=1.0)
# Paths whose GET pages may be cached (the middleware still refuses any response that touched the
# session, set a cookie, embedded a CSRF token itself or said no-cache/private).
SHOP_PAGE_CACHE_PATHS = [
    r"^/$",
    r"^/catalogue/",
    r"^/basket/$",
    r"^/checkout/$",  # the first page, for a guest who has not given an email yet
    r"^/guidance/techniques/",
    r"^/guidance/results/",
]
# Paths whose pages a function of the request may share among visitors in the same state (its
# name for the state, or None to render the page): the self-check's next, unanswered step.
SHOP_PAGE_CACHE_STATES = {
    r"^/guidance/self-check/[\w-]+/$": "guidance.session.self_check_page_state",
}
# The only cookies (besides CSRF's) a cacheable request may carry; their values are in the key.
SHOP_PAGE_CACHE_KEY_COOKIES = [OSCAR_BASKET_COOKIE_OPEN, OSCAR_RECENTLY_VIEWED_COOKIE_NAME]  # noqa: F405
# Cookies a cached page may set, replayed as the view set them (the same for the same key).
SHOP_PAGE_CACHE_REPLAY_COOKIES = [OSCAR_RECENTLY_VIEWED_COOKIE_NAME]  # noqa: F405
# Apps or models written by customers' own requests, which no cached page shows.
SHOP_PAGE_CACHE_IGNORED_MODELS = [
    "sessions",
    "admin",
    "auth.user",
    "basket",
    "order",
    "payment",
    "analytics",
    "customer",
    "communication",
    "wishlists",
    "thumbnail",
    "address.useraddress",
    "voucher.voucherapplication",
    "guidance.result",
    "guidance.routinerequest",
    "guidance.funnelevent",
    "followups",
]
