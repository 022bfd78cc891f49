from datetime import timedelta

import pytest
from django.utils import timezone

from contact.models import ContactMessage
from local_actions.models import Submission
from pages.models import SiteSettings
from signatures.models import Signature

pytestmark = pytest.mark.django_db


def sign(campaign, **fields):
    defaults = {"name": "Ana", "state": "verified", "zip_code": "60601"}
    return Signature.objects.create(campaign=campaign, **{**defaults, **fields})


def test_home_shows_the_work_waiting_with_links(admin_client, campaign):
    ContactMessage.objects.create(name="Ana", email="a@example.org", message="Hi")
    Submission.objects.create(city="Oak", state="IL", status="proposed", description="d", contact_name="B",
                              contact_email="b@example.org")  # fmt: skip
    sign(campaign, kind="organization", organization="Group")
    sign(campaign, state="flagged", flag_reason="burst")
    page = admin_client.get("/admin/").content.decode()
    assert "Waiting for you" in page
    assert "<strong>1</strong> New contact messages" in page
    assert "<strong>1</strong> Submitted local fights to review" in page
    assert "<strong>1</strong> Organizations waiting for approval" in page
    assert "<strong>1</strong> Signatures flagged today" in page
    assert "?status__exact=new" in page and "Signing right now" in page


def test_home_draws_signatures_per_day_as_svg(admin_client, campaign):
    sign(campaign)
    sign(campaign, created_at=timezone.now() - timedelta(days=2))
    sign(campaign, created_at=timezone.now() - timedelta(days=40))  # outside the 30 days
    page = admin_client.get("/admin/").content.decode()
    assert "<svg" in page and page.count('class="organizer-chart-bar"') == 30
    assert "2 signatures received in the last 30 days" in page


def test_home_warns_when_nobody_receives_notices(admin_client, settings):
    settings.ORGANIZER_EMAILS = []
    assert "Nobody receives notices" in admin_client.get("/admin/").content.decode()
    SiteSettings.objects.update_or_create(pk=1, defaults={"notification_emails": "team@example.org"})
    assert "Nobody receives notices" not in admin_client.get("/admin/").content.decode()


def test_home_does_not_warn_when_the_environment_names_organizers(admin_client, settings):
    settings.ORGANIZER_EMAILS = ["team@example.org"]
    assert "Nobody receives notices" not in admin_client.get("/admin/").content.decode()


def test_sections_in_organizer_order_and_technical_for_superusers_only(admin_client, member):
    page = admin_client.get("/admin/").content.decode()
    order = ["Campaigns and signatures", "Local fights", "Site content", "Messages", "Abuse defence",
             "Technical (administrators)"]  # fmt: skip
    positions = [page.index(name) for name in order]
    assert positions == sorted(positions)
    from django.test import Client

    client = Client()
    client.force_login(member("Coordinator"))
    page = client.get("/admin/").content.decode()
    assert "Campaigns and signatures" in page and "Technical (administrators)" not in page
    assert "OTP" not in page and "Access attempts" not in page


def test_moderator_home_hides_what_they_cannot_open(member, client):
    client.force_login(member("Editor"))
    page = client.get("/admin/").content.decode()
    assert "New contact messages" not in page and "Signatures flagged today" not in page
    assert "Signing right now" not in page


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/static/img/favicon.svg")


def test_site_settings_open_straight_to_the_form(admin_client):
    response = admin_client.get("/admin/pages/sitesettings/")
    assert response.status_code == 302 and response["Location"] == "/admin/pages/sitesettings/1/change/"
    assert admin_client.get(response["Location"]).status_code == 200


def test_a_signature_page_offers_its_actions_and_erase_still_asks_first(admin_client, campaign):
    row = sign(campaign)
    page = admin_client.get(f"/admin/signatures/signature/{row.pk}/change/").content.decode()
    for label in ["Flag", "Invalidate", "Erase"]:
        assert f">{label}</button>" in page
    for label in ["Unflag", "Approve"]:  # not flagged, not an organization
        assert f">{label}</button>" not in page
    asked = admin_client.post("/admin/signatures/signature/", {"action": "erase", "_selected_action": [row.pk]})
    assert "This affects 1 signature." in asked.content.decode()
    admin_client.post("/admin/signatures/signature/", {"action": "flag", "_selected_action": [row.pk]})
    assert Signature.objects.get(pk=row.pk).state == "flagged"


def test_every_admin_page_says_the_time_zone_once_instead_of_under_each_date_field(admin_client, settings):
    page = admin_client.get("/admin/signatures/campaign/add/").content.decode()
    assert f'<p class="organizer-time-zone">All times: {settings.TIME_ZONE}</p>' in page
    assert "organizer/admin.css" in page  # hides DateTimeShortcuts' "You are N hours ahead of server time"
    assert 'id="nav-sidebar"' not in page  # the home lists the sections; the tables get the width
