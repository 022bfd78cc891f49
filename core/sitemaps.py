from django.contrib.sitemaps import Sitemap


class BilingualSitemap(Sitemap):
    """Every address once per language (settings.LANGUAGES), each with its hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True
