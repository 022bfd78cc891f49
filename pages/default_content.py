from core.default_content import read

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
        if not once(f"page:{data['slug']}"):
            continue
        sources = data.pop("sources", [])
        page, created = Page.objects.get_or_create(slug=data["slug"], defaults={**data, "position": position})
        if created:
            Source.objects.bulk_create(Source(page=page, position=i + 1, **s) for i, s in enumerate(sources))
