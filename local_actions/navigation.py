"""This app's link in the main menu (settings.NAVIGATION)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def links() -> list:
    return [(_("Local fights"), reverse("local_actions:index"))]
