"""The rate windows give the same answer however the new signatures are split into batches."""

from datetime import timedelta

import pytest
from django.utils import timezone

from defence import checks
from defence.models import RateLimit
from signatures.models import Campaign, Signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(kind="petition", slug="w", title="W", target="T", summary="S", body="B")


def arrive(campaign, n, start, every, ip="net-a", domain="example.net", first=0):
    Signature.objects.bulk_create(
        Signature(campaign=campaign, name="S", email_hash=f"{ip}-{first + i}", ip_hash=ip, email_domain=domain,
                  proof_of_work=True, created_at=start + i * every)
        for i in range(n)
    )  # fmt: skip


def unflagged(ip="net-a"):
    return Signature.objects.filter(ip_hash=ip).exclude(state="flagged").count()


@pytest.mark.parametrize("batch", [1, 3, 7, 2_000])
def test_a_network_past_its_limits_is_flagged_whatever_the_batch_size(campaign, batch):
    RateLimit.objects.create(network_burst=4, network_sustained=6, domain_burst=1_000, domain_sustained=1_000)
    start = timezone.now() - timedelta(minutes=30)
    arrive(campaign, 10, start, timedelta(seconds=1), ip="burst")  # 10 in 10 s: 4 pass
    arrive(campaign, 3, start, timedelta(seconds=1))
    arrive(campaign, 7, start + timedelta(minutes=5), timedelta(minutes=2), first=3)  # slower: 6 an hour pass
    arrive(campaign, 3, start, timedelta(seconds=1), ip="net-b")  # another network is not affected
    while checks.check_new_signatures(batch):
        pass
    assert unflagged("burst") == 4
    assert unflagged() == 6
    assert unflagged("net-b") == 3


def test_only_the_window_counts(campaign):
    RateLimit.objects.create(network_burst=2, network_sustained=100, burst_seconds=60)
    start = timezone.now() - timedelta(minutes=30)
    arrive(campaign, 6, start, timedelta(seconds=61))  # never two in a minute
    checks.check_new_signatures(batch=2)
    checks.check_new_signatures()
    assert unflagged() == 6
