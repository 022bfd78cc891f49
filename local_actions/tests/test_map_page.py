"""/local/: the map of local fights, its legend, the status filter and the list by state."""

import re

import pytest

from local_actions.models import LocalAction, Status

pytestmark = pytest.mark.django_db


def test_the_map_has_every_state_and_a_linked_marker_per_published_action(client, default_content):
    response = client.get("/local/")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<svg class="us-map-svg')
    svg = html[start : html.index("</svg>", start)]
    fine = svg[svg.index('<g class="markers markers-fine">') : svg.index('<g class="markers markers-coarse">')]
    assert 'viewBox="0 0 975 610"' in svg
    assert 'role="group"' in svg
    assert '<title id="local-map-title">Map of the United States: 24 local fights</title>' in svg
    assert svg.count('<path d="M') == 51  # the 50 states and DC
    links = re.findall(r'<a href="(/local/[^"]+/)" class="marker status-(\w+)" aria-label="([^"]+)">', fine)
    assert len(links) == LocalAction.objects.published().count() == 24
    assert ("/local/chicago-il/", "cancelled", "Chicago, IL: contract cancelled (2018-2024)") in links
    assert ("/local/new-york-ny/", "contested", "New York, NY: contested (2014-2025)") in links
    for url, _status, _label in links:
        assert client.get(url).status_code == 200


def test_unpublished_actions_are_not_on_the_map(client, default_content):
    LocalAction.objects.filter(city="Chicago").update(published=False)
    html = client.get("/local/").content.decode()
    assert "/local/chicago-il/" not in html
    assert "All (23)" in html
    assert client.get("/local/chicago-il/").status_code == 404


def test_status_is_shown_by_shape_and_colour_and_explained_in_a_text_legend(client, default_content):
    html = client.get("/local/").content.decode()
    legend = html[html.index('<ul class="legend">') :]
    legend = legend[: legend.index("</ul>")]
    for label in ("Cancelled", "Rejected", "Contested", "Proposed", "In use", "Expanded"):
        assert f"<strong>{label}</strong>" in legend
    assert "Was in use; the city ended it or did not renew it." in legend
    # A circle (arcs) for cancelled, polygons for the others, each with its colour.
    chicago = re.search(r'aria-label="Chicago[^"]*">.*?<path class="shape" d="([^"]+)" fill="([^"]+)"', html).groups()
    assert "a9" in chicago[0] and chicago[1] == "#1f6f3f"
    buffalo = re.search(r'aria-label="Buffalo[^"]*">.*?<path class="shape" d="([^"]+)" fill="([^"]+)"', html).groups()
    assert buffalo[0].count("L") == 3 and buffalo[1] == "#1d4f91"  # a square


def test_filter_by_status_is_plain_links_with_the_current_one_marked(client, default_content):
    html = client.get("/local/").content.decode()
    assert '<a href="/local/" aria-current="page">All (24)</a>' in html
    assert 'href="?status=cancelled"' in html

    html = client.get("/local/?status=cancelled").content.decode()
    assert '<a href="/local/">All (24)</a>' in html
    nav = html.split('<nav class="status-filter"')[1].split("</nav>")[0]
    current = re.findall(r'<a href="([^"]*)" aria-current="page">', nav)
    assert current == ["?status=cancelled"]
    assert "Cancelled (7)" in html
    markers = re.findall(r'class="marker status-(\w+)"', html)
    assert markers and set(markers) == {"cancelled"}
    assert "Chicago" in html and "Oakland" not in html.split('<section aria-labelledby="list-heading">')[1]
    assert "Cancelled: by state" in html


def test_an_unknown_filter_shows_everything(client, default_content):
    response = client.get("/local/?status=<script>")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    html = response.content.decode()
    fine = html[html.index('<g class="markers markers-fine">') : html.index('<g class="markers markers-coarse">')]
    assert len(re.findall(r'class="marker status-', fine)) == 24


def test_the_list_beneath_the_map_is_grouped_by_state(client, default_content):
    html = client.get("/local/").content.decode()
    section = html.split('<section aria-labelledby="list-heading">')[1]
    states = re.findall(r'<h3 id="state-[a-z]{2}">([^<]+)</h3>', section)
    assert states == sorted(states)
    assert "Massachusetts" in states and "Ohio" in states
    ohio = section.split('<h3 id="state-oh">Ohio</h3>')[1].split("<h3")[0]
    assert [c for c in ("Cleveland", "Columbus", "Dayton") if c in ohio] == ["Cleveland", "Columbus", "Dayton"]


def test_a_filter_with_no_actions_says_so(client, default_content):
    html = client.get(f"/local/?status={Status.PROPOSED}").content.decode()
    assert "No local fights with this status yet." in html


def test_no_inline_styles_scripts_or_external_resources(client, default_content):
    for url in ("/local/", "/local/chicago-il/", "/local/add/"):
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        # Scripts only from our own static files (the proof-of-work helper on the form).
        assert not re.search(r"<script(?![^>]*src=\"/static/)", html), url
        assert not re.search(r'(src|href)="(https?:)?//(?!127\.0\.0\.1)', html.split("<main")[0]), url
        assert 'href="/static/css/map.css"' in html or url == "/local/add/"


def test_nav_links_to_the_map(client, default_content):
    html = client.get("/local/").content.decode()
    assert '<a href="/local/" aria-current="page">Local fights</a>' in html


def test_home_page_calls_to_action_link_the_map(client, default_content):
    html = client.get("/").content.decode()
    assert 'href="/local/"' in html
    assert "24 cities on the map" in html


def test_home_call_to_action_is_hidden_with_nothing_on_the_map(db):
    from local_actions.home import calls_to_action

    assert calls_to_action() == []


def test_sitemap_lists_the_map_and_the_action_pages(client, default_content):
    xml = client.get("/sitemap.xml").content.decode()
    assert "/local/</loc>" in xml
    assert "/local/chicago-il/</loc>" in xml


def test_the_map_numbers_are_not_localized_in_spanish(client, default_content):
    # Spanish writes 16,0 for 16.0: an SVG attribute must not (the browser rejects it).
    for path in ("/es/local/", "/es/local/boston-ma/"):
        html = client.get(path).content.decode()
        svg = html[html.index('<svg class="us-map-svg') : html.index("</svg>", html.index('<svg class="us-map-svg'))]
        assert not re.search(r'\s(r|cx|cy|x|y|width|height)="[\d.]*,\d', svg), path
