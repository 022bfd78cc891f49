"""The production entry point (`make serve`, deploy/): Django behind core.server's body-buffering front."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)  # as get_wsgi_application() does

from django.conf import settings  # noqa: E402

from core.server import WSGIInThreads  # noqa: E402
from core.stacks import SplitSite  # noqa: E402
from signatures import us_zip  # noqa: E402

# Built before the first request, not by the first sign requests of each worker all at once (0.6 s of CPU each).
us_zip.warm()
# The admin's middleware for /admin/, the public site's own shorter stack for the rest (core/stacks.py).
application = WSGIInThreads(
    SplitSite(),
    threads=settings.SERVER_THREADS,
    body_timeout=settings.REQUEST_BODY_TIMEOUT,
    min_rate=settings.REQUEST_BODY_MIN_RATE,
    max_body=settings.REQUEST_BODY_MAX_BYTES,
)
