from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from evidence.sitemaps import FactSheetSitemap
from local_actions.sitemaps import LocalActionSitemap
from pages.sitemaps import PageSitemap, StaticSitemap
from signatures.sitemaps import CampaignSitemap

sitemaps = {"static": StaticSitemap, "pages": PageSitemap, "campaigns": CampaignSitemap, "local": LocalActionSitemap}
sitemaps["facts"] = FactSheetSitemap  # evidence kit: fact sheets of cities with alert data

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("news/", include("press.urls")),
    path("get-involved/", include("contact.urls")),
    path("local/", include("evidence.urls")),  # /local/<slug>/facts/: before local_actions' /local/<slug>/
    path("local/", include("local_actions.urls")),
    path("defence/", include("defence.urls")),
    path("", include("signatures.urls")),
    # Content pages live at /<slug>/, so this comes last.
    path("", include("pages.urls")),
]
