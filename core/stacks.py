"""Two middleware stacks in one site: the organizers' admin, and the public site with only what it uses.

Every public request used to run the admin's middleware too: sessions, login,
two-factor (OTP), messages and django-axes, although no public view reads
request.session, request.user or messages. `SplitSite` is the WSGI application
(config/asgi.py, config/wsgi.py; the test client routes the same way, conftest.py):
an address under settings.ADMIN_PREFIXES goes to Django's own handler with
settings.MIDDLEWARE, every other one to a second handler built from
settings.PUBLIC_MIDDLEWARE. Both serve the same URLconf: the split is only which
middleware runs, decided by the address before any of it does.
"""

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test.utils import override_settings


def is_admin(path: str) -> bool:
    return path.startswith(tuple(settings.ADMIN_PREFIXES))


class PublicHandler(WSGIHandler):
    """Django's handler with settings.PUBLIC_MIDDLEWARE (Django builds the chain from settings.MIDDLEWARE)."""

    def load_middleware(self, is_async=False):
        # Only while the chain is built, once per process at start-up.
        with override_settings(MIDDLEWARE=settings.PUBLIC_MIDDLEWARE):
            super().load_middleware(is_async)


class SplitSite:
    """The WSGI application: the admin's stack for the admin's addresses, the public stack for the rest."""

    def __init__(self):
        self.admin = WSGIHandler()
        self.public = PublicHandler()

    def __call__(self, environ, start_response):
        handler = self.admin if is_admin(environ.get("PATH_INFO", "")) else self.public
        return handler(environ, start_response)
