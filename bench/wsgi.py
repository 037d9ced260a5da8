"""The audit's WSGI app: the shop as production serves it, plus uploaded media.

Production serves MEDIA_URL from wherever uploads live (a bucket or the proxy in front); here
WhiteNoise stands in for that, with the far-future caching a CDN would add. Thumbnails appear
after start-up, hence autorefresh.
"""

from django.conf import settings
from whitenoise import WhiteNoise

from config.wsgi import application as shop

application = WhiteNoise(
    shop,
    root=str(settings.MEDIA_ROOT),
    prefix=settings.MEDIA_URL,
    autorefresh=True,
    max_age=60 * 60 * 24 * 365,
)
