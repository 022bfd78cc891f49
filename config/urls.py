from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from core.views import robots_txt
from local_actions.sitemaps import LocalActionSitemap
from pages.sitemaps import PageSitemap, StaticSitemap
from signatures.sitemaps import CampaignSitemap

sitemaps = {"static": StaticSitemap, "pages": PageSitemap, "campaigns": CampaignSitemap, "local": LocalActionSitemap}

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("news/", include("press.urls")),
    path("get-involved/", include("contact.urls")),
    path("local/", include("local_actions.urls")),
    path("defence/", include("defence.urls")),
    path("", include("signatures.urls")),
    # Content pages live at /<slug>/, so this comes last.
    path("", include("pages.urls")),
]
