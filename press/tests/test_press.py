import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from press.models import PressItem

pytestmark = pytest.mark.django_db


def test_every_default_press_item_is_listed_newest_first_undated_last(client):
    call_command("load_default_content")
    titles = []
    page = 1
    while True:
        response = client.get(f"/news/?page={page}")
        assert response.status_code == 200
        titles += [item.title for item in response.context["items"]]
        if not response.context["page_obj"].has_next():
            break
        page += 1
    assert len(titles) == PressItem.objects.count() == 26
    dated = list(PressItem.objects.exclude(date="").order_by("-date", "-id").values_list("title", flat=True))
    assert titles[: len(dated)] == dated


def test_an_item_without_link_is_still_listed_without_a_link(client, db):
    PressItem.objects.create(title="Hall Monitor: Soft on Crime")
    html = client.get("/news/").content.decode()
    assert '<cite class="title unlinked">Hall Monitor: Soft on Crime</cite>' in html  # a citation, not a broken-looking link


def test_it_paginates_by_ten(client, db):
    for i in range(25):
        PressItem.objects.create(title=f"Item {i}", date=f"2020-01-{i + 1:02d}")
    first = client.get("/news/").content.decode()
    assert "Item 24" in first and "Item 14" not in first
    assert "Page 1 of 3" in first
    last = client.get("/news/?page=3").content.decode()
    assert "Item 0" in last
    assert client.get("/news/?page=99").status_code == 200
    assert client.get("/news/?page=abc").status_code == 200


def test_the_rss_feed_is_valid_xml_with_each_item(client, db):
    PressItem.objects.create(
        title="Chicago watchdog harshly criticizes ShotSpotter system",
        outlet="AP",
        date="2021-08-24",
        url="https://example.org/a",
    )
    PressItem.objects.create(title="Undated & linkless")
    response = client.get("/news/feed.rss")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    items = root.findall("./channel/item")
    assert [i.findtext("title") for i in items] == [
        "Chicago watchdog harshly criticizes ShotSpotter system",
        "Undated & linkless",
    ]
    assert items[0].findtext("link") == "https://example.org/a"
    assert "Tue, 24 Aug 2021" in items[0].findtext("pubDate")


def test_the_atom_feed_is_valid_xml(client, db):
    PressItem.objects.create(title="One", date="2022")
    response = client.get("/news/feed.atom")
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.find("a:entry/a:title", ns).text == "One"
    assert root.find("a:entry/a:updated", ns).text.startswith("2022-01-01")


def test_an_unlisted_item_disappears(client, db):
    PressItem.objects.create(title="Hidden item", published=False)
    assert "Hidden item" not in client.get("/news/").content.decode()
    assert "Hidden item" not in client.get("/news/feed.rss").content.decode()


def test_atom_entries_have_stable_absolute_ids_and_no_invented_dates(client, db):
    from django.conf import settings

    undated = PressItem.objects.create(title="Undated")
    dated = PressItem.objects.create(title="Dated", date="2021-08-24", url="https://example.org/a")
    ns = {"a": "http://www.w3.org/2005/Atom"}

    def entries():
        root = ET.fromstring(client.get("/news/feed.atom").content)
        return {e.findtext("a:title", namespaces=ns): e for e in root.findall("a:entry", ns)}, root

    first, root = entries()
    assert root.findtext("a:id", namespaces=ns) == settings.SITE_URL + "/news/"
    assert first["Undated"].findtext("a:id", namespaces=ns) == f"tag:127.0.0.1,2025:press-item:{undated.pk}"
    assert first["Dated"].findtext("a:id", namespaces=ns) == f"tag:127.0.0.1,2025:press-item:{dated.pk}"
    assert first["Dated"].findtext("a:updated", namespaces=ns).startswith("2021-08-24")
    # An undated item keeps the time it was added, whenever the feed is read.
    added = first["Undated"].findtext("a:updated", namespaces=ns)
    assert added.startswith(undated.created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    again, _ = entries()
    assert again["Undated"].findtext("a:updated", namespaces=ns) == added
    assert again["Undated"].findtext("a:id", namespaces=ns) == first["Undated"].findtext("a:id", namespaces=ns)


def test_a_feed_link_to_an_item_without_an_article_lands_on_the_press_page_that_holds_it(client, db):
    from django.conf import settings

    items = [PressItem.objects.create(title=f"Item {n}", date=f"2020-01-{n + 1:02d}") for n in range(15)]
    oldest = items[0]  # the 15th, newest first: on page 2 of the list
    root = ET.fromstring(client.get("/news/feed.rss").content)
    links = {i.findtext("title"): i.findtext("link") for i in root.findall("./channel/item")}
    assert links["Item 14"] == f"{settings.SITE_URL}/news/#press-{items[14].pk}"
    link = links["Item 0"]
    assert link == f"{settings.SITE_URL}/news/?page=2#press-{oldest.pk}"
    assert f'id="press-{oldest.pk}"' in client.get("/news/?page=2").content.decode()


def test_a_headline_in_another_language_than_the_page_is_marked_for_screen_readers(client):
    PressItem.objects.create(title="Chicago ends its ShotSpotter contract", outlet="WTTW", url="https://example.org/a")
    PressItem.objects.create(title="Chicago pone fin a ShotSpotter", outlet="La Raza", url="https://example.org/b", language="es")
    spanish = client.get("/es/news/").content.decode()
    assert 'rel="noopener noreferrer" lang="en">Chicago ends its ShotSpotter contract</a>' in spanish
    assert 'rel="noopener noreferrer">Chicago pone fin a ShotSpotter</a>' in spanish
    english = client.get("/news/").content.decode()
    assert 'rel="noopener noreferrer">Chicago ends its ShotSpotter contract</a>' in english
    assert 'rel="noopener noreferrer" lang="es">Chicago pone fin a ShotSpotter</a>' in english


def test_a_source_title_in_english_is_marked_on_the_spanish_page(client):
    from local_actions.models import LocalAction
    from pages.models import Page

    page = Page.objects.create(slug="x", title_en="Racist data", title_es="Datos racistas", body_en="A [1]", body_es="B [1]")
    page.sources.create(position=1, title="The secret locations", outlet="WIRED", url="https://example.org/w")
    page.sources.create(position=2, title="Informe de la ciudad", outlet="Ciudad", language="es")
    html = client.get("/es/x/").content.decode()
    assert 'rel="noopener noreferrer" lang="en">The secret locations</a>' in html
    assert "<span>Informe de la ciudad</span>" in html
    assert 'lang="en">The secret locations' not in client.get("/x/").content.decode()

    fight = LocalAction.objects.create(city="Dayton", state="OH", slug="dayton-oh", summary_en="Dropped", published=True)
    fight.sources.create(position=1, outlet="WYSO", title="Dayton drops ShotSpotter")
    assert '<span lang="en">Dayton drops ShotSpotter</span>' in client.get("/es/local/dayton-oh/").content.decode()
