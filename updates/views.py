import hmac

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import bounces as bounce_notices
from . import services, tokens


def _page(request, template, context=None, status=200):
    response = render(request, template, context or {}, status=status)
    add_never_cache_headers(response)
    return response


# RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to this address with no
# cookie or CSRF token. The signed token in the address is what authorizes it.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        signature_id = tokens.read(token)
    except tokens.BadToken:
        return _page(request, "updates/link_invalid.html", status=400)
    if request.method == "POST":
        signature = services.signature_for_unsubscribe(signature_id)
        outcome = services.unsubscribe(signature_id)
        return _page(
            request,
            "updates/unsubscribed.html",
            {"campaign": signature.campaign if signature else None, "already": outcome is services.Outcome.ALREADY},
        )
    # A GET only shows the button: mail scanners open links, and must not unsubscribe anyone.
    signature = services.signature_for_unsubscribe(signature_id)
    if signature is None or not signature.wants_updates:
        return _page(request, "updates/unsubscribed.html", {"campaign": signature.campaign if signature else None, "already": True})
    return _page(request, "updates/unsubscribe.html", {"campaign": signature.campaign, "token": token})


@csrf_exempt  # a mail provider's webhook; the secret in the address authorizes it
@require_POST
def bounces(request, secret):
    expected = settings.UPDATES_WEBHOOK_SECRET
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        raise Http404
    try:
        events = bounce_notices.parse(request.body)
    except bounce_notices.Unreadable as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"received": len(events), "new": services.record_bounces(events)})
