from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from core.views import robots_txt
from evidence.sitemaps import FactSheetSitemap
from local_actions.sitemaps import LocalActionSitemap
from pages.sitemaps import PageSitemap, StaticSitemap
from pages.views import site_share_image
from signatures.sitemaps import CampaignSitemap

sitemaps = {"static": StaticSitemap, "pages": PageSitemap, "campaigns": CampaignSitemap, "local": LocalActionSitemap}
sitemaps["facts"] = FactSheetSitemap  # evidence kit: fact sheets of cities with alert data



class FaviconRedirect(RedirectView):
    # Resolved per request, not at import: the hashed static name exists only after collectstatic.
    def get_redirect_url(self, *args, **kwargs):
        return static("img/favicon.svg")


urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # Browsers and feed readers ask for /favicon.ico whatever the page says: send them to the SVG.
    path("favicon.ico", FaviconRedirect.as_view(permanent=True)),
    path("", include("api.urls")),  # the partner API: one language, no /es/ prefix
]

# The public site in every language: English at today's addresses, Spanish under /es/.
# No redirect by Accept-Language: a cached page must be the same for everyone at its address.
urlpatterns += i18n_patterns(
    path("news/", include("press.urls")),
    path("get-involved/", include("contact.urls")),
    path("local/", include("evidence.urls")),  # /local/<slug>/facts/: before local_actions' /local/<slug>/
    path("local/", include("local_actions.urls")),
    path("letters/", include("letters.urls")),
    path("defence/", include("defence.urls")),
    path("updates/", include("updates.urls")),
    path("delivery/", include("delivery.urls")),
    path("", include("signatures.urls")),
    path("share.png", site_share_image, name="share_image"),  # the site's share image (og:image of pages without their own)
    # Content pages live at /<slug>/, so this comes last.
    path("", include("pages.urls")),
    prefix_default_language=False,
)
