"""/local/<slug>/: one city's fight, its money, facts, sources, press, group and next meeting."""

import datetime
import re

import pytest

from local_actions.models import LocalAction
from press.models import PressItem

pytestmark = pytest.mark.django_db


def test_a_city_page_shows_status_years_money_facts_and_numbered_sources(client, default_content):
    response = client.get("/local/chicago-il/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Chicago, Illinois</h1>" in html
    assert "Cancelled" in html and "Was in use; the city ended it or did not renew it." in html
    assert "2018-2024" in html
    assert "about $49M spent by February 2024" in html
    assert "switched off on 22 September 2024" in html
    sources = html.split('<ol class="sources" id="sources">')[1].split("</ol>")[0]
    assert re.findall(r'<li id="source-(\d+)">', sources) == ["1", "2", "3", "4", "5"]
    assert "ABC7 Chicago, Feb. 13, 2024." in sources
    assert '<a href="https://endpolicesurveillance.com/" rel="noopener noreferrer">MacArthur Justice Center' in sources


def test_a_source_note_and_an_unknown_date_read_plainly(client, default_content):
    html = client.get("/local/durham-nc/").content.decode()
    assert "WRAL, 2024 (date unverified)." in html
    assert "WRAL, Dec. 19, 2023." in html


def test_press_items_linked_by_the_loader_or_naming_the_city_are_listed(client, default_content):
    html = client.get("/local/durham-nc/").content.decode()
    press = html.split('<h2 id="press-heading">')[1].split("</section>")[0]
    # Linked through press.toml's cities, and its title names Durham too.
    assert "Controversial ShotSpotter technology to be used by police along 3 square miles" in press

    item = PressItem.objects.create(title="Houston council questions gunshot sensors", outlet="Example")
    html = client.get("/local/houston-tx/").content.decode()
    assert item.title in html
    other = PressItem.objects.create(title="Nothing about that city", outlet="Example")
    LocalAction.objects.get(city="Houston").press_items.add(other)
    assert other.title in client.get("/local/houston-tx/").content.decode()

    PressItem.objects.filter(pk=item.pk).update(published=False)
    assert item.title not in client.get("/local/houston-tx/").content.decode()


def test_no_press_section_without_press(client, default_content):
    html = client.get("/local/fall-river-ma/").content.decode()
    assert 'id="press-heading"' not in html


def test_the_local_group_and_next_meeting_show_when_known(client, default_content):
    html = client.get("/local/oakland-ca/").content.decode()
    assert "No local group is listed here yet." in html
    assert 'href="/local/add/"' in html
    assert "Next public meeting or vote" not in html

    LocalAction.objects.filter(city="Oakland").update(
        group_name="Oakland Privacy",
        group_url="https://oaklandprivacy.example/",
        group_email="hello@oaklandprivacy.example",
        next_meeting_date=datetime.date(2030, 3, 4),
        next_meeting="City Council vote on the renewal",
        next_meeting_url="https://oakland.example/agenda",
    )
    html = client.get("/local/oakland-ca/").content.decode()
    assert '<a href="https://oaklandprivacy.example/" rel="noopener noreferrer">Oakland Privacy</a>' in html
    assert 'href="mailto:hello@oaklandprivacy.example"' in html
    assert "Next public meeting or vote" in html
    assert "March 4, 2030" in html and "City Council vote on the renewal" in html
    assert 'href="https://oakland.example/agenda"' in html


def test_the_locator_map_marks_the_city(client, default_content):
    html = client.get("/local/seattle-wa/").content.decode()
    assert "Where Seattle is on the map" in html
    assert len(re.findall(r'class="marker status-', html)) == 1


def test_an_action_without_coordinates_has_a_page_but_no_marker(client, db):
    LocalAction.objects.create(city="Nowheresville", state="KS", slug="nowheresville-ks", status="proposed")
    assert LocalAction.objects.get().latitude is None
    html = client.get("/local/nowheresville-ks/").content.decode()
    assert "<h1>Nowheresville, Kansas</h1>" in html
    assert 'class="marker status' not in html
    html = client.get("/local/").content.decode()
    assert "Nowheresville" in html  # listed under Kansas
    assert 'class="marker status' not in html


def test_text_from_the_admin_is_escaped(client, db):
    LocalAction.objects.create(city="Tulsa", state="OK", slug="tulsa-ok", facts="<script>alert(1)</script>", money="<b>$1</b>")
    html = client.get("/local/tulsa-ok/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "<b>$1</b>" not in html


def test_facts_cite_their_sources_by_number_with_links(client, default_content):
    LocalAction.objects.filter(city="Chicago").update(facts="Switched off in 2024 [1].\nThe council voted 33-14 [3] [9].")
    html = client.get("/local/chicago-il/").content.decode()
    facts = html.split("<h2>What happened</h2>")[1].split("</ul>")[0]
    assert '<li>Switched off in 2024 <a class="cite" href="#source-1">[1]</a>.</li>' in facts
    assert '<a class="cite" href="#source-3">[3]</a> [9].' in facts  # Chicago has 5 sources: [9] stays text


def test_a_city_page_asks_to_sign_and_to_write_where_a_letter_is_open(client, default_content):
    from signatures.models import Campaign

    petition = Campaign.objects.get(kind="petition")
    boston = client.get("/local/boston-ma/").content.decode()
    calls = boston.split('<ul class="take-action"')[1].split("</ul>")[0]
    assert re.findall(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', calls) == [
        ("#write", "Write to your council before Jan. 18, 2027"),
        (petition.get_absolute_url(), "Sign the petition"),
    ]
    assert 'id="write"' in boston

    chicago = client.get("/local/chicago-il/").content.decode()  # no letter there
    calls = chicago.split('<ul class="take-action"')[1].split("</ul>")[0]
    assert "#write" not in calls and "Sign the petition" in calls

    Campaign.objects.update(is_open=False)
    assert 'class="take-action"' not in client.get("/local/chicago-il/").content.decode()


def test_press_items_without_a_link_read_as_plain_citations(client, default_content):
    PressItem.objects.create(title="Houston council questions gunshot sensors", outlet="Example")
    html = client.get("/local/houston-tx/").content.decode()
    assert '<cite class="title unlinked">Houston council questions gunshot sensors</cite>' in html
    assert 'href=""' not in html
