from django.conf import settings

from core import navigation

from .models import SiteSettings


def site(request):
    """Every template gets the site settings (name, footer, social links), the public address and the menu.

    `navigation` is a function: the template calls it only where it draws the menu (not in the admin).
    """
    return {"site": SiteSettings.load(), "site_url": settings.SITE_URL, "navigation": navigation.links}
