import pytest

from local_actions.models import LocalAction

pytestmark = pytest.mark.django_db


def test_a_renamed_campaign_keeps_its_old_address(client, campaign):
    campaign.slug = "stop-it-now"
    campaign.save()
    response = client.get("/petition/stop-it/")
    assert response.status_code == 301 and response["Location"] == "/petition/stop-it-now/"
    assert client.get("/petition/stop-it/signers/?page=2")["Location"] == "/petition/stop-it-now/signers/?page=2"
    assert client.get("/es/petition/stop-it/")["Location"] == "/es/petition/stop-it-now/"
    assert client.get("/petition/stop-it-now/").status_code == 200
    assert client.get("/petition/never-existed/").status_code == 404


def test_renaming_back_makes_the_address_live_again(client, campaign):
    campaign.slug = "other"
    campaign.save()
    campaign.slug = "stop-it"
    campaign.save()
    assert client.get("/petition/stop-it/").status_code == 200
    assert client.get("/petition/other/")["Location"] == "/petition/stop-it/"


def test_a_local_fight_renamed_in_the_admin_redirects_and_the_admin_says_so(client, admin_client):
    fight = LocalAction.objects.create(city="Oak Park", state="IL", slug="oak-park", status="active", summary="s",
                                       published=True)  # fmt: skip
    page = admin_client.get(f"/admin/local_actions/localaction/{fight.pk}/change/").content.decode()
    assert "the old address keeps working" in page and "/local/ /" not in page
    fight.slug = "oak-park-il"
    fight.save()
    response = client.get("/local/oak-park/")
    assert response.status_code == 301 and response["Location"] == "/local/oak-park-il/"
