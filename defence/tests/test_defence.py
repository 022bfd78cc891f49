import pytest
from django.core.management import call_command

from defence import lists, pow
from defence.models import Invalidation, ListEntry, RateLimit
from signatures import services
from signatures.models import Signature
from signatures.tests.conftest import clear_caches, count_of, sign

pytestmark = pytest.mark.django_db


def confirm_everything_and_run_the_worker():
    for pk in Signature.objects.values_list("pk", flat=True):
        services.confirm(pk)
    call_command("worker", "--batch")
    clear_caches()


@pytest.fixture(autouse=True)
def _fresh_lists():
    lists.reset()
    yield
    lists.reset()


@pytest.fixture
def cheap_pow(monkeypatch):
    monkeypatch.setattr(pow, "BASE_DIFFICULTY", 20)


def solved(client, campaign=None, email="ana@example.org", ip="203.0.113.9"):
    """A proof solved as pow.js does: asked for the campaign and the email's domain, from the signer's network."""
    query = {"domain": email.rpartition("@")[2]} | ({"campaign": campaign.pk} if campaign else {})
    return pow.solve(client.get("/defence/challenge.json", query, REMOTE_ADDR=ip).json())


def test_a_flood_from_one_network_without_javascript_counts_at_most_the_limit(client, petition):
    RateLimit.objects.create(network_burst_without_check=3, network_sustained_without_check=10)
    for i in range(1000):
        response = sign(client, petition, email=f"bot{i}@example.org", ip="198.51.100.7")
        assert response.status_code == 200  # accepted on the surface
    confirm_everything_and_run_the_worker()
    assert Signature.objects.count() == 1000
    assert count_of(client, petition)["total"] == 3
    assert Signature.objects.filter(state="flagged").count() == 997
    assert set(Signature.objects.filter(state="flagged").values_list("flag_reason", flat=True)) == {
        "network over the burst limit"
    }


def test_with_proof_of_work_the_looser_limit_applies(client, petition, cheap_pow):
    RateLimit.objects.create(network_burst=10, network_burst_without_check=3)
    for i in range(25):
        email = f"person{i}@example.org"
        sign(client, petition, email=email, ip="198.51.100.8", pow=solved(client, petition, email, "198.51.100.8"))
    assert Signature.objects.filter(proof_of_work=True).count() == 25
    confirm_everything_and_run_the_worker()
    assert count_of(client, petition)["total"] == 10


def test_other_networks_are_not_affected_by_a_flood(client, petition):
    for i in range(20):
        sign(client, petition, email=f"bot{i}@example.org", ip="198.51.100.7")
    sign(client, petition, email="real@example.org", ip="192.0.2.44")
    confirm_everything_and_run_the_worker()
    real = Signature.objects.order_by("-pk").first()
    assert real.state == "verified"
    assert Signature.objects.filter(ip_hash=real.ip_hash).count() == 1


def test_a_replayed_proof_of_work_is_rejected(client, petition, cheap_pow):
    payload = solved(client, petition, "a@example.org")
    assert sign(client, petition, email="a@example.org", pow=payload).status_code == 200
    response = sign(client, petition, email="b@example.org", pow=payload)
    assert response.status_code == 400
    assert "The automatic spam check did not work" in response.content.decode()
    assert Signature.objects.count() == 1


@pytest.mark.parametrize("payload", ["nonsense", "eyJ9", "e30=", "A" * 2000])
def test_a_forged_proof_of_work_is_rejected(client, petition, payload):
    response = sign(client, petition, pow=payload)
    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_a_proof_signed_with_another_key_is_rejected(client, petition, cheap_pow, settings):
    payload = solved(client, petition)
    settings.SECRET_KEY = "another secret key, another server"
    assert sign(client, petition, pow=payload).status_code == 400


def test_the_challenge_is_never_cached(client, db):
    response = client.get("/defence/challenge.json")
    assert "no-store" in response["Cache-Control"]
    assert set(response.json()) == {"algorithm", "challenge", "maxnumber", "salt", "signature", "messages"}


def challenge_for(client, campaign, ip, domain="example.org"):
    return client.get("/defence/challenge.json", {"campaign": campaign.pk, "domain": domain}, REMOTE_ADDR=ip).json()


def flood(campaign, n, **fields):
    start = Signature.objects.count()
    rows = (Signature(campaign=campaign, name="x", email_hash=f"h{start + i}", **fields) for i in range(n))
    Signature.objects.bulk_create(rows)
    clear_caches()


def test_the_work_rises_for_the_flooding_network_only(client, petition):
    from core.privacy import ip_hash

    base = challenge_for(client, petition, "198.51.100.7")["maxnumber"]
    assert base == pow.BASE_DIFFICULTY
    flood(petition, pow.NETWORK_STEP * pow.MAX_LEVEL, ip_hash=ip_hash("198.51.100.7"), email_domain="example.org")
    assert challenge_for(client, petition, "198.51.100.7", "other.example")["maxnumber"] > base * 100
    # A surge from many other networks, or the same network on another campaign, costs nobody else anything.
    assert challenge_for(client, petition, "192.0.2.44", "another.example")["maxnumber"] == base
    other = petition.__class__.objects.create(kind="petition", slug="q", title="Q", target="T", summary="S", body="B")
    assert challenge_for(client, other, "198.51.100.7")["maxnumber"] == base


def test_the_work_rises_for_a_flooding_email_domain_but_not_for_big_providers(client, petition):
    flood(petition, pow.DOMAIN_STEP * pow.MAX_LEVEL, email_domain="flood.example")
    assert challenge_for(client, petition, "192.0.2.1", "FLOOD.example")["maxnumber"] > pow.BASE_DIFFICULTY * 100
    assert challenge_for(client, petition, "192.0.2.1", "quiet.example")["maxnumber"] == pow.BASE_DIFFICULTY
    flood(petition, pow.DOMAIN_STEP * pow.MAX_LEVEL, email_domain="gmail.com")
    assert challenge_for(client, petition, "192.0.2.1", "googlemail.com")["maxnumber"] == pow.BASE_DIFFICULTY


def test_an_honest_source_under_the_default_limits_is_asked_at_most_the_honest_level(client, petition):
    from core.privacy import ip_hash

    limits = RateLimit()
    flood(petition, limits.network_burst - 1, ip_hash=ip_hash("198.51.100.9"))
    flood(petition, limits.domain_burst - 1, email_domain="school.example")
    honest = pow.difficulty_at(pow.HONEST_LEVEL)
    assert pow.BASE_DIFFICULTY < challenge_for(client, petition, "198.51.100.9")["maxnumber"] <= honest
    assert pow.BASE_DIFFICULTY < challenge_for(client, petition, "192.0.2.9", "school.example")["maxnumber"] <= honest


@pytest.mark.parametrize(
    ("ip", "domain", "for_campaign"),
    [("192.0.2.99", "example.org", True), ("203.0.113.9", "quiet.example", True), ("203.0.113.9", "example.org", False)],
)
def test_a_proof_made_for_another_network_domain_or_form_counts_as_none(client, petition, cheap_pow, ip, domain, for_campaign):
    query = {"domain": domain} | ({"campaign": petition.pk} if for_campaign else {})
    payload = pow.solve(client.get("/defence/challenge.json", query, REMOTE_ADDR=ip).json())
    assert sign(client, petition, email="ana@example.org", ip="203.0.113.9", pow=payload).status_code == 200
    assert Signature.objects.get().proof_of_work is False


def test_a_proof_made_for_this_signer_counts(client, petition, cheap_pow):
    sign(client, petition, email="ana@Example.org", pow=solved(client, petition, "x@example.ORG"))
    assert Signature.objects.get().proof_of_work is True


def test_disposable_addresses_are_flagged(client, petition):
    sign(client, petition, email="someone@mailinator.com")
    confirm_everything_and_run_the_worker()
    signature = Signature.objects.get()
    assert (signature.state, signature.flag_reason) == ("flagged", "disposable email domain")
    # The signer sees nothing different: the page says thanks all the same.
    assert count_of(client, petition)["total"] == 0


@pytest.mark.parametrize(
    ("kind", "value", "ip", "email"),
    [
        ("network", "198.51.100.0/24", "198.51.100.50", "a@example.org"),
        ("domain", "spam.example", "192.0.2.1", "a@spam.example"),
        ("email", "Target+x@Example.org", "192.0.2.1", "target@example.org"),
    ],
)
def test_block_lists_flag_silently(client, admin_client, petition, kind, value, ip, email):
    response = admin_client.post("/admin/defence/listentry/add/", {"action": "block", "kind": kind, "value": value})
    assert response.status_code == 302
    lists.reset()
    response = sign(client, petition, email=email, ip=ip)
    assert "Check your email" in response.content.decode()
    confirm_everything_and_run_the_worker()
    assert Signature.objects.get().state == "flagged"


def test_an_email_on_a_list_is_stored_only_as_a_hash(admin_client, db):
    admin_client.post("/admin/defence/listentry/add/", {"action": "block", "kind": "email", "value": "who@example.org"})
    assert "who@example.org" not in ListEntry.objects.get().value


def test_an_allow_list_skips_the_limits(client, admin_client, petition):
    admin_client.post("/admin/defence/listentry/add/", {"action": "allow", "kind": "network", "value": "10.9.0.0/16"})
    lists.reset()
    for i in range(8):
        sign(client, petition, email=f"student{i}@example.edu", ip="10.9.3.4")
    confirm_everything_and_run_the_worker()
    assert count_of(client, petition)["total"] == 8


def test_a_bad_list_value_gets_a_clear_error(admin_client, db):
    response = admin_client.post("/admin/defence/listentry/add/", {"action": "block", "kind": "network", "value": "300.1.1.1"})
    assert "Enter an IP address or range" in response.content.decode()


def test_an_email_domain_flood_is_flagged_but_big_providers_are_exempt(client, petition):
    RateLimit.objects.create(domain_burst=5, network_burst_without_check=1000, network_sustained_without_check=1000)
    for i in range(8):
        sign(client, petition, email=f"x{i}@smallco.example", ip=f"192.0.2.{i + 1}")
        sign(client, petition, email=f"x{i}@gmail.com", ip=f"192.0.2.{i + 1}")
    confirm_everything_and_run_the_worker()
    assert Signature.objects.filter(email_domain="smallco.example", state="flagged").count() == 3
    assert Signature.objects.filter(email_domain="gmail.com", state="flagged").count() == 0


def test_organizers_see_trending_sources_and_invalidate_them_in_bulk(client, admin_client, petition, admin_user):
    RateLimit.objects.create(network_burst_without_check=1000, network_sustained_without_check=1000)
    for i in range(6):
        sign(client, petition, email=f"bot{i}@example.org", ip="198.51.100.7")
    sign(client, petition, email="real@example.org", ip="192.0.2.44")
    confirm_everything_and_run_the_worker()
    bot_hash = Signature.objects.order_by("pk").first().ip_hash

    page = admin_client.get("/admin/defence/ratelimit/trending/").content.decode()
    assert bot_hash in page and "198.51.100.7" not in page

    form = {"campaign": petition.pk, "ip_hash": bot_hash, "reason": "bot farm"}
    preview = admin_client.post("/admin/defence/invalidation/add/", form)
    assert "This matches 6 signatures" in preview.content.decode()
    assert not Invalidation.objects.exists() and not Signature.objects.filter(state="invalidated").exists()
    response = admin_client.post("/admin/defence/invalidation/add/", {**form, "previewed_count": 6})
    assert response.status_code == 302
    record = Invalidation.objects.get()
    assert (record.matched, record.created_by, record.reason) == (6, admin_user, "bot farm")
    call_command("worker", "--batch")
    clear_caches()
    assert count_of(client, petition)["total"] == 1


def test_a_bulk_invalidation_needs_some_criterion(client, admin_client, petition):
    for i in range(3):
        sign(client, petition, email=f"person{i}@example.org")
    confirm_everything_and_run_the_worker()
    response = admin_client.post("/admin/defence/invalidation/add/", {"campaign": petition.pk, "reason": "everything"})
    assert "Choose at least one of" in response.content.decode()
    assert list(Signature.objects.values_list("state", flat=True)) == ["verified"] * 3
    assert not Invalidation.objects.exists()
    assert count_of(client, petition)["total"] == 3


def test_a_bulk_invalidation_refuses_a_time_window_alone(client, admin_client, petition):
    sign(client, petition, email="person@example.org")
    confirm_everything_and_run_the_worker()
    form = {"campaign": petition.pk, "reason": "rally", "signed_from_0": "2020-01-01", "signed_from_1": "00:00:00",
            "signed_until_0": "2099-01-01", "signed_until_1": "00:00:00", "previewed_count": 1}  # fmt: skip
    response = admin_client.post("/admin/defence/invalidation/add/", form)
    assert "A time window alone is refused" in response.content.decode()
    assert not Invalidation.objects.exists() and Signature.objects.get().state == "verified"


def test_organizers_are_emailed_past_the_trending_threshold_once(client, petition, mailoutbox):
    from pages.models import SiteSettings

    site = SiteSettings.load()
    site.notification_emails = "team@example.org"
    site.save()
    RateLimit.objects.create(trending_threshold=5)
    for i in range(7):
        sign(client, petition, email=f"bot{i}@example.org", ip="198.51.100.7")
    call_command("worker", "--batch")
    alerts = [m for m in mailoutbox if "Unusual signing" in m.subject]
    assert len(alerts) == 1
    assert "/admin/defence/ratelimit/trending/" in alerts[0].body
    call_command("worker", "--batch")
    assert len([m for m in mailoutbox if "Unusual signing" in m.subject]) == 1


def test_the_signature_table_never_holds_a_raw_address(client, petition):
    sign(client, petition, ip="198.51.100.77")
    row = Signature.objects.values().get()
    assert not any("198.51.100.77" in str(value) for value in row.values())


def test_signing_right_now_never_offers_a_whole_ordinary_domain_for_invalidation(client, admin_client, petition):
    RateLimit.objects.create(network_burst_without_check=1000, network_sustained_without_check=1000)
    for i in range(3):
        sign(client, petition, email=f"student{i}@state.edu", ip=f"192.0.2.{i + 10}")
        sign(client, petition, email=f"bot{i}@smallco.example", ip=f"198.51.100.{i + 10}")
    page = admin_client.get("/admin/defence/ratelimit/trending/").content.decode()
    assert "state.edu" in page and "smallco.example" in page
    assert "email_domain=smallco.example" in page
    assert "email_domain=state.edu" not in page  # review only: a campus is many real people
    assert "used by many real people" in page


@pytest.mark.parametrize("domain", ["gmail.com", "GMail.com", "state.edu", "listed-exempt.example"])
def test_a_bulk_invalidation_refuses_a_whole_ordinary_domain_without_a_network(client, admin_client, petition, domain):
    RateLimit.objects.create(domains_exempt="listed-exempt.example")
    sign(client, petition, email=f"person@{domain.lower()}")
    confirm_everything_and_run_the_worker()
    form = {"campaign": petition.pk, "reason": "flood", "email_domain": domain, "previewed_count": 1}
    response = admin_client.post("/admin/defence/invalidation/add/", form)
    assert "is the address of many real people" in response.content.decode()
    assert not Invalidation.objects.exists() and Signature.objects.get().state == "verified"
    # With the network hash of the bot that used it, the preview goes ahead.
    network = Signature.objects.get().ip_hash
    preview = admin_client.post("/admin/defence/invalidation/add/", {**form, "ip_hash": network, "previewed_count": ""})
    assert "This matches 1 signature" in preview.content.decode()
