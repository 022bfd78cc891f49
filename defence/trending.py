"""Who is signing unusually fast, per campaign (shown in the admin, emailed past a threshold)."""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from core.notify import admin_url, email_organizers
from signatures.models import Campaign, Signature

from .models import RateLimit, TrendingAlert, is_ordinary_domain

WINDOW = timedelta(hours=1)


def trending(campaign: Campaign, since=None, limit: int = 20) -> dict:
    """The busiest network hashes and email domains of the last hour, most first."""
    since = since or timezone.now() - WINDOW
    recent = Signature.objects.filter(campaign=campaign, created_at__gte=since)
    exempt = RateLimit.for_campaign(campaign.pk).exempt_domains()
    networks = recent.exclude(ip_hash="").values("ip_hash").annotate(n=Count("pk")).order_by("-n")[:limit]
    domains = (
        recent.exclude(email_domain="").exclude(email_domain__in=exempt)
        .values("email_domain").annotate(n=Count("pk")).order_by("-n")[:limit]
    )  # fmt: skip
    found = {
        "networks": [(row["ip_hash"], row["n"]) for row in networks],
        "domains": [(row["email_domain"], row["n"]) for row in domains],
    }
    # Domains many real people share: offered for review, never for invalidating whole.
    found["ordinary"] = {domain for domain, _n in found["domains"] if is_ordinary_domain(domain, exempt)}
    return found


def alert_organizers() -> int:
    """Email organizers about each network or domain past its campaign's threshold, once an hour each."""
    now = timezone.now()
    alerts = []
    for campaign in Campaign.objects.filter(is_open=True):
        threshold = RateLimit.for_campaign(campaign.pk).trending_threshold
        found = trending(campaign, since=now - WINDOW)
        for kind, rows in (("network", found["networks"]), ("domain", found["domains"])):
            for key, count in rows:
                if count <= threshold:
                    continue
                if TrendingAlert.objects.filter(campaign=campaign, kind=kind, key=key, created_at__gte=now - WINDOW).exists():
                    continue
                alerts.append(TrendingAlert.objects.create(campaign=campaign, kind=kind, key=key, count=count))
    if alerts:
        email_organizers("defence/trending", {"alerts": alerts, "admin_url": admin_url("admin:defence_trending")})
    return len(alerts)


def purge_alerts(now=None) -> int:
    """Forget an alert once no signature carries its network hash or domain; returns how many.

    The privacy table keeps a network hash as long as the signature that had it.
    An alert is kept at least the hour it stops a second email.
    """
    now = now or timezone.now()
    signed = Signature.objects.filter(campaign_id=OuterRef("campaign_id"))
    alerts = TrendingAlert.objects.filter(created_at__lt=now - WINDOW).alias(
        network_signed=Exists(signed.filter(ip_hash=OuterRef("key"))),
        domain_signed=Exists(signed.filter(email_domain=OuterRef("key"))),
    )
    return alerts.filter(Q(kind="network", network_signed=False) | Q(kind="domain", domain_signed=False)).delete()[0]
