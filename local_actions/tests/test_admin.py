"""Organizers approve or reject submissions, and add, edit, publish and unpublish actions."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from local_actions import services
from local_actions.models import LocalAction, LocalActionSource, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer(client):
    user = get_user_model().objects.create_superuser("organizer", "org@example.org", "a long password 123")
    client.force_login(user)
    return user


def make_submission(**overrides):
    fields = {
        "city": "Tulsa",
        "state": "OK",
        "status": "proposed",
        "description": "The police want a pilot.",
        "source_url": "https://news.example/tulsa",
        "group_name": "Tulsa Community Safety",
        "group_url": "https://tulsa-safety.example/",
        "contact_name": "Ana Ruiz",
        "contact_email": "ana@example.org",
        **overrides,
    }
    return Submission.objects.create(**fields)


def run_action(client, model, action, objects):
    return client.post(
        f"/admin/local_actions/{model}/",
        {"action": action, "_selected_action": [o.pk for o in objects]},
        follow=True,
    )


def test_approve_makes_a_draft_with_coordinates_from_the_offline_lookup(client, organizer):
    submission = make_submission(description="The police want a pilot. The vote is in March.")
    response = run_action(client, "submission", "approve", [submission])
    assert "Tulsa, OK is a draft, not on the site yet" in response.content.decode()

    submission.refresh_from_db()
    assert submission.review == Submission.Review.APPROVED
    assert submission.reviewed_by == organizer
    action = submission.action
    assert not action.published and action.status == "proposed" and action.slug == "tulsa-ok"
    assert action.summary == "The police want a pilot."
    assert action.group_name == "Tulsa Community Safety"
    assert action.facts == "The police want a pilot. The vote is in March."
    assert abs(action.latitude - Decimal("36.15")) < 1 and abs(action.longitude - Decimal("-95.99")) < 1
    source = action.sources.get()
    assert (source.position, source.outlet, source.url) == (1, "news.example", "https://news.example/tulsa")
    # A draft: not on the map, no page, until an organizer publishes it.
    assert "Tulsa" not in client.get("/local/").content.decode()
    assert client.get("/local/tulsa-ok/").status_code == 404


def test_approving_twice_or_after_rejecting_does_nothing(client, organizer):
    first = make_submission()
    services.approve(first, organizer)
    assert services.approve(first, organizer) == (None, False)
    rejected = make_submission(city="Reno", state="NV")
    services.reject(rejected, organizer)
    assert services.approve(rejected, organizer) == (None, False)
    assert LocalAction.objects.count() == 1


def test_approving_a_city_already_on_the_map_links_it_without_overwriting(client, organizer, default_content):
    chicago = LocalAction.objects.get(city="Chicago")
    chicago.published = False
    chicago.save()
    submission = make_submission(city="chicago", state="IL", status="active", description="New info")
    before = chicago.sources.count()
    response = run_action(client, "submission", "approve", [submission])
    assert "already on the site" in response.content.decode()
    chicago.refresh_from_db()
    assert chicago.status == "cancelled" and "New info" not in chicago.facts  # the organizer's text stays
    assert not chicago.published  # the organizer decides
    assert chicago.group_name == "Tulsa Community Safety"  # was empty
    added = chicago.sources.last()
    assert (added.position, added.outlet, added.url) == (before + 1, "news.example", "https://news.example/tulsa")
    assert LocalAction.objects.filter(state="IL").count() == 1


def test_a_city_that_cannot_be_found_is_approved_with_a_warning(client, organizer):
    submission = make_submission(city="Smallvillage Township", state="KS")
    response = run_action(client, "submission", "approve", [submission])
    assert "add its coordinates" in response.content.decode()
    assert LocalAction.objects.get().latitude is None


def test_reject(client, organizer):
    submission = make_submission()
    response = run_action(client, "submission", "reject", [submission])
    assert "1 submission rejected." in response.content.decode()
    submission.refresh_from_db()
    assert submission.review == Submission.Review.REJECTED
    assert LocalAction.objects.count() == 0


def test_admin_lists_filter_search_and_show_coordinates(client, organizer, default_content):
    html = client.get("/admin/local_actions/localaction/?status__exact=cancelled&q=chi").content.decode()
    assert ">Chicago</a>" in html and ">Oakland</a>" not in html  # the list's links (the header names America/Chicago)
    assert "41.87810" in html and "-87.62980" in html
    html = client.get("/admin/local_actions/localaction/?on_map=no").content.decode()
    assert ">Chicago</a>" not in html
    submission = make_submission()
    assert client.get("/admin/local_actions/submission/").status_code == 200
    assert client.get(f"/admin/local_actions/submission/{submission.pk}/change/").status_code == 200
    assert client.get("/admin/local_actions/statistic/").status_code == 200


def test_change_page_shows_where_the_marker_lands(client, organizer, default_content):
    chicago = LocalAction.objects.get(city="Chicago")
    html = client.get(f"/admin/local_actions/localaction/{chicago.pk}/change/").content.decode()
    assert "In IL." in html


def test_list_editable_published_and_the_publish_actions(client, organizer, default_content):
    chicago = LocalAction.objects.get(city="Chicago")
    run_action(client, "localaction", "unpublish", [chicago])
    chicago.refresh_from_db()
    assert not chicago.published
    assert "/local/chicago-il/" not in client.get("/local/").content.decode()
    run_action(client, "localaction", "publish", [chicago])
    chicago.refresh_from_db()
    assert chicago.published


def admin_form(**overrides):
    data = {
        "city": "Reno",
        "state": "NV",
        "slug": "reno-nv",
        "status": "proposed",
        "years": "2025",
        "summary_en": "",
        "summary_es": "",
        "published": "on",
        "money_en": "",
        "money_es": "",
        "amount_usd": "",
        "usd_per_square_mile_year": "",
        "facts_en": "The council will vote.",
        "facts_es": "El concejo votará.",
        "latitude": "",
        "longitude": "",
        "group_name": "",
        "group_url": "",
        "group_email": "",
        "next_meeting_date": "",
        "next_meeting_en": "",
        "next_meeting_es": "",
        "next_meeting_url": "",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "1000",
        "sources-0-position": "1",
        "sources-0-outlet": "Reno Gazette Journal",
        "sources-0-date": "2025-01",
        "sources-0-language": "en",
    }
    return {**data, **overrides}


def test_adding_an_action_in_the_admin_fills_the_coordinates_and_they_stay_editable(client, organizer):
    response = client.post("/admin/local_actions/localaction/add/", admin_form())
    assert response.status_code == 302, response.content.decode()[-3000:]
    reno = LocalAction.objects.get(city="Reno")
    assert abs(reno.latitude - Decimal("39.53")) < Decimal("0.2")
    assert LocalActionSource.objects.get(action=reno).outlet == "Reno Gazette Journal"

    response = client.post(
        f"/admin/local_actions/localaction/{reno.pk}/change/",
        admin_form(latitude="39.5", longitude="-119.8", **{"sources-TOTAL_FORMS": "0"}),
    )
    assert response.status_code == 302
    reno.refresh_from_db()
    assert reno.latitude == Decimal("39.5") and reno.longitude == Decimal("-119.8")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"latitude": "39.5"}, "Give both the latitude and the longitude"),
        ({"latitude": "48.85", "longitude": "2.35"}, "outside the map of the United States"),
        ({"latitude": "41.88", "longitude": "-87.63"}, "These coordinates are in Illinois, not Nevada."),
        ({"city": "Smallvillage Township"}, "We could not find this city"),
    ],
)
def test_the_admin_explains_bad_coordinates(client, organizer, overrides, error):
    response = client.post("/admin/local_actions/localaction/add/", admin_form(**overrides))
    assert response.status_code == 200
    assert error in response.content.decode()


def test_unpublishing_from_the_edit_form_goes_through_the_service_and_is_recorded(client, organizer):
    from audit.models import AuditEntry

    client.post("/admin/local_actions/localaction/add/", admin_form())
    reno = LocalAction.objects.get(city="Reno")
    unpublish = {k: v for k, v in admin_form(**{"sources-TOTAL_FORMS": "0"}).items() if k != "published"}
    assert client.post(f"/admin/local_actions/localaction/{reno.pk}/change/", unpublish).status_code == 302
    reno.refresh_from_db()
    assert not reno.published
    assert "/local/reno-nv/" not in client.get("/local/").content.decode()
    assert AuditEntry.objects.filter(action="local_actions.unpublish", actor=organizer, rows=1).exists()
    # Another field edited with it: both land, each with its record.
    republish = admin_form(facts_en="The council voted.", **{"sources-TOTAL_FORMS": "0"})
    assert client.post(f"/admin/local_actions/localaction/{reno.pk}/change/", republish).status_code == 302
    reno.refresh_from_db()
    assert reno.published and reno.facts == "The council voted."
    assert AuditEntry.objects.filter(action="local_actions.publish", actor=organizer).exists()
    edits = AuditEntry.objects.filter(action="local_actions.localaction.changed")
    assert any("facts_en" in entry.data["fields"] for entry in edits)
