"""What the letters app adds to other apps' pages, through their settings registries.

local_actions shows `page_section` on a local fight's page (LOCAL_ACTION_PAGE_EXTRAS) and
`write_call` at its top (LOCAL_ACTION_CALLS);
signatures shows `nearest_open_letter` on the petition's thank-you page
(SIGNATURE_THANKS_EXTRAS). Neither app imports this one.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.extras import note_shown
from signatures.models import Campaign

from . import residency, services
from .forms import LetterForm
from .models import LetterAction


def page_section(request, local_action, form=None) -> str:
    action = LetterAction.objects.filter(local_action=local_action, published=True).first()
    if action is None:
        return ""
    return render_to_string("letters/section.html", section_context(action, form), request=request)


def write_call(request, local_action) -> dict | None:
    """"Write to your council", where a letter is open: to the form on the same page."""
    action = LetterAction.objects.filter(local_action=local_action, published=True).first()
    if action is None or not action.is_open() or not action.officials.exists():
        return None
    date = date_format(action.decision_date, "DATE_FORMAT")
    return {"text": _("Write to your council before %(date)s") % {"date": date}, "url": "#write"}


def section_context(action: LetterAction, form=None) -> dict:
    is_open = action.is_open()
    officials = list(action.officials.all())
    return {
        "letter_action": action,
        "is_open": is_open and bool(officials),
        "days_left": action.days_left(),
        "officials": officials,
        "any_example": any(o.is_example for o in officials),
        "counts": services.counts(action),
        "form": form or (LetterForm(initial={"body": action.suggested_text}) if is_open else None),
        "petition": Campaign.objects.published().filter(kind=Campaign.Kind.PETITION).first(),
    }


def nearest_open_letter(request, zip_code: str = "") -> str:
    """On the petition's thank-you page: the closest local fight where people can write to their council."""
    place = residency.place(zip_code) if zip_code else None
    now = timezone.now()
    open_actions = [
        a
        for a in LetterAction.objects.filter(published=True, opens_at__lte=now).select_related("local_action")
        if a.is_open(now) and a.officials.exists()
    ]
    if not open_actions:
        return ""

    def distance(action):
        la = action.local_action
        if not place or la.latitude is None:
            return float("inf")
        return residency.distance_km(place[2], place[3], float(la.latitude), float(la.longitude))

    nearest = min(open_actions, key=lambda a: (distance(a), a.decision_date))
    note_shown(request, ("local_action", nearest.local_action_id))  # the nearest-fight hook then offers another city
    return render_to_string(
        "letters/nearest.html", {"letter_action": nearest, "near": distance(nearest) < 80}, request=request
    )
