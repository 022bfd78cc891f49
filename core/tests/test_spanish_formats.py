"""Dates and numbers on the Spanish site are written the Spanish way (config/formats/es/formats.py)."""

import datetime

import pytest

from local_actions.models import LocalAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def detroit():
    return LocalAction.objects.create(
        city="Detroit", state="MI", slug="detroit-mi", summary_en="A vote", summary_es="Una votación",
        money_en="About $8.5M", money_es="Unos $8.5M", amount_usd=8_500_000,
        next_meeting_date=datetime.date(2027, 2, 2), next_meeting_en="Council vote", next_meeting_es="Votación",
        published=True,
    )  # fmt: skip


def test_a_date_is_written_in_spanish_words(client, detroit):
    assert "2 de febrero de 2027" in client.get("/es/local/detroit-mi/").content.decode()
    assert "de febrero" not in client.get("/local/detroit-mi/").content.decode()


def test_a_sum_has_the_thousands_separators_of_us_spanish_media(client, detroit):
    # The same style as the default content's own figures ("$85,097"), never Spain's "8 500 000 US$".
    from pages.models import Page

    Page.objects.create(slug="profits", title_en="Profits", title_es="Ganancias", body_en="B", body_es="C")
    html = client.get("/es/profits/").content.decode()
    assert "$8,500,000" in html
    assert "8\xa0500\xa0000" not in html and "US$" not in html
