"""What the local fights put on share images (core/share_image.py)."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import share_image
from pages.models import SiteSettings

from .models import LocalAction


def usd(amount: int) -> str:
    return _("$%(amount)s") % {"amount": number_format(amount, force_grouping=True)}


def local_action_card(action: LocalAction) -> share_image.ShareCard:
    """A local fight: the city, where it stands, and what the city paid when the money is stated."""
    title = f"{action.city}, {action.state_name}"
    if action.summary:
        title = f"{title}: {action.summary}"
    return share_image.ShareCard(
        title=title,
        kicker=f"{_('Local fight')} · {action.get_status_display()}",
        figure=usd(action.amount_usd) if action.amount_usd else "",
        figure_label=_("paid to the company") if action.amount_usd else "",
        site_name=SiteSettings.load().site_name,
    )


def map_card(cities: int) -> share_image.ShareCard:
    """The map of local fights: how many cities are on it."""
    return share_image.ShareCard(
        title=_("Where people are organizing against ShotSpotter"),
        kicker=_("Local fights"),
        figure=str(cities) if cities else "",
        figure_label=ngettext("city on the map", "cities on the map", cities) if cities else "",
        site_name=SiteSettings.load().site_name,
    )


def profits_figure() -> tuple[str, str]:
    """The profits page's key figure (settings.PAGE_SHARE_FIGURES): the total cities are known to have paid."""
    amounts = list(LocalAction.objects.published().exclude(amount_usd=None).values_list("amount_usd", flat=True))
    if not amounts:
        return "", ""
    label = ngettext("paid by %(count)d city", "paid by %(count)d cities", len(amounts)) % {"count": len(amounts)}
    return usd(sum(amounts)), label
