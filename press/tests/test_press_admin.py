"""Organizers enter a press item's date with a picker, typed as the language writes dates, to the day, month or year."""

import pytest

from press.models import PressItem

pytestmark = pytest.mark.django_db


def form(**fields):
    return {"title": "Council ends the contract", "outlet": "City Paper", "url": "", "language": "en", "published": "on", **fields}


@pytest.mark.parametrize(
    ("typed", "precision", "stored"),
    [
        ("Nov 30, 2024", "day", "2024-11-30"),  # was cut to "Nov 30, 20" and refused
        ("2024-11-30", "day", "2024-11-30"),
        ("11/30/2024", "day", "2024-11-30"),
        ("2024-06-15", "month", "2024-06"),
        ("2023-01-01", "year", "2023"),
        ("", "day", ""),
    ],
)
def test_a_date_typed_or_picked_is_stored_to_the_precision_known(admin_client, typed, precision, stored):
    response = admin_client.post("/admin/press/pressitem/add/", form(date_0=typed, date_1=precision))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert PressItem.objects.get().date == stored


def test_a_date_that_does_not_exist_gets_a_clear_message(admin_client):
    response = admin_client.post("/admin/press/pressitem/add/", form(date_0="Nov 31, 2024", date_1="day"))
    assert response.status_code == 200
    assert "Enter a date, like 2024-11-30 (or pick it)." in response.content.decode()
    assert not PressItem.objects.exists()


def test_the_form_has_a_date_picker_and_shows_a_month_only_date_as_such(admin_client):
    item = PressItem.objects.create(title="Budget hearing", date="2024-06")
    html = admin_client.get(f"/admin/press/pressitem/{item.pk}/change/").content.decode()
    assert 'class="vDateField"' in html and "admin/js/admin/DateTimeShortcuts.js" in html
    assert 'name="date_0" value="2024-06-01"' in html
    assert '<option value="month" selected>only the month is known</option>' in html
    admin_client.post(
        f"/admin/press/pressitem/{item.pk}/change/", form(title="Budget hearing", date_0="2024-06-01", date_1="month")
    )
    item.refresh_from_db()
    assert item.date == "2024-06"
