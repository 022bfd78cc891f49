from django.conf import settings

from pages.models import SiteSettings


def site(request):
    return {"site": SiteSettings.load(), "site_url": settings.SITE_URL}
