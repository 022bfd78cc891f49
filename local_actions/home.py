from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import LocalAction


def calls_to_action() -> list[dict]:
    """The home page's link to the map (settings.HOME_CALLS_TO_ACTION), once there is something on it."""
    count = LocalAction.objects.published().count()
    if not count:
        return []
    text = ngettext(
        "%(count)d city on the map: see what is happening near you.",
        "%(count)d cities on the map: see what is happening near you.",
        count,
    ) % {"count": count}
    return [{"title": _("Find a local fight"), "text": text, "url": reverse("local_actions:index"), "icon": "map"}]
