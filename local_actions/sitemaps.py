from django.urls import reverse

from core.sitemaps import BilingualSitemap

from .models import LocalAction


class LocalActionSitemap(BilingualSitemap):
    """The map page and every published local action's page."""

    def items(self):
        return ["local_actions:index", *LocalAction.objects.published().order_by("slug")]

    def location(self, item):
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()

    def lastmod(self, item):
        return None if isinstance(item, str) else item.updated_at
