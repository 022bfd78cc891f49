from django.utils.translation import gettext as _

from . import counting
from .models import Campaign


def calls_to_action() -> list[dict]:
    """A call to action for each published campaign, the open letter first."""
    texts = {
        Campaign.Kind.LETTER: _("Organizations and individuals: add your name to the open letter."),
        Campaign.Kind.PETITION: _("Tell the company's CEO to stop surveilling our communities."),
    }
    campaigns = sorted(Campaign.objects.published(), key=lambda c: c.kind != Campaign.Kind.LETTER)
    icons = {Campaign.Kind.LETTER: "letter", Campaign.Kind.PETITION: "document"}  # core/static/img/icons/
    return [{"title": c.title, "text": texts[c.kind], "url": c.get_absolute_url(), "icon": icons[c.kind]} for c in campaigns]


def main_ask() -> dict | None:
    """The home page's first screen (settings.HOME_MAIN_ASK): the open petition, its live count and its next goal.

    The open letter when no petition is open; None when nothing can be signed.
    """
    campaigns = [c for c in Campaign.objects.published() if c.accepting_signatures()]
    campaigns.sort(key=lambda c: c.kind != Campaign.Kind.PETITION)
    if not campaigns:
        return None
    campaign = campaigns[0]
    counts = counting.public_counts(campaign.pk)
    return {
        "title": campaign.title,
        "target": campaign.target,
        "url": campaign.get_absolute_url(),
        "count": counts["total"],
        "goal": counts["next_milestone"],
        "action": _("Sign the petition") if campaign.kind == Campaign.Kind.PETITION else _("Sign the open letter"),
    }
