from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signatures import counting, services, tokens
from signatures.models import Count, Signature

from .conftest import run_worker, sign

pytestmark = pytest.mark.django_db


def make(campaign, n, state="verified", us_state="IL", kind="individual", **extra):
    now = timezone.now()
    Signature.objects.bulk_create(
        Signature(
            campaign=campaign, name=f"P{i}", email_hash=f"{campaign.pk}-{state}-{us_state}-{kind}-{i}-{now.timestamp()}",
            state=state, us_state=us_state, kind=kind, verified_at=now if state == "verified" else None, checked=True, **extra,
        )
        for i in range(n)
    )  # fmt: skip


def test_signing_and_confirming_never_write_the_counts(client, petition):
    table = Count._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        assert sign(client, petition).status_code == 200
        signature = Signature.objects.get()
        response = client.post(f"/signature/confirm/{tokens.make(signature.pk, 'confirm')}/")
        assert response.status_code in (200, 302)
    assert Signature.objects.get().state == "verified"
    writes = [q["sql"] for q in queries if table in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []
    assert Count.objects.count() == 0
    run_worker()  # the worker's checks and fold, and only they, count the signature
    assert counting.total_in_table(petition.pk) == 1


def test_the_batched_job_adds_verified_signatures_per_state(petition):
    make(petition, 3, us_state="IL")
    make(petition, 2, us_state="CA")
    make(petition, 4, state="pending")
    make(petition, 1, state="flagged")
    assert counting.update_counts() == 5
    assert counting.update_counts() == 0  # nothing new: nothing to do
    counts = counting.public_counts(petition.pk)
    assert counts["total"] == 5
    assert counts["by_state"] == {"CA": 2, "IL": 3}


def test_invalidating_or_flagging_a_counted_signature_takes_it_off(petition):
    make(petition, 4)
    counting.update_counts()
    first, second = Signature.objects.order_by("pk")[:2]
    services.invalidate(Signature.objects.filter(pk=first.pk), actor=None)
    services.flag(Signature.objects.filter(pk=second.pk), actor=None)
    counting.update_counts()
    assert counting.total_in_table(petition.pk) == 2


def test_an_organization_counts_only_once_approved(letter):
    make(letter, 2, kind="organization", organization="Org")
    make(letter, 3)
    counting.update_counts()
    assert counting.total_in_table(letter.pk) == 3
    services.approve_organizations(Signature.objects.filter(kind="organization"), actor=None)
    counting.update_counts()
    counts = counting.public_counts(letter.pk)
    assert (counts["total"], counts["organizations"], counts["individuals"]) == (5, 2, 3)


def test_recount_rebuilds_the_counts_exactly_from_the_signatures(petition, letter):
    make(petition, 7, us_state="NY")
    make(letter, 2, us_state="")
    counting.update_counts()
    Count.objects.update(total=999)  # drifted, corrupted, or edited by hand
    Signature.objects.filter(campaign=petition).order_by("pk")[:1].get().delete()
    call_command("recount")
    assert counting.total_in_table(petition.pk) == 6
    assert counting.total_in_table(letter.pk) == 2
    assert dict(Count.objects.filter(campaign=petition).values_list("us_state", "total")) == {"NY": 6}


def test_the_worker_keeps_the_count_within_seconds(client, petition):
    make(petition, 2)
    call_command("worker", "--batch")
    assert client.get("/petition/p/count.json").json()["total"] == 2


@pytest.mark.parametrize(
    ("total", "goal"),
    [(0, 100), (99, 100), (100, 250), (2_499, 2_500), (499_999, 500_000), (500_000, 1_000_000), (1_000_000, 2_500_000),
     (2_500_000, 5_000_000), (5_000_000, 10_000_000)],
)  # fmt: skip
def test_the_next_milestone_rises_as_each_is_reached(total, goal):
    assert counting.next_milestone(total) == goal


def test_the_progress_bar_shows_the_next_milestone(client, petition):
    make(petition, 120)
    counting.update_counts()
    html = client.get("/petition/p/").content.decode()
    assert '<progress value="120" max="250"' in html
    assert "Next goal: 250 signatures" in html


def test_purge_deletes_unconfirmed_signatures_after_seven_days(petition):
    old = timezone.now() - timedelta(days=8)
    make(petition, 2, state="pending", created_at=old)
    make(petition, 1, state="pending")
    make(petition, 1, state="verified", created_at=old)
    call_command("purge_signatures")
    assert Signature.objects.filter(state="pending").count() == 1
    assert Signature.objects.filter(state="verified").count() == 1
