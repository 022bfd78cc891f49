"""default_content/local_actions.toml: the 24 cities of the seed map, loaded once."""

import pytest

from core.default_content import load_all, read
from local_actions import geo, usmap
from local_actions.models import LocalAction, Statistic

pytestmark = pytest.mark.django_db


def test_loads_the_24_cities_with_sources_and_the_statistics(default_content):
    assert LocalAction.objects.count() == 24
    assert LocalAction.objects.published().count() == 24
    assert Statistic.objects.count() == 8
    chicago = LocalAction.objects.get(city="Chicago", state="IL")
    assert chicago.status == "cancelled" and chicago.amount_usd == 49_000_000
    assert chicago.sources.count() == 5
    assert all(action.sources.exists() for action in LocalAction.objects.all())
    assert all(action.fact_list for action in LocalAction.objects.all())


def test_every_city_is_on_the_map_inside_its_own_state(default_content):
    for action in LocalAction.objects.all():
        x, y = action.map_position
        assert usmap.state_at(x, y) == action.state, action


def test_a_second_load_adds_nothing_and_deleted_cities_stay_deleted(default_content):
    LocalAction.objects.filter(city="Chicago").delete()
    assert load_all() == 0
    assert LocalAction.objects.count() == 23


def test_press_items_are_linked_from_press_toml_cities(default_content):
    press = read("press.toml").get("press", [])
    durham_titles = {item["title"] for item in press if "Durham" in item.get("cities", [])}
    assert durham_titles
    durham = LocalAction.objects.get(city="Durham")
    assert durham_titles <= set(durham.press_items.values_list("title", flat=True))


def test_amounts_are_only_set_where_the_money_text_states_a_total(default_content):
    for action in LocalAction.objects.exclude(amount_usd=None):
        assert action.money, action
        millions = action.amount_usd / 1_000_000
        stated = [f"${millions:g}M", f"${action.amount_usd // 1000}K"]
        assert any(text in action.money for text in stated), (action, action.money)


def test_every_city_is_loaded_as_the_toml_describes_it(default_content):
    entries = read("local_actions.toml")["actions"]
    assert len(entries) == LocalAction.objects.count()
    for entry in entries:
        action = LocalAction.objects.get(city=entry["city"], state=entry["state"])
        assert (action.status, action.years, action.summary) == (entry["status"], entry["years"], entry["summary"])
        assert action.amount_usd == entry.get("amount_usd")
        assert action.sources.count() == len(entry["sources"])
        # Coordinates as given, or looked up offline from the city and state where the TOML has none.
        expected = (entry["latitude"], entry["longitude"]) if "latitude" in entry else geo.lookup_city(action.city, action.state)
        assert (float(action.latitude), float(action.longitude)) == pytest.approx(expected, abs=1e-4), action
        assert action.map_position == pytest.approx(geo.project(expected[1], expected[0]), abs=0.01)


def test_a_site_loaded_in_english_gets_the_spanish_once_without_overwriting(default_content):
    """Sites that loaded the English content before the translation get the Spanish added."""
    from core.models import LoadedDefault
    from pages.models import Page

    LoadedDefault.objects.filter(key__endswith=":es").delete()
    chicago = LocalAction.objects.get(city="Chicago")
    LocalAction.objects.filter(pk=chicago.pk).update(summary_es="", facts_es="", money_es="Texto propio")
    Page.objects.filter(slug="our-demands").update(title_es="", body_es="")
    Statistic.objects.update(text_es="")
    load_all()
    chicago.refresh_from_db()
    assert chicago.summary_es.startswith("La ciudad con más ShotSpotter")
    assert chicago.facts_es.startswith("En febrero de 2024") and chicago.facts_es == chicago.facts_es.strip()
    assert chicago.money_es == "Texto propio"  # an organizer's translation stays
    assert Page.objects.get(slug="our-demands").title_es == "Nuestras demandas"
    assert all(s.text_es for s in Statistic.objects.all())
    Page.objects.filter(slug="our-demands").update(title_es="")
    load_all()  # only once: an organizer who empties a translation keeps it empty
    assert Page.objects.get(slug="our-demands").title_es == ""
