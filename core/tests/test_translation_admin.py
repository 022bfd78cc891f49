"""Organizers edit both languages side by side and see what lacks Spanish (core/translation_admin.py)."""

import re

import pytest
from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from modeltranslation.translator import translator

from local_actions.models import LocalAction
from pages.models import Page

pytestmark = pytest.mark.django_db


def test_every_translated_model_is_edited_in_both_languages():
    registered = [model for model in translator.get_registered_models() if admin.site.is_registered(model)]
    assert {model.__name__ for model in registered} >= {"Page", "Campaign", "LocalAction", "Statistic", "LetterAction"}
    for model in registered:
        assert isinstance(admin.site.get_model_admin(model), TranslationAdmin), model


def test_the_change_form_puts_english_beside_spanish(admin_client):
    page = Page.objects.create(slug="x", title_en="Our demands", title_es="Nuestras exigencias", body_en="Text")
    html = admin_client.get(f"/admin/pages/page/{page.pk}/change/").content.decode()
    row = re.search(r'<div class="form-row field-title_en field-title_es">.*?</fieldset>', html, re.S).group(0)
    assert 'name="title_en" value="Our demands"' in row and 'name="title_es" value="Nuestras exigencias"' in row
    assert "Title (English):" in row and "Title (Español):" in row
    # No tabs and no script of modeltranslation's: its tabbed admin loads jQuery UI from a CDN.
    assert "jquery-ui" not in html and "modeltranslation/js" not in html
    assert '<link href="/static/css/translation-admin.css"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_an_organizer_saves_both_languages_and_each_shows_on_its_site(admin_client, client):
    page = Page.objects.create(slug="x", title_en="Old", body_en="Old")
    response = admin_client.post(
        f"/admin/pages/page/{page.pk}/change/",
        {"slug": "x", "kind": page.kind, "title_en": "Our demands", "title_es": "Nuestras exigencias",
         "summary_en": "", "summary_es": "", "body_en": "Stop it.", "body_es": "Que paren.", "published": "on",
         "position": 0, "sources-TOTAL_FORMS": 0, "sources-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Que paren." in client.get("/es/x/").content.decode()
    assert "Stop it." in client.get("/x/").content.decode()


def test_the_list_says_which_items_lack_spanish_and_filters_them(admin_client):
    Page.objects.create(slug="done", title_en="Translated page", title_es="Página traducida", body_en="B", body_es="C")
    Page.objects.create(slug="todo", title_en="Untranslated page", title_es="Página a medias", body_en="English only")
    html = admin_client.get("/admin/pages/page/").content.decode()
    assert re.search(r"Translated page</a></th><td class=\"field-spanish\">Yes</td>", html)
    assert re.search(r"Untranslated page</a></th><td class=\"field-spanish\">Missing: body</td>", html)
    assert "By Spanish translation" in html

    missing = admin_client.get("/admin/pages/page/?missing_es=yes").content.decode()
    assert "Untranslated page" in missing and "Translated page" not in missing
    complete = admin_client.get("/admin/pages/page/?missing_es=no").content.decode()
    assert "Translated page" in complete and "Untranslated page" not in complete


def test_a_field_empty_in_english_is_not_missing_in_spanish(admin_client):
    LocalAction.objects.create(city="Dayton", state="OH", slug="dayton-oh", summary_en="Dropped", summary_es="Abandonado")
    html = admin_client.get("/admin/local_actions/localaction/?missing_es=yes").content.decode()
    assert "Dayton" not in html
    html = admin_client.get("/admin/local_actions/localaction/").content.decode()
    assert '<td class="field-spanish">Yes</td>' in html


def test_search_finds_an_item_by_its_spanish_words(admin_client):
    Page.objects.create(slug="x", title_en="Our demands", title_es="Nuestras exigencias")
    html = admin_client.get("/admin/pages/page/?q=exigencias").content.decode()
    assert re.search(r'class="paginator">\s*1 page\s', html) and "Our demands</a>" in html
