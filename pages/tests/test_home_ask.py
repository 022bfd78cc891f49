"""The home page's first screen: the petition's live count, its next goal and the one main action."""

import pytest
from django.core.management import call_command

from signatures import counting
from signatures.models import Campaign


@pytest.fixture
def site(db):
    call_command("load_default_content", verbosity=0)


def test_home_leads_with_the_petition_count_and_sign_action(client, site, monkeypatch):
    monkeypatch.setattr(
        counting,
        "public_counts",
        lambda pk: {"total": 1234, "individuals": 1234, "organizations": 0, "by_state": {}, "next_milestone": 2500},
    )
    petition = Campaign.objects.get(kind="petition")
    page = client.get("/").content.decode()
    hero = page[page.index('class="hero'):page.index("</section>")]
    assert "<strong>1,234</strong>" in hero
    assert 'value="1234" max="2500"' in hero
    assert "Next goal: 2,500 signatures" in hero
    assert f'href="{petition.get_absolute_url()}#sign-heading">Sign the petition</a>' in hero
    # The open letter and the map are there too, as secondary actions.
    letter = Campaign.objects.get(kind="letter")
    assert f'href="{letter.get_absolute_url()}"' in hero and 'href="/local/"' in hero
    assert "Its microphones send armed police" in hero

    spanish = client.get("/es/").content.decode()
    assert "Firma la petición" in spanish and "Próxima meta:" in spanish


def test_without_an_open_campaign_the_home_page_has_no_count(client, site):
    Campaign.objects.update(is_open=False)
    page = client.get("/").content.decode()
    assert "Sign the petition" not in page and "people have signed" not in page
