"""Abuse defence as organizers read it: the limits in force, what happens past them, rallies, and why a signature
was flagged."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from core.privacy import ip_hash
from defence import lists
from defence.models import NetworkAllowance, RateLimit
from defence.tests.test_defence import confirm_everything_and_run_the_worker
from signatures.models import Signature
from signatures.tests.conftest import count_of, sign

pytestmark = pytest.mark.django_db

VENUE = "203.0.113.40"


@pytest.fixture(autouse=True)
def _fresh_lists():
    lists.reset()
    yield
    lists.reset()


@pytest.fixture
def coordinator(db):
    from organizer import roles

    roles.sync()
    user = get_user_model().objects.create_user("coordinator", password="a long password 123", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.COORDINATOR))
    client = Client()
    client.force_login(user)
    return client


def test_with_nothing_saved_the_page_shows_the_defaults_in_force_in_words(admin_client):
    assert not RateLimit.objects.exists()
    html = admin_client.get("/admin/defence/ratelimit/").content.decode()
    assert "The limits in force now" in html
    assert "the built-in defaults: nothing saved, nothing to do" in html
    assert "at most 10 signatures in 1 minute and 50 in 1 hour" in html
    assert "JavaScript off): 3 and 10." in html
    assert "From one email domain: at most 30 in 1 minute and 300 in 1 hour." in html
    assert "have no domain limit" in html
    assert "silently flagged and not counted" in html
    assert "Rallies and shared Wi-Fi" in html


def test_saved_limits_are_the_ones_shown(admin_client, petition):
    RateLimit.objects.create(network_burst=25, burst_seconds=120)
    RateLimit.objects.create(campaign=petition, network_sustained=500)
    html = admin_client.get("/admin/defence/ratelimit/").content.decode()
    assert "nothing saved" not in html
    assert "at most 25 signatures in 2 minutes" in html
    assert str(petition) in html and "and 500 in 1 hour" in html


def test_a_rally_network_allowed_with_one_click_is_not_flagged_and_only_its_hash_is_kept(coordinator, client, petition):
    response = coordinator.post(
        "/admin/defence/ratelimit/allow-network/", {"note": "Rally at City Hall", "hours": "4"}, REMOTE_ADDR=VENUE
    )
    assert response.status_code == 302
    allowance = NetworkAllowance.objects.get()
    assert allowance.ip_hash == ip_hash(VENUE)
    assert timedelta(hours=3, minutes=59) < allowance.ends_at - allowance.starts_at <= timedelta(hours=4)
    assert not any(VENUE in str(value) for value in NetworkAllowance.objects.values().get().values())
    entry = AuditEntry.objects.get(action="defence.allow_network")
    assert entry.actor.username == "coordinator" and VENUE not in str(entry.data) + entry.object_repr

    for i in range(30):
        sign(client, petition, email=f"neighbour{i}@gmail.com", ip=VENUE)
    for i in range(15):
        sign(client, petition, email=f"bot{i}@gmail.com", ip="198.51.100.99")
    confirm_everything_and_run_the_worker()
    assert not Signature.objects.filter(ip_hash=ip_hash(VENUE), state="flagged").exists()
    assert Signature.objects.filter(ip_hash=ip_hash("198.51.100.99"), state="flagged").count() == 12  # 3 without JS
    assert count_of(client, petition)["total"] == 33

    html = coordinator.get("/admin/defence/ratelimit/").content.decode()
    assert "Rally at City Hall" in html and "(in force)" in html


def test_after_the_allowance_ends_the_limits_apply_again(admin_client, client, petition):
    now = timezone.now()
    NetworkAllowance.objects.create(ip_hash=ip_hash(VENUE), starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=1))
    for i in range(5):
        sign(client, petition, email=f"late{i}@example.org", ip=VENUE)
    confirm_everything_and_run_the_worker()
    assert Signature.objects.filter(state="flagged").count() == 2


def test_signing_right_now_offers_the_allowance_for_a_busy_network(coordinator, client, petition):
    for i in range(3):
        sign(client, petition, email=f"p{i}@example.org", ip=VENUE)
    html = coordinator.get("/admin/defence/ratelimit/trending/").content.decode()
    assert "a rally: allow for 4 hours" in html
    coordinator.post(
        "/admin/defence/ratelimit/allow-network/",
        {"ip_hash": ip_hash(VENUE), "hours": "4", "note": "from the list", "next": "/admin/defence/ratelimit/trending/"},
        REMOTE_ADDR="198.51.100.1",
    )
    assert NetworkAllowance.objects.get().ip_hash == ip_hash(VENUE)  # the network shown, not the organizer's own
    assert "allowed for an event" in coordinator.get("/admin/defence/ratelimit/trending/").content.decode()


def test_an_allowance_for_a_wrong_length_or_a_malformed_hash_is_refused(coordinator):
    coordinator.post("/admin/defence/ratelimit/allow-network/", {"hours": "72"})
    coordinator.post("/admin/defence/ratelimit/allow-network/", {"hours": "4", "ip_hash": "203.0.113.40"})
    assert not NetworkAllowance.objects.exists()


def test_a_moderator_sees_the_limits_but_cannot_allow_a_network(db):
    from organizer import roles

    roles.sync()
    user = get_user_model().objects.create_user("moderator", password="a long password 123", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.MODERATOR))
    client = Client()
    client.force_login(user)
    html = client.get("/admin/defence/ratelimit/").content.decode()
    assert "The limits in force now" in html and "Allow the network I am on now" not in html
    assert client.post("/admin/defence/ratelimit/allow-network/", {"hours": "4"}).status_code == 403
    assert not NetworkAllowance.objects.exists()


def test_every_flagged_signature_says_why(admin_client, client, petition):
    RateLimit.objects.create(network_burst_without_check=1)
    for i in range(2):
        sign(client, petition, email=f"x{i}@example.org", ip="198.51.100.50")
    sign(client, petition, email="by-hand@example.org", ip="198.51.100.51")
    confirm_everything_and_run_the_worker()
    by_hand = Signature.objects.get(email_domain="example.org", ip_hash=ip_hash("198.51.100.51"))
    admin_client.post("/admin/signatures/signature/", {"action": "flag", "_selected_action": [by_hand.pk]})
    html = admin_client.get("/admin/signatures/signature/?state__exact=flagged").content.decode()
    assert "Flagged (not counted): network over the burst limit" in html
    assert "Flagged (not counted): flagged by an organizer" in html
    page = admin_client.get(f"/admin/signatures/signature/{by_hand.pk}/change/").content.decode()
    assert "flagged by an organizer" in page
    admin_client.post("/admin/signatures/signature/", {"action": "unflag", "_selected_action": [by_hand.pk]})
    by_hand.refresh_from_db()
    assert by_hand.flag_reason == ""
