import pytest
from django.core.management import call_command

from pages.models import Organization, Page, SiteSettings, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    call_command("load_default_content")


def test_home_shows_the_headline_the_explainers_press_and_coalition(client, content):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop ShotSpotter. Invest in communities." in html
    for page in Page.objects.explainers():
        assert page.title in html
    assert "Fight for the Future" in html
    assert 'href="/news/"' in html


def test_each_explainer_lists_its_numbered_sources(client, content):
    for slug in ("racist-data", "algorithmic-bias", "profits"):
        page = Page.objects.get(slug=slug)
        html = client.get(f"/{slug}/").content.decode()
        assert page.title in html
        assert '<ol class="sources">' in html
        assert page.sources.count() >= 3
        first = page.sources.first()
        assert first.title in html.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")


def test_who_we_are_lists_the_coalition(client, content):
    html = client.get("/who-we-are/").content.decode()
    for org in Organization.objects.filter(in_coalition=True):
        assert org.name in html


def test_our_demands_page_renders(client, content):
    response = client.get("/our-demands/")
    assert response.status_code == 200
    assert "Our demands" in response.content.decode()


def test_an_unpublished_or_unknown_page_is_not_found(client, content):
    Page.objects.filter(slug="our-demands").update(published=False)
    assert client.get("/our-demands/").status_code == 404
    assert client.get("/no-such-page/").status_code == 404


def test_an_admin_edit_shows_up_on_the_site(admin_client, client, content):
    page = Page.objects.get(slug="racist-data")
    response = admin_client.post(
        f"/admin/pages/page/{page.pk}/change/",
        {
            "slug": "racist-data",
            "kind": "explainer",
            "title_en": "Edited by an organizer",
            "title_es": "Editado por una organizadora",
            "summary_en": page.summary_en,
            "summary_es": page.summary_es,
            "body_en": "New **body** text.",
            "body_es": "Texto **nuevo**.",
            "published": "on",
            "position": 0,
            "sources-TOTAL_FORMS": 0,
            "sources-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get("/racist-data/").content.decode()
    assert "Edited by an organizer" in html
    assert "<strong>body</strong>" in html
    html = client.get("/es/racist-data/").content.decode()
    assert "Editado por una organizadora" in html
    assert "Texto <strong>nuevo</strong>." in html
    assert "Edited by an organizer" not in html


def test_site_settings_edits_change_the_home_page(admin_client, client, content):
    response = admin_client.post(
        "/admin/pages/sitesettings/1/change/",
        {
            "site_name_en": "Our coalition",
            "site_name_es": "Nuestra coalición",
            "headline_en": "A new headline",
            "headline_es": "Un titular nuevo",
            "intro_en": "",
            "intro_es": "",
            "coalition_summary_en": "",
            "coalition_summary_es": "",
        },
    )
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "A new headline" in html
    assert "Our coalition" in html
    html = client.get("/es/").content.decode()
    assert "Un titular nuevo" in html
    assert "Nuestra coalición" in html


def test_page_markdown_cannot_carry_scripts(client, db):
    Page.objects.create(slug="x", title="X", body="Hi <script>alert(1)</script> [a](javascript:alert(1))")
    html = client.get("/x/").content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html


def test_loading_the_default_content_twice_creates_nothing_new(content):
    counts = (Page.objects.count(), Source.objects.count(), Organization.objects.count())
    call_command("load_default_content")
    assert (Page.objects.count(), Source.objects.count(), Organization.objects.count()) == counts


def test_an_organizers_deletion_survives_a_reload(content):
    Page.objects.filter(slug="our-demands").delete()
    call_command("load_default_content")
    assert not Page.objects.filter(slug="our-demands").exists()


def test_an_organizers_edit_survives_a_reload(content):
    SiteSettings.objects.filter(pk=1).update(headline="Kept")
    call_command("load_default_content")
    assert SiteSettings.objects.get(pk=1).headline == "Kept"


def test_the_sitemap_lists_the_pages(client, content):
    xml = client.get("/sitemap.xml").content.decode()
    assert "/racist-data/" in xml
    assert "/news/" in xml


def _menu(html: str) -> list[str]:
    import re

    nav = html.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    return re.findall(r'<a href="([^"]*)"', nav)


def test_the_menu_comes_from_the_pages_and_follows_their_changes_at_once(client, content):
    assert _menu(client.get("/").content.decode()) == ["/who-we-are/", "/our-demands/", "/local/", "/news/", "/get-involved/"]
    demands = Page.objects.get(kind=Page.Kind.DEMANDS)
    demands.slug = "what-we-want"
    demands.save()  # a saved page renews the page cache, where the menu is kept
    assert "/what-we-want/" in _menu(client.get("/").content.decode())
    demands.published = False
    demands.save()
    assert _menu(client.get("/news/").content.decode()) == ["/who-we-are/", "/local/", "/news/", "/get-involved/"]
    assert '<a href="/news/" aria-current="page">' in client.get("/news/").content.decode()
