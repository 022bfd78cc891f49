from django.utils.translation import gettext as _

from .models import Campaign


def calls_to_action() -> list[dict]:
    """A call to action for each published campaign, the open letter first."""
    texts = {
        Campaign.Kind.LETTER: _("Organizations and individuals: add your name to the open letter."),
        Campaign.Kind.PETITION: _("Tell the company's CEO to stop surveilling our communities."),
    }
    campaigns = sorted(Campaign.objects.published(), key=lambda c: c.kind != Campaign.Kind.LETTER)
    return [{"title": c.title, "text": texts[c.kind], "url": c.get_absolute_url()} for c in campaigns]
