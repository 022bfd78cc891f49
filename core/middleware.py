from django.conf import settings
from django.middleware.gzip import GZipMiddleware


class PermissionsPolicyMiddleware:
    """Turn off browser features the site never uses, for every page."""

    POLICY = (
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
        "geolocation=(), gyroscope=(), hid=(), interest-cohort=(), magnetometer=(), microphone=(), midi=(), "
        "payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), "
        "usb=(), xr-spatial-tracking=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response


class SafeGZipMiddleware(GZipMiddleware):
    """Django's gzip, only for responses that carry no secret (BREACH).

    BREACH recovers a secret from the compressed size of responses that also
    reflect text an attacker chooses. So a response is compressed only if it
    holds no CSRF token (nothing called `get_token` for it), the request has no
    session or Authorization (nothing personal on the page) and it sets no
    cookie: the public pages, the same for every visitor. Pages with a form
    token (contact, local fight, letters, confirm) and the admin go
    uncompressed. Streaming responses (downloads, static files, which
    WhiteNoise serves precompressed) are left alone. First in MIDDLEWARE, so it
    sees the finished response; PublicCacheMiddleware keeps its own gzipped copy.
    """

    TYPES = (
        "text/", "application/json", "application/xml", "application/rss+xml", "application/atom+xml",
        "image/svg+xml", "application/javascript",
    )  # fmt: skip

    def process_response(self, request, response):
        if response.streaming or not self.carries_no_secret(request, response):
            return response
        return super().process_response(request, response)

    @classmethod
    def carries_no_secret(cls, request, response) -> bool:
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # a CSRF token is on the page
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
            return False
        if response.cookies:
            return False
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        return content_type.startswith(cls.TYPES)
