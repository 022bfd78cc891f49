"""What the signatures app adds to other apps' pages, through their settings registries.

local_actions asks `sign_call` for a call to action on a local fight's page (LOCAL_ACTION_CALLS).
"""

from django.utils.translation import gettext as _

from .models import Campaign


def sign_call(request, local_action) -> dict | None:
    """"Sign the petition", if one is open."""
    petition = next((c for c in Campaign.objects.published().filter(kind=Campaign.Kind.PETITION) if c.accepting_signatures()), None)
    if petition is None:
        return None
    return {"text": _("Sign the petition"), "url": petition.get_absolute_url()}
