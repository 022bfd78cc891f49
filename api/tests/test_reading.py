"""Reading: the entry point, petitions, signatures, people, paging and incremental sync."""

import datetime as dt

import pytest
from django.test import Client

from signatures import services as signature_services
from signatures.models import Signature

from .conftest import confirmed, get, run_worker, sign

pytestmark = pytest.mark.django_db


def test_the_entry_point_links_the_collections_and_says_the_page_size(client, key):
    body = get(client, "/api/v2/", key).json()
    assert body["max_page_size"] == 25
    assert body["_links"]["osdi:petitions"]["href"].endswith("/api/v2/petitions")
    assert body["_links"]["osdi:people"]["href"].endswith("/api/v2/people")


@pytest.mark.parametrize("path", ["/api/v2", "/api/v2/", "/api/v2/petitions", "/api/v2/petitions/"])
def test_paths_answer_with_and_without_a_trailing_slash_without_redirecting(client, key, path):
    response = get(client, path, key)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/hal+json"


def test_the_petitions_are_the_tokens_campaigns_with_their_counts(client, key, petition, other_petition):
    confirmed(petition, 3)
    body = get(client, "/api/v2/petitions", key).json()
    assert body["total_records"] == 1
    (item,) = body["_embedded"]["osdi:petitions"]
    assert item["identifiers"] == [f"action_network:{petition.public_id}"]
    assert item["title"] == "Stop it"
    assert item["target"] == [{"name": "The CEO"}]
    assert item["total_signatures"] == 3
    assert item["browser_url"].endswith("/petition/p/")
    assert "<strong>the</strong>" in item["description"]
    assert item["created_date"].endswith("Z")
    assert get(client, f"/api/v2/petitions/{petition.public_id}", key).json()["title"] == "Stop it"
    # Another campaign exists but is not this token's; an unknown id does not exist.
    assert get(client, f"/api/v2/petitions/{other_petition.public_id}", key).status_code == 403
    assert get(client, "/api/v2/petitions/00000000-0000-4000-8000-000000000000", key).status_code == 404
    assert get(client, "/api/v2/petitions/not-a-uuid", key).status_code == 404


def test_signatures_are_the_confirmed_ones_with_names_and_places_but_no_email(client, key, petition):
    rows = confirmed(petition, 2)
    signature_services.sign(petition, email="pending@example.org", name="Not Yet", zip_code="60614")  # unconfirmed
    run_worker()
    body = get(client, f"/api/v2/petitions/{petition.public_id}/signatures", key).json()
    assert body["total_records"] == 2
    items = body["_embedded"]["osdi:signatures"]
    assert [i["identifiers"] for i in items] == [[f"action_network:{r.public_id}"] for r in rows]
    first = items[0]
    assert first["person"]["given_name"] == "Person"
    assert first["person"]["family_name"] == "Number0"
    assert first["person"]["postal_addresses"] == [{"primary": True, "locality": "Chicago", "region": "IL", "country": "US"}]
    assert first["person"]["email_addresses"] == []
    assert "person0@example.org" not in str(body)
    assert first["action_network:person_id"] == str(rows[0].person_id)
    assert body["_links"]["osdi:signatures"][0]["href"] == first["_links"]["self"]["href"]
    one = get(client, f"/api/v2/petitions/{petition.public_id}/signatures/{rows[1].public_id}", key).json()
    assert one["identifiers"] == [f"action_network:{rows[1].public_id}"]
    pending = Signature.objects.get(name="Not Yet")
    assert get(client, f"/api/v2/petitions/{petition.public_id}/signatures/{pending.public_id}", key).status_code == 404


def _all_pages(client, key, url, follow_next=True):
    """Page as Action Network clients do: until a page comes back empty."""
    seen, page = [], 1
    while True:
        response = client.get(url, headers={"OSDI-API-Token": key}) if follow_next else get(client, url, key, page=page, per_page=2)
        assert response.status_code == 200
        body = response.json()
        items = body["_embedded"]["osdi:signatures"]
        if not items:
            assert "next" not in body["_links"]
            return seen
        seen += [i["identifiers"][0] for i in items]
        if follow_next:
            url = body["_links"]["next"]["href"].split("://", 1)[1].partition("/")[2]
            url = "/" + url
        page += 1


def test_paging_by_number_or_by_next_link_sees_each_signature_once(client, key, petition):
    rows = confirmed(petition, 7)
    expected = [f"action_network:{r.public_id}" for r in rows]
    base = f"/api/v2/petitions/{petition.public_id}/signatures"
    assert _all_pages(client, key, base, follow_next=False) == expected
    assert _all_pages(client, key, base + "?per_page=3") == expected
    body = get(client, base, key, per_page=2, page=2).json()
    assert (body["page"], body["per_page"], body["total_pages"], body["total_records"]) == (2, 2, 4, 7)
    assert "previous" in body["_links"] and "next" in body["_links"]


def test_a_page_past_the_end_is_empty_not_an_error(client, key, petition):
    confirmed(petition, 2)
    response = get(client, f"/api/v2/petitions/{petition.public_id}/signatures", key, page=50)
    assert response.status_code == 200
    body = response.json()
    assert body["_embedded"]["osdi:signatures"] == []
    assert "next" not in body["_links"]
    assert body["total_records"] == 2


def test_per_page_above_25_gives_25(client, key, petition):
    body = get(client, f"/api/v2/petitions/{petition.public_id}/signatures", key, per_page=500).json()
    assert body["per_page"] == 25


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"page": "0"}, "page must be between 1"),
        ({"page": "-1"}, "page must be a whole number"),
        ({"page": "99999999999999999999"}, "page must be a whole number"),
        ({"page": "2000000"}, "page must be between 1"),
        ({"page": "two"}, "page must be a whole number"),
        ({"per_page": "0"}, "per_page must be between 1"),
        ({"per_page": "1.5"}, "per_page must be a whole number"),
        ({"after": "x"}, "after must be a whole number"),
        ({"filter": "modified_date gt 'yesterday'"}, "is not a date"),
        ({"filter": "name eq 'Ana'"}, "Cannot filter on 'name'"),
        ({"filter": "modified_date ge '2024-01-01'"}, "Cannot read the filter"),
        ({"filter": "modified_date eq '2024-01-01'"}, "gt or lt only"),
        ({"filter": "modified_date gt '2024-01-01' or created_date lt '2025-01-01'"}, "Cannot read the filter"),
        ({"filter": "x" * 600}, "too long"),
    ],
)
def test_bad_paging_and_filters_are_refused_with_a_reason(client, key, petition, params, reason):
    response = get(client, f"/api/v2/petitions/{petition.public_id}/signatures", key, **params)
    assert response.status_code == 400
    assert reason in response.json()["error"]


def test_incremental_sync_sees_only_what_changed_since(client, key, petition):
    old = confirmed(petition, 2)
    Signature.objects.filter(pk__in=[r.pk for r in old]).update(modified_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    new = confirmed(petition, 1)  # a second batch, after the first sync
    base = f"/api/v2/petitions/{petition.public_id}/signatures"
    for flt in ("modified_date gt '2024-06-01'", "modified_date gt 2024-06-01T00:00:00Z", "MODIFIED_DATE GT '2024-06-01T00:00'"):
        body = get(client, base, key, filter=flt).json()
        assert [i["identifiers"][0] for i in body["_embedded"]["osdi:signatures"]] == [f"action_network:{new[0].public_id}"]
        assert body["total_records"] == 1
        assert "filter=" in body["_links"]["next"]["href"]
    body = get(client, base, key, filter="modified_date lt '2024-06-01' and created_date gt '2000-01-01'").json()
    assert body["total_records"] == 2


def test_a_signature_that_is_confirmed_later_comes_up_in_the_next_incremental_sync(client, key, petition):
    pending = signature_services.sign(petition, email="late@example.org", name="Late Signer", zip_code="60614")
    run_worker()
    since = "2000-01-01"
    base = f"/api/v2/petitions/{petition.public_id}/signatures"
    assert get(client, base, key, filter=f"modified_date gt '{since}'").json()["_embedded"]["osdi:signatures"] == []
    signature_services.confirm(pending.pk)
    run_worker()
    items = get(client, base, key, filter=f"modified_date gt '{since}'").json()["_embedded"]["osdi:signatures"]
    assert [i["person"]["family_name"] for i in items] == ["Signer"]


def test_people_and_their_signatures(client, partner, make_token, petition, other_petition):
    key = make_token(campaigns=[petition, other_petition])
    sign(petition, "jo@example.org", name="Jo Ann Smith")
    sign(other_petition, "Jo@Example.org", name="Jo Smith")
    run_worker()
    person_id = Signature.objects.filter(campaign=petition).get().person_id
    body = get(client, f"/api/v2/people/{person_id}", key).json()
    assert body["identifiers"] == [f"action_network:{person_id}"]
    assert (body["given_name"], body["family_name"]) == ("Jo", "Smith")  # the latest signature's name
    assert body["email_addresses"] == []
    signatures = get(client, f"/api/v2/people/{person_id}/signatures", key).json()
    assert signatures["total_records"] == 2
    sid = signatures["_embedded"]["osdi:signatures"][0]["identifiers"][0].split(":")[1]
    assert get(client, f"/api/v2/people/{person_id}/signatures/{sid}", key).status_code == 200
    people = get(client, "/api/v2/people", key).json()
    assert [p["identifiers"][0] for p in people["_embedded"]["osdi:people"]] == [f"action_network:{person_id}"]
    assert get(client, "/api/v2/people/00000000-0000-4000-8000-000000000000", key).status_code == 404


def test_a_person_is_visible_only_through_the_tokens_campaigns(client, make_token, petition, other_petition):
    sign(other_petition, "jo@example.org")
    run_worker()
    person_id = Signature.objects.get().person_id
    assert get(client, f"/api/v2/people/{person_id}", make_token(campaigns=[petition])).status_code == 404


def test_unknown_paths_under_the_api_are_json_404s(client, key):
    response = get(client, "/api/v2/events", key)
    assert response.status_code == 404
    assert "Not part of this API" in response.json()["error"]


def test_a_wrong_method_is_refused_with_the_allowed_ones(key, petition):
    response = Client().delete(f"/api/v2/petitions/{petition.public_id}", headers={"OSDI-API-Token": key})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
