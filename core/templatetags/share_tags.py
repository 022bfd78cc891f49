"""Open Graph and Twitter card tags for every public page (base.html's {% block share %}).

A page that has its own share image (a campaign, a local fight, the profits
page) overrides the block and passes its title, description and image; every
other page gets the site's own card: its name, headline and image.
"""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from core import share_image

register = template.Library()

LOCALES = {"en": "en_US", "es": "es_US"}


@register.inclusion_tag("core/share_meta.html", takes_context=True)
def share_meta(context, title="", description="", image="", image_alt="", og_type="website"):
    site = context.get("site")
    request = context.get("request")
    site_name = site.site_name if site else ""
    if not image:
        card = site_card(site)
        image = share_image.url(reverse("share_image"), card)
        image_alt = image_alt or f"{card.title} · {site_name}"
    language = (get_language() or "en").split("-")[0]
    return {
        "site_name": site_name,
        "title": title or site_name,
        "description": description or (site.headline if site else ""),
        "url": settings.SITE_URL + (request.path if request else "/"),
        "image": image,
        "image_alt": image_alt or title or site_name,
        "width": share_image.WIDTH,
        "height": share_image.HEIGHT,
        "og_type": og_type,
        "locale": LOCALES.get(language, "en_US"),
        "alternates": [locale for code, locale in LOCALES.items() if code != language],
    }


def site_card(site) -> share_image.ShareCard:
    """The card of pages without their own: the site's headline under its name."""
    return share_image.ShareCard(title=site.headline if site else "", site_name=site.site_name if site else "")
