import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signatures import counting, services, tokens
from signatures.models import Campaign, Count, Signature

from .conftest import clear_caches, run_worker, sign

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
    assert '<progress class="meter" value="120" max="250"' in html
    assert "Next goal: 250 signatures" in html


def test_purge_deletes_unconfirmed_signatures_after_seven_days(petition):
    old = timezone.now() - timedelta(days=8)
    make(petition, 2, state="pending", created_at=old)
    make(petition, 1, state="pending")
    make(petition, 1, state="verified", created_at=old)
    call_command("purge_signatures")
    assert Signature.objects.filter(state="pending").count() == 1
    assert Signature.objects.filter(state="verified").count() == 1


def test_the_daily_drift_check_repairs_and_reports_a_wrong_count(petition, mailoutbox, settings, caplog):
    settings.ORGANIZER_EMAILS = ["organizers@example.org"]
    make(petition, 5, us_state="NY")
    counting.update_counts()
    assert counting.check_drift() == 0  # nothing wrong: nothing said
    assert mailoutbox == []
    Count.objects.filter(campaign=petition, us_state="NY").update(total=6)  # one too many, as the fold race left it
    assert counting.check_drift() == 1
    assert counting.public_counts(petition.pk)["total"] == 5
    assert "was 6, now 5" in mailoutbox[0].body
    assert "count drift repaired" in caplog.text
    assert counting.check_drift() == 0


def test_the_worker_runs_the_drift_check_daily(settings):
    assert ("signatures.counting.check_drift", 86400) in settings.PERIODIC_JOBS


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_in_the_middle_of_the_count_fold_is_not_counted(petition):
    """PostgreSQL runs the fold and a withdrawal at the same time; the count must come out right."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite admits one writer at a time: the fold and a withdrawal cannot interleave")
    make(petition, 1, us_state="IL")
    signature = Signature.objects.get()
    Count.objects.create(campaign=petition, kind="individual", us_state="IL", total=0)
    locked, release = threading.Event(), threading.Event()

    def hold_the_count_row():
        # Another transaction holds the bucket's row: the fold stops just before it writes the count.
        with transaction.atomic():
            Count.objects.select_for_update().get(campaign=petition, us_state="IL")
            locked.set()
            release.wait(30)
        connection.close()

    def in_thread(function, *args):
        def run():
            try:
                function(*args)
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    holder = in_thread(hold_the_count_row)
    locked.wait(10)
    fold = in_thread(counting.update_counts)
    wait_until(lambda: waiting_on_locks() >= 1)
    withdrawal = in_thread(services.withdraw, signature.pk)
    wait_until(lambda: not withdrawal.is_alive() or waiting_on_locks() >= 2)
    release.set()
    for thread in (holder, fold, withdrawal):
        thread.join(30)
    counting.update_counts()
    assert counting.total_in_table(petition.pk) == 0
    assert not Signature.objects.exists()  # withdrawn: gone once subtracted


def waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_until(condition, timeout=10):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_an_organizers_goal_replaces_the_milestones_until_it_is_passed(client, admin_client, petition):
    response = admin_client.post(
        f"/admin/signatures/campaign/{petition.pk}/change/",
        {"kind": "petition", "title_en": petition.title, "title_es": "", "slug": petition.slug,
         "target_en": petition.target, "target_es": "", "summary_en": petition.summary, "summary_es": "",
         "body_en": petition.body, "body_es": "", "published": "on", "is_open": "on", "goal": "10000"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    make(petition, 120)
    counting.update_counts()
    html = client.get("/petition/p/").content.decode()
    assert '<progress class="meter" value="120" max="10000"' in html
    assert "Our goal: 10,000 signatures" in html and "Next goal" not in html

    Campaign.objects.filter(pk=petition.pk).update(goal=100)
    clear_caches()
    html = client.get("/petition/p/").content.decode()
    assert '<progress class="meter" value="120" max="250"' in html
    assert "We passed our goal of 100 signatures! Next goal: 250 signatures" in html


def test_a_goal_must_be_a_whole_positive_number(admin_client, petition):
    for bad in ["-5", "ten", "2.5"]:
        response = admin_client.post(
            f"/admin/signatures/campaign/{petition.pk}/change/",
            {"kind": "petition", "title_en": petition.title, "title_es": "", "slug": petition.slug,
             "target_en": petition.target, "target_es": "", "summary_en": petition.summary, "summary_es": "",
             "body_en": petition.body, "body_es": "", "published": "on", "goal": bad},
        )  # fmt: skip
        assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert Campaign.objects.get(pk=petition.pk).goal is None
