"""Trending alerts hold network hashes: the privacy table keeps those only as long as the signatures."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from defence.models import RateLimit, TrendingAlert
from signatures import services
from signatures.models import Signature
from signatures.tests.conftest import sign

pytestmark = pytest.mark.django_db


def alert_for(client, campaign, ip, prefix):
    for i in range(4):
        sign(client, campaign, email=f"{prefix}{i}@example.org", ip=ip)
    call_command("worker", "--batch")
    return TrendingAlert.objects.get(kind="network", key=Signature.objects.filter(email__startswith=prefix).first().ip_hash)


def test_an_alert_goes_with_the_last_signature_from_its_network(client, petition):
    RateLimit.objects.create(trending_threshold=3, network_burst_without_check=100, network_sustained_without_check=100)
    unconfirmed = alert_for(client, petition, "198.51.100.7", "bot")
    confirmed = alert_for(client, petition, "198.51.100.8", "real")
    for pk in Signature.objects.filter(email__startswith="real").values_list("pk", flat=True):
        services.confirm(pk)
    eight_days_ago = timezone.now() - timedelta(days=8)
    Signature.objects.update(created_at=eight_days_ago)
    TrendingAlert.objects.update(created_at=eight_days_ago)

    call_command("worker", "--batch")  # the hourly purges: unconfirmed signatures after 7 days, then their alerts

    assert not Signature.objects.filter(ip_hash=unconfirmed.key).exists()
    assert not TrendingAlert.objects.filter(key=unconfirmed.key).exists()
    assert TrendingAlert.objects.filter(key=confirmed.key).exists()  # its signatures still stand


def test_an_alert_stays_its_hour_to_stop_a_second_email(petition):
    alert = TrendingAlert.objects.create(campaign=petition, kind="network", key="no-signature-left", count=9)
    call_command("worker", "--batch")
    assert TrendingAlert.objects.filter(pk=alert.pk).exists()
    TrendingAlert.objects.update(created_at=timezone.now() - timedelta(hours=2))
    call_command("worker", "--batch")
    assert not TrendingAlert.objects.exists()
