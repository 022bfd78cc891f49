from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.privacy import request_ip_hash

from . import pow


@require_safe
def challenge(request):
    """A proof-of-work challenge for the network asking, the campaign and the email domain pow.js names."""
    campaign = request.GET.get("campaign", "")
    domain = request.GET.get("domain", "").strip().lower()[:255]
    data = pow.challenge(int(campaign) if campaign.isdigit() else None, request_ip_hash(request), domain)
    # What pow.js says while it works, in the visitor's language.
    data["messages"] = {
        "working": _("One moment: your browser is doing a short automatic check against spam (%(percent)s%%)."),
        "sending": _("Check done. Sending…"),
    }
    response = JsonResponse(data)
    add_never_cache_headers(response)
    return response
