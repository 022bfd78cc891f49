from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Page


class PageSitemap(Sitemap):
    def items(self):
        return Page.objects.published()

    def lastmod(self, obj):
        return obj.updated_at


class StaticSitemap(Sitemap):
    def items(self):
        return ["pages:home", "press:list"]

    def location(self, item):
        return reverse(item)
