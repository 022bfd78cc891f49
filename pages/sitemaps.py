from django.urls import reverse

from core.sitemaps import BilingualSitemap

from .models import Page


class PageSitemap(BilingualSitemap):
    def items(self):
        return Page.objects.published()

    def lastmod(self, obj):
        return obj.updated_at


class StaticSitemap(BilingualSitemap):
    def items(self):
        return ["pages:home", "press:list"]

    def location(self, item):
        return reverse(item)
