"""Tokens: made in the admin or by a command, stored as hashes, scoped, revocable, last-used, throttled."""

import pytest
from django.core.management import CommandError, call_command

from api import services
from api.models import ApiToken
from audit.models import AuditEntry

from .conftest import get

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("headers", [{}, {"OSDI-API-Token": ""}, {"OSDI-API-Token": "ssp_wrong"}, {"OSDI-API-Token": "x" * 500}])
def test_no_or_a_wrong_token_is_401(client, key, headers):
    response = client.get("/api/v2/petitions", headers=headers)
    assert response.status_code == 401
    assert "OSDI-API-Token" in response.json()["error"]


def test_a_revoked_token_is_401(client, key, admin_client):
    token = ApiToken.objects.get()
    admin_client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert get(client, "/api/v2/", key).status_code == 401
    assert AuditEntry.objects.filter(action="api.apitoken.revoked").exists()


def test_tokens_are_stored_as_hashes_and_remember_when_they_were_used(client, key):
    token = ApiToken.objects.get()
    assert key not in str(list(ApiToken.objects.values()))
    assert token.last_used_at is None
    get(client, "/api/v2/", key)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_past_the_rate_the_api_answers_429_with_retry_after(client, make_token):
    key = make_token(requests_per_second=2)
    statuses = [get(client, "/api/v2/", key).status_code for _ in range(3)]
    assert statuses[:2] == [200, 200]
    if statuses[2] == 200:  # the second ticked over between requests: try a burst again
        statuses = [get(client, "/api/v2/", key).status_code for _ in range(3)]
    assert 429 in statuses
    response = get(client, "/api/v2/", key)
    if response.status_code == 429:
        assert response["Retry-After"] == "1"
        assert "2 a second" in response.json()["error"]


def test_each_token_has_its_own_rate(client, make_token):
    slow, fast = make_token(requests_per_second=1), make_token()
    get(client, "/api/v2/", slow)
    get(client, "/api/v2/", slow)
    assert get(client, "/api/v2/", fast).status_code == 200


def test_the_command_prints_the_key_alone_on_its_last_line(client, capsys, partner, petition):
    call_command("create_api_token", "chicago fights back", "--campaign", "p", "--record", "--emails")
    out = capsys.readouterr().out
    key = out.strip().splitlines()[-1]
    assert key.startswith("ssp_") and " " not in key
    token = ApiToken.objects.get()
    assert (token.organization, token.can_record, token.can_see_emails, token.own_double_opt_in) == (partner, True, True, False)
    assert list(token.campaigns.all()) == [petition]
    assert "does not offer 'Share my email with Chicago Fights Back'" in out
    assert get(client, f"/api/v2/petitions/{petition.public_id}", key).status_code == 200
    assert AuditEntry.objects.filter(action="api.apitoken.added", actor_name="manage.py create_api_token").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Nobody", "--campaign", "p"], "No organization named"),
        (["Chicago Fights Back", "--campaign", "nope"], "No campaign"),
        (["Chicago Fights Back", "--campaign", "p", "--confirmed"], "only makes sense with --record"),
    ],
)
def test_the_command_refuses_what_does_not_exist(partner, petition, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", *args)
    assert not ApiToken.objects.exists()


def test_the_admin_shows_a_new_key_once(admin_client, client, partner, petition):
    response = admin_client.post(
        "/admin/api/apitoken/add/",
        {"organization": partner.pk, "name": "sync", "campaigns": [petition.pk], "can_record": "on", "requests_per_second": 4},
    )
    assert response.status_code == 200
    html = response.content.decode()
    key = html.split('<code id="api-key">')[1].split("</code>")[0]
    assert key.startswith("ssp_")
    assert "shown only this once" in html
    assert get(client, "/api/v2/", key).status_code == 200
    token = ApiToken.objects.get()
    assert key not in admin_client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    assert AuditEntry.objects.filter(action="api.apitoken.added").exists()


def test_a_token_of_one_partner_reads_only_its_campaigns(client, make_token, petition, other_petition, other_partner):
    key = make_token(organization=other_partner, campaigns=[other_petition])
    assert get(client, f"/api/v2/petitions/{petition.public_id}/signatures", key).status_code == 403
    assert [p["title"] for p in get(client, "/api/v2/petitions", key).json()["_embedded"]["osdi:petitions"]] == ["Another"]


def test_an_unpublished_campaign_disappears_from_the_api(client, key, petition):
    petition.published = False
    petition.save()
    assert get(client, f"/api/v2/petitions/{petition.public_id}", key).status_code == 404
    assert get(client, "/api/v2/petitions", key).json()["total_records"] == 0


def test_revocation_takes_effect_at_once(client, key):
    assert get(client, "/api/v2/", key).status_code == 200  # its scope is now cached for a few seconds
    services.revoke(ApiToken.objects.all(), actor=None)
    assert get(client, "/api/v2/", key).status_code == 401
