"""After signing, the thank-you page points to the open local fight nearest the signer's ZIP code."""

from local_actions.models import LocalAction
from signatures.models import Campaign


def make(slug, city, state, lat, lon, status="active"):
    return LocalAction.objects.create(
        slug=slug, city=city, state=state, status=status, latitude=lat, longitude=lon, summary=f"{city} uses it."
    )


def test_the_thank_you_page_names_the_nearest_open_fight(client, db):
    petition = Campaign.objects.create(kind="petition", slug="p", title="Stop it", target="CEO", summary="S", body="B")
    make("boston-ma", "Boston", "MA", 42.36, -71.06)
    make("chicago-il", "Chicago", "IL", 41.88, -87.63)
    make("cambridge-ma", "Cambridge", "MA", 42.37, -71.11, status="cancelled")  # won: not a fight to join

    page = client.get(f"/petition/{petition.slug}/thank-you/?zip=02139").content.decode()  # Cambridge, MA
    assert "The nearest local fight: Boston, MA" in page
    assert 'href="/local/boston-ma/"' in page
    assert "Share it" in page  # sharing comes first

    page = client.get(f"/petition/{petition.slug}/thank-you/?zip=60614").content.decode()
    assert "The nearest local fight: Chicago, IL" in page and "In or near your city." in page

    spanish = client.get(f"/es/petition/{petition.slug}/thank-you/?zip=60614").content.decode()
    assert "La lucha local más cercana: Chicago, IL" in spanish


def test_without_a_zip_code_the_thank_you_page_points_to_the_map(client, db):
    petition = Campaign.objects.create(kind="petition", slug="p", title="Stop it", target="CEO", summary="S", body="B")
    make("boston-ma", "Boston", "MA", 42.36, -71.06)
    page = client.get(f"/petition/{petition.slug}/thank-you/?zip=zzz").content.decode()
    assert "Find a local fight near you" in page and 'href="/local/"' in page
