"""The production entry point (`make serve`, deploy/): Django behind core.server's body-buffering front."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from core.server import WSGIInThreads

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = WSGIInThreads(
    get_wsgi_application(),
    threads=settings.SERVER_THREADS,
    body_timeout=settings.REQUEST_BODY_TIMEOUT,
    min_rate=settings.REQUEST_BODY_MIN_RATE,
    max_body=settings.REQUEST_BODY_MAX_BYTES,
)
