from core.default_content import read
from pages.models import Organization

from .models import Campaign


def load(directory, once):
    for data in read("campaigns.toml", directory).get("campaigns", []):
        if not once(f"campaign:{data['slug']}"):
            continue
        partners = data.pop("partners", [])
        campaign, created = Campaign.objects.get_or_create(slug=data["slug"], defaults=data)
        if created and partners:
            campaign.partners.set(Organization.objects.filter(name__in=partners))
