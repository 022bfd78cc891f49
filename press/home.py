"""What the press app puts on the home page (settings.HOME_SECTIONS); pages never imports it."""

from django.template.loader import render_to_string

from .models import PressItem


def latest_press() -> str:
    """The four newest press items, as the list the press page shows ("" when there are none)."""
    items = list(PressItem.objects.newest_first()[:4])
    return render_to_string("press/items.html", {"items": items}) if items else ""
