from core.sitemaps import BilingualSitemap

from .models import Campaign


class CampaignSitemap(BilingualSitemap):
    changefreq = "hourly"

    def items(self):
        return Campaign.objects.published()
