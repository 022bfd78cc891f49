import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)  # as get_wsgi_application() does

from core.stacks import SplitSite  # noqa: E402

# The admin's middleware for /admin/, the public site's own shorter stack for the rest (core/stacks.py).
application = SplitSite()
