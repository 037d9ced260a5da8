"""Settings shared by every environment, by topic; local.py, test.py and production.py only override.

Everything deployment-specific is read from the environment (every variable is in `.env.example`);
an empty value counts as unset (config.env). `.env` is read only with DJANGO_READ_DOT_ENV_FILE=true.
The defaults are the embedded ones: SQLite, a file cache, a filesystem broker.

Topics, in order: paths and environment, core, apps, middleware, templates, authentication, data,
caching, static and media, search, email, logging, then the shop's domains (Oscar and the shop,
checkout and orders, Stripe, follow-up emails, guidance, page cache, security) and Celery last,
which schedules their tasks.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from oscar.defaults import *  # noqa: F401,F403  (Oscar's documented way to get its defaults)
from oscar.defaults import (
    OSCAR_BASKET_COOKIE_OPEN,
    OSCAR_DASHBOARD_NAVIGATION,
    OSCAR_RECENTLY_VIEWED_COOKIE_NAME,
)

from config.env import Env

# --- Paths and environment -------------------------------------------------------
BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # everything the embedded default writes at run time
VAR_DIR.mkdir(exist_ok=True)

env = Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    # Variables already set in the environment win over the file's lines.
    env.read_env(BASE_DIR / ".env")

# --- Core ------------------------------------------------------------------------
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

# --- Apps ------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Oscar; forked apps point at shop.* (see README, "Oscar apps we fork")
    "oscar.config.Shop",
    "shop.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "shop.address.apps.AddressConfig",
    "shop.shipping.apps.ShippingConfig",
    "shop.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "shop.basket.apps.BasketConfig",
    "shop.payment.apps.PaymentConfig",
    "shop.offer.apps.OfferConfig",
    "shop.order.apps.OrderConfig",
    "shop.customer.apps.CustomerConfig",
    "shop.search.apps.SearchConfig",
    "shop.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "shop.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "shop.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "shop.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    "formtools",
    "anymail",
    "axes",  # login lockout (Security, below)
    "csp",
    # Ours
    "shop.store",
    "shop.followups",
    "guidance",
    "shop.pagecache",  # Page cache, below
]

# --- Middleware (in request order; a response passes them bottom to top) -------------
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",  # first: HTTPS redirect, HSTS
    "shop.store.middleware.InputGuardMiddleware",  # NUL bytes, over-long query values: 400 early
    # outside the page cache, so cached pages carry them too (Security)
    "shop.store.middleware.SecurityHeadersMiddleware",
    "shop.store.middleware.ShopCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, before sessions and the cache
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # after CSRF (a cached page's token is a placeholder), before auth and the basket: a cached
    # page costs no session or basket query (Page cache)
    "shop.pagecache.middleware.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",  # after auth: a user's basket
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",  # on a 404 only
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# --- Templates -------------------------------------------------------------------
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
                "shop.shipping.context_processors.free_shipping",  # "Add $X more for free shipping"
                # last: it overrides csrf_token (Page cache)
                "shop.pagecache.context_processors.csrf_placeholder",
            ],
        },
    },
]

# --- Authentication and passwords ------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the others
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Data ------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections for both engines: no re-open (and, for SQLite, PRAGMAs) per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE transactions + a busy timeout: the embedded default takes
    # concurrent web/worker/beat writes without "database is locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Caching ---------------------------------------------------------------------
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

# --- Static and media --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads (product photos and their thumbnails): files in MEDIA_ROOT by default; an S3-compatible
# bucket through django-storages when SHOP_MEDIA_BUCKET is set (whitenoise serves static files
# only). Credentials come the way boto3 looks for them (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
# or the machine's role). Photos are public and their names never change: plain, cacheable URLs.
SHOP_MEDIA_BUCKET = env("SHOP_MEDIA_BUCKET", default="")
SHOP_MEDIA_ENDPOINT_URL = env("SHOP_MEDIA_ENDPOINT_URL", default=None)
SHOP_MEDIA_DOMAIN = env("SHOP_MEDIA_DOMAIN", default=None)
if SHOP_MEDIA_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": SHOP_MEDIA_BUCKET,
            "endpoint_url": SHOP_MEDIA_ENDPOINT_URL,
            "region_name": env("SHOP_MEDIA_REGION", default=None),
            "custom_domain": SHOP_MEDIA_DOMAIN,
            "querystring_auth": False,
            "file_overwrite": False,
            "default_acl": None,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
# Product pictures: thumbnails keep the upload's format (flat PNG artwork stays a few KB and
# matches the page colours exactly; photos stay JPEG), JPEGs at a quality that is small on phones.
THUMBNAIL_PRESERVE_FORMAT = True
THUMBNAIL_QUALITY = 82

# --- Search (Haystack is only used by /search/; the catalogue lists from the DB) -------
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}

# --- Email -----------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="shop.followups.backends.OutboxEmailBackend")
EMAIL_FILE_PATH = Path(env("EMAIL_FILE_PATH", default=str(VAR_DIR / "outbox")))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
# An ESP through django-anymail is settings only: EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend
# plus its keys as ANYMAIL_<SETTING> variables, e.g. ANYMAIL_POSTMARK_SERVER_TOKEN=...
ANYMAIL = {
    "IGNORE_UNSUPPORTED_FEATURES": False,
    **{
        name.removeprefix("ANYMAIL_"): value
        for name, value in env.ENVIRON.items()
        if name.startswith("ANYMAIL_")
    },
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ReLeaf <hello@releaf.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Staff who get Django's error emails (the launch checklist asks for one).
ADMINS = [("Staff", email) for email in env.list("DJANGO_ADMINS", default=[])]

# --- Logging ---------------------------------------------------------------------
# One line per event: time, level, logger, process, message, then the call's `extra` fields as
# key=value (config.logging_format). Celery workers log through the same configuration
# (config.celery_app). Refusals and provider failures carry fields, never personal data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"key_value": {"()": "config.logging_format.KeyValueFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "key_value"}},
    # LOG_LEVEL sets everything else (Django, libraries); ours and Celery's log at INFO.
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "shop": {"level": "INFO"},
        "guidance": {"level": "INFO"},
        "celery": {"level": "INFO"},
        "stripe": {"level": "WARNING"},  # stripe logs every request at INFO
        "axes": {"level": "ERROR"},  # its lines name the account and the address
    },
}

# --- Oscar and the shop ----------------------------------------------------------
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
# Oscar's menu, with every email in one "Emails" menu (Oscar's "Email templates" moves there from
# Content), and the guidance pages.
OSCAR_DASHBOARD_NAVIGATION = [
    *(
        {
            **item,
            "children": [
                c for c in item["children"] if c.get("url_name") != "dashboard:comms-list"
            ],
        }
        if "children" in item
        else item
        for item in OSCAR_DASHBOARD_NAVIGATION
    ),
    {
        "label": "Emails",
        "icon": "fas fa-envelope",
        "children": [
            {
                "label": "Order confirmation",
                "url_name": "dashboard:comms-update",
                "url_kwargs": {"slug": "ORDER_PLACED"},
            },
            {
                "label": "Follow-up queue",
                "url_name": "followups-dashboard:queue",
                "access_fn": lambda user, *args: user.is_staff,
            },
            {
                "label": "Preview every email",
                "url_name": "followups:preview-index",
                "access_fn": lambda user, *args: user.is_staff,
            },
            {"label": "Oscar's email templates", "url_name": "dashboard:comms-list"},
        ],
    },
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

# A fraction, e.g. 0.0725 for 7.25 %. Zero (the default) means prices carry no tax.
SHOP_SALES_TAX_RATE = Decimal(env("SHOP_SALES_TAX_RATE", default="0"))
SHOP_POSTAL_ADDRESS = env(
    "SHOP_POSTAL_ADDRESS", default="ReLeaf, 100 Example Street, Springfield, IL 62701, USA"
)
# A shipping method's free-shipping line counts the products before discounts, so GETINFUSED
# never makes shipping appear (Oscar counts them after). False: Oscar's rule.
SHOP_FREE_SHIPPING_BEFORE_DISCOUNTS = env.bool("SHOP_FREE_SHIPPING_BEFORE_DISCOUNTS", default=True)
# Most of one product (one size) a basket line may hold (Oscar caps only the basket's total).
SHOP_MAX_LINE_QUANTITY = env.int("SHOP_MAX_LINE_QUANTITY", default=10)
# Stock at or below this shows as "Only N left"; above it, "In stock" (never the count).
SHOP_LOW_STOCK_THRESHOLD = env.int("SHOP_LOW_STOCK_THRESHOLD", default=5)
# Attempts at a discount code (basket form and /code/<CODE>/) per visitor session, and per client
# address (shop.store.security.client_address), which many people may share (an office, a phone
# network): one client cannot use up a shared address's attempts before the others' own limit.
SHOP_CODE_RATE_LIMIT = env("SHOP_CODE_RATE_LIMIT", default="10/m")
SHOP_CODE_RATE_LIMIT_PER_ADDRESS = env("SHOP_CODE_RATE_LIMIT_PER_ADDRESS", default="30/m")

# --- Checkout and orders ----------------------------------------------------------
# Orders exist before the customer pays on Stripe's page ("Pending payment"); one locked step
# (shop.payment.services.order_payment_confirm) moves them on.
SHOP_ORDER_STATUS_PENDING = "Pending payment"
SHOP_ORDER_STATUS_PAID = "Paid"
SHOP_ORDER_STATUS_REVIEW = "Needs review"  # paid, but not as the order says: staff decide
SHOP_ORDER_STATUS_CANCELLED = "Cancelled"
# Set when Stripe's charge.refunded confirms a staff refund (shop.payment.services).
SHOP_ORDER_STATUS_PARTLY_REFUNDED = "Partly refunded"
SHOP_ORDER_STATUS_REFUNDED = "Refunded"
OSCAR_INITIAL_ORDER_STATUS = SHOP_ORDER_STATUS_PENDING
OSCAR_ORDER_STATUS_PIPELINE = {
    SHOP_ORDER_STATUS_PENDING: (
        SHOP_ORDER_STATUS_PAID,
        SHOP_ORDER_STATUS_REVIEW,
        SHOP_ORDER_STATUS_CANCELLED,
    ),
    SHOP_ORDER_STATUS_REVIEW: (
        SHOP_ORDER_STATUS_PAID,
        SHOP_ORDER_STATUS_CANCELLED,
        SHOP_ORDER_STATUS_PARTLY_REFUNDED,
        SHOP_ORDER_STATUS_REFUNDED,
    ),
    SHOP_ORDER_STATUS_PAID: (
        "Being processed",
        "Shipped",
        SHOP_ORDER_STATUS_PARTLY_REFUNDED,
        SHOP_ORDER_STATUS_REFUNDED,
    ),
    "Being processed": ("Shipped", SHOP_ORDER_STATUS_PARTLY_REFUNDED, SHOP_ORDER_STATUS_REFUNDED),
    "Shipped": (SHOP_ORDER_STATUS_PARTLY_REFUNDED, SHOP_ORDER_STATUS_REFUNDED),
    # A partly refunded order may still be packed and shipped.
    SHOP_ORDER_STATUS_PARTLY_REFUNDED: ("Being processed", "Shipped", SHOP_ORDER_STATUS_REFUNDED),
    SHOP_ORDER_STATUS_REFUNDED: (),
    SHOP_ORDER_STATUS_CANCELLED: (),
}
# A Checkout Session (and the stock and code its order holds) lives this long; Stripe's minimum.
SHOP_CHECKOUT_SESSION_MINUTES = env.int("SHOP_CHECKOUT_SESSION_MINUTES", default=30)
# Payment methods offered on Stripe's page (of those switched on in its dashboard). Cards only by
# default: a delayed method (bank debits) keeps the order pending for days; the async webhooks are
# handled.
SHOP_STRIPE_PAYMENT_METHOD_TYPES = env.list("SHOP_STRIPE_PAYMENT_METHOD_TYPES", default=["card"])
# Pending orders whose webhook has not come after this many minutes are checked with Stripe.
SHOP_PAYMENT_RECONCILE_AFTER_MINUTES = env.int("SHOP_PAYMENT_RECONCILE_AFTER_MINUTES", default=10)

# --- Stripe (shop/payment/client.py is the only module that talks to it) -------------
# No secret key (the embedded default): the local stand-in `python -m shop.payment.standin`
# plays Stripe on STRIPE_API_BASE, accepts the fixed key below and signs webhooks with the
# fixed secret below. With real test or live keys the same code talks to api.stripe.com.
STRIPE_STANDIN_SECRET_KEY = "sk_test_standin"
STRIPE_STANDIN_WEBHOOK_SECRET = "whsec_standin_local_only_not_a_secret"
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default=STRIPE_STANDIN_WEBHOOK_SECRET)
STRIPE_API_BASE = env(
    "STRIPE_API_BASE",
    default="https://api.stripe.com" if STRIPE_SECRET_KEY else "http://127.0.0.1:12111",
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

# --- Follow-up emails (shop.followups) ----------------------------------------------
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
# Lifetimes of the links in emails (shop.followups.tokens): unsubscribe links keep working for
# at least a year (mailbox providers expect it), consent-confirmation links for days.
FOLLOWUPS_UNSUBSCRIBE_LINK_DAYS = env.int("FOLLOWUPS_UNSUBSCRIBE_LINK_DAYS", default=730)
FOLLOWUPS_CONFIRM_LINK_DAYS = env.int("FOLLOWUPS_CONFIRM_LINK_DAYS", default=7)
# How long the SMTP backend (shop.followups.backends.SMTPEmailBackend) waits for the reply to a
# message body before counting it as sent without confirmation (RFC 5321 allows 10 minutes)
FOLLOWUPS_SMTP_FINAL_REPLY_TIMEOUT = env.float("FOLLOWUPS_SMTP_FINAL_REPLY_TIMEOUT", default=300.0)
# The mailto: half of List-Unsubscribe (default: the From address)
FOLLOWUPS_UNSUBSCRIBE_MAILTO = env("FOLLOWUPS_UNSUBSCRIBE_MAILTO", default="")

# --- Guidance funnel (self-check, results, techniques) ---------------------------------
# Results (and their routine requests) older than this are purged by a beat task (Celery, below).
GUIDANCE_RESULT_RETENTION_DAYS = env.int("GUIDANCE_RESULT_RETENTION_DAYS", default=365)
# An order counts for the buyer's latest self-check result at most this many days old.
GUIDANCE_ATTRIBUTION_DAYS = env.int("GUIDANCE_ATTRIBUTION_DAYS", default=30)
# The self-check's funnel events are written in batches this often (guidance.batch); 0: each in
# its own request.
FUNNEL_BATCH_SECONDS = env.float("FUNNEL_BATCH_SECONDS", default=1.0)

# --- Page cache (shop/pagecache/) --------------------------------------------------
# GET pages for visitors without a session come from the cache, keyed by URL, basket and history
# cookie; a write to a model listed in shop/pagecache/invalidation.py invalidates them all at
# once, a basket's writes its own pages. Its app, middleware and context processor are in the
# lists above.
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
SHOP_PAGE_CACHE_KEY_COOKIES = [OSCAR_BASKET_COOKIE_OPEN, OSCAR_RECENTLY_VIEWED_COOKIE_NAME]
# Cookies a cached page may set, replayed as the view set them (the same for the same key).
SHOP_PAGE_CACHE_REPLAY_COOKIES = [OSCAR_RECENTLY_VIEWED_COOKIE_NAME]
# Paths whose pages tell browsers and proxies not to keep them, which the page cache keeps all
# the same: a result, by its unguessable token, is the same page for everyone holding the link.
SHOP_PAGE_CACHE_SERVER_ONLY_PATHS = [r"^/guidance/results/"]
# Which model writes make which pages stale: shop/pagecache/invalidation.py.

# --- Security: logins, headers, client address ---------------------------------------
# Production adds HTTPS-only cookies, redirects and HSTS (production.py).
# How many proxies we run in front of the web processes (load balancer, CDN): the client's address
# is the one the outermost of them saw (shop.store.security.client_address). 0: REMOTE_ADDR.
SHOP_TRUSTED_PROXY_COUNT = env.int("SHOP_TRUSTED_PROXY_COUNT", default=0)
# Django's admin lives at this path (cookiecutter-django's variable name).
DJANGO_ADMIN_URL = env("DJANGO_ADMIN_URL", default="admin/")
# django-axes: the customer, dashboard and admin logins all go through authenticate(). A login is
# refused for the cool-off after SHOP_LOGIN_FAILURE_LIMIT failures for that account, or from that
# client address, whichever comes first (a spray of passwords over many accounts from one address,
# or one account from many addresses). A success resets the account's count.
AXES_FAILURE_LIMIT = env.int("SHOP_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SHOP_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "shop.store.security.client_address"
AXES_LOCKOUT_CALLABLE = "shop.store.security.login_lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # no row per successful login (who signed in when, from where)
AXES_VERBOSE = False  # its lines name the account and address; ours (shop.store.security) do not
AXES_SENSITIVE_PARAMETERS = ["password", "login-password", "new_password1", "new_password2"]
# Registration answers alike for a new and a known email: both get "check your inbox" (shop.customer).
SHOP_REGISTRATION_RATE_LIMIT = env("SHOP_REGISTRATION_RATE_LIMIT", default="5/h")
# Email change: the link sent to the new address works this long.
SHOP_EMAIL_CHANGE_LINK_HOURS = 24

# Content-Security-Policy (django-csp; Django 5.2 has none of its own). Customer pages run only our
# own script files: no inline script, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],  # + the payment page's origin (shop.store.middleware)
        "frame-ancestors": ["'none'"],
    }
}
if SHOP_MEDIA_BUCKET:  # uploaded product photos come from the bucket's host
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(
        f"https://{SHOP_MEDIA_DOMAIN}"
        if SHOP_MEDIA_DOMAIN
        else SHOP_MEDIA_ENDPOINT_URL or f"https://{SHOP_MEDIA_BUCKET}.s3.amazonaws.com"
    )
# The dashboard and the admin: Oscar's dashboard templates run inline scripts (its init calls in
# `onbodyload`, widgets' settings) and inline styles (TinyMCE, select2), which carry no nonce. Only
# staff reach these pages after logging in; everything still loads from our own origin.
# Regexes; the staff login page itself has no script (templates/oscar/dashboard/login.html).
SHOP_CSP_STAFF_PATHS = [r"^/dashboard/(?!login/)", f"^/{DJANGO_ADMIN_URL}"]
SHOP_CSP_STAFF_UPDATE = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:"],
}
# Nothing in the shop uses these browser features.
SHOP_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
# Pages that show a basket, an address or an order: `Cache-Control: private, no-store`.
SHOP_PRIVATE_PATHS = [
    r"^/basket/",
    r"^/checkout/",
    r"^/accounts/",
    r"^/dashboard/",
    f"^/{DJANGO_ADMIN_URL}",
]
# A query-string value longer than this is a 400 (no page takes one; Oscar's search has 255).
SHOP_MAX_QUERY_VALUE_LENGTH = 2000

# --- Celery (config/celery_app.py reads every CELERY_* setting) ------------------------
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
# Time limits (prefork workers): at the soft limit the task gets SoftTimeLimitExceeded (its
# transaction rolls back), at the hard limit the worker process is killed and replaced. Every
# task is idempotent, so the next run (beat's, or a redelivery) finishes the work. A task that
# legitimately needs longer says so below.
CELERY_TASK_SOFT_TIME_LIMIT = 60  # seconds
CELERY_TASK_TIME_LIMIT = 90
CELERY_TASK_ANNOTATIONS = {
    # One Stripe call per late order, each up to STRIPE_TIMEOUT_SECONDS per attempt: a backlog
    # after an outage takes minutes.
    "shop.payment.reconcile": {"soft_time_limit": 300, "time_limit": 330},
    # A chunk's queued rows are taken back after FOLLOWUPS_LEASE_SECONDS, and its last row's SMTP
    # conversation is shorter than the lease: a send still running after two leases is stuck. Its
    # kill is the crash the follow-ups design already survives (shop.followups.services).
    "followups.send": {
        "soft_time_limit": 2 * FOLLOWUPS_LEASE_SECONDS,
        "time_limit": 2 * FOLLOWUPS_LEASE_SECONDS + 30,
    },
    # One transaction over every expired result: the first run after a long pause is large.
    "guidance.purge_expired_results": {"soft_time_limit": 600, "time_limit": 630},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "followups-dispatch": {
        "task": "followups.dispatch",
        "schedule": FOLLOWUPS_DISPATCH_INTERVAL,
        "options": {"expires": FOLLOWUPS_DISPATCH_INTERVAL * 3},
    },
    "guidance-purge-expired-results": {
        "task": "guidance.purge_expired_results",
        "schedule": 6 * 60 * 60,  # seconds; the task is idempotent, so often is harmless
    },
    "shop-payment-reconcile": {
        "task": "shop.payment.reconcile",
        "schedule": 60,  # seconds; idempotent (shop.payment.services: failure rules)
    },
}
