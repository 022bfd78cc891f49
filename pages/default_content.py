from core.default_content import add_translations, read, spanish

from .models import Organization, Page, SiteSettings, SocialLink, Source


def load(directory, once):
    site = read("site.toml", directory)
    if site.get("settings") and once("site:settings"):
        SiteSettings.objects.update_or_create(pk=1, defaults=site["settings"])
    for position, link in enumerate(site.get("social", [])):
        if once(f"social:{link['url']}"):
            SocialLink.objects.create(position=position, **link)
    for position, org in enumerate(site.get("organizations", [])):
        if once(f"organization:{org['name']}"):
            Organization.objects.get_or_create(name=org["name"], defaults={**org, "position": position})

    for position, data in enumerate(read("pages.toml", directory).get("pages", [])):
        key = f"page:{data['slug']}"
        translated = spanish(data)
        sources = data.pop("sources", [])
        if once(key):
            page, created = Page.objects.get_or_create(slug=data["slug"], defaults={**data, **translated, "position": position})
            if created:
                Source.objects.bulk_create(Source(page=page, position=i + 1, **s) for i, s in enumerate(sources))
        # A site that loaded the English pages before gets the Spanish once.
        if translated and once(f"{key}:es"):
            add_translations(Page.objects.filter(slug=data["slug"]).first(), translated)
