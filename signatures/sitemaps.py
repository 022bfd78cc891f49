from django.contrib.sitemaps import Sitemap

from .models import Campaign


class CampaignSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Campaign.objects.published()
