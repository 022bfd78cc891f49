from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import AlertDataset


class FactSheetSitemap(Sitemap):
    """The fact sheet of every published local fight that has alert data."""

    def items(self):
        return (
            AlertDataset.objects.filter(action__published=True)
            .exclude(figures={})
            .select_related("action")
            .order_by("action__slug")
        )

    def location(self, item):
        return reverse("evidence:facts", args=[item.action.slug])

    def lastmod(self, item):
        return item.figures_at
