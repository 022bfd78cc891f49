from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    # SITE_URL, not the request's Host header: the sitemap's address must be the public one.
    return render(request, "robots.txt", {"site_url": settings.SITE_URL}, content_type="text/plain; charset=utf-8")

