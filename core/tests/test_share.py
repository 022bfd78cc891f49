"""Open Graph and Twitter card tags on every public page, and the share images they point to."""

import io
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.management import call_command
from PIL import Image

from core.http_cache import forget_public_pages
from signatures.models import Campaign

REQUIRED = ["og:type", "og:title", "og:description", "og:url", "og:image", "og:site_name", "twitter:card", "twitter:image"]


class MetaParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        key = attrs.get("property") or attrs.get("name")
        if tag == "meta" and key and key not in self.meta:
            self.meta[key] = attrs.get("content") or ""


def meta_of(html: str) -> dict:
    parser = MetaParser()
    parser.feed(html)
    return parser.meta


def public_paths(client) -> list[str]:
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    locs = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    return ["/", "/news/", "/local/", "/get-involved/"] + ["/" + loc.split("://", 1)[1].split("/", 1)[1] for loc in locs]


@pytest.fixture
def site(db):
    call_command("load_default_content", verbosity=0)


def check_image(client, url: str) -> bytes:
    assert url.startswith(settings.SITE_URL + "/"), url
    response = client.get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 200, url
    assert response["Content-Type"] == "image/png"
    assert "max-age" in response["Cache-Control"] and "public" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1200, 630)
    return response.content


def test_every_public_page_has_open_graph_tags_whose_image_loads(client, site):
    paths = sorted(set(public_paths(client)))
    assert any(p.startswith("/local/") and p != "/local/" for p in paths)
    images = {}
    assert any(p.startswith("/es/") for p in paths)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        meta = meta_of(response.content.decode())
        missing = [key for key in REQUIRED if not meta.get(key)]
        assert not missing, f"{path} lacks {missing}"
        assert meta["og:url"] == settings.SITE_URL + path
        assert meta["og:image"] == meta["twitter:image"]
        assert meta["twitter:card"] == "summary_large_image"
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        if meta["og:image"] not in images:
            images[meta["og:image"]] = check_image(client, meta["og:image"])
    # Campaigns, local fights and the profits page each have their own picture.
    assert len(images) > 5


def test_a_campaign_image_changes_only_when_the_count_passes_a_milestone(client, site, monkeypatch):
    from signatures import counting

    campaign = Campaign.objects.published().filter(kind="petition").first()
    counts = {"total": 120, "individuals": 120, "organizations": 0, "by_state": {}, "next_milestone": 250}
    monkeypatch.setattr(counting, "public_counts", lambda pk: dict(counts))

    def image_url():
        forget_public_pages()  # the page itself is cached for two seconds
        return meta_of(client.get(campaign.get_absolute_url()).content.decode())["og:image"]

    first = image_url()
    first_png = check_image(client, first)
    counts["total"] = 240
    assert image_url() == first  # the same milestone (100+): the same picture, no redraw
    counts["total"] = 260
    second = image_url()
    assert second != first
    assert check_image(client, second) != first_png


def test_a_share_image_answers_not_modified_to_its_etag(client, site):
    response = client.get("/share.png")
    again = client.get("/share.png", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_the_profits_image_states_the_total_cities_paid(client, site):
    from local_actions.share import profits_figure

    figure, label = profits_figure()
    assert figure.startswith("$") and "cities" in label
    meta = meta_of(client.get("/profits/").content.decode())
    assert "/profits/share.png?v=" in meta["og:image"]


def test_the_map_image_counts_the_cities_on_it(client, site):
    from local_actions.models import LocalAction

    meta = meta_of(client.get("/local/").content.decode())
    assert "/local/share.png?v=" in meta["og:image"]
    before = meta["og:image"]
    LocalAction.objects.filter(pk=LocalAction.objects.first().pk).update(published=False)
    after = meta_of(client.get("/local/").content.decode())["og:image"]
    assert after != before  # one city fewer: a new picture
