from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import http_cache, share_image
from core.extras import Section, sections, stylesheets
from core.http_cache import cached_response, server_cache
from core.privacy import client_ip
from pages.models import Organization, SiteSettings

from . import counting, services, tokens
from .forms import OrganizationSignForm, SignForm
from .models import Campaign, Signature
from .queries import public_signers

PAGE_SECONDS = http_cache.SECONDS
SIGNERS_PER_PAGE = 50


def get_campaign(kind: str, slug: str) -> Campaign:
    """The campaign, from a short-lived cache: the sign path must not query it every time.

    In the page cache, so saving a campaign (closing, unpublishing) reaches the sign path at once.
    Unknown addresses are not cached: a client cannot fill the cache with made-up ones.
    """
    key = f"campaign:{kind}:{slug}"
    made_in, campaign = http_cache.lookup(key)
    if campaign is None:
        campaign = Campaign.objects.published().filter(kind=kind, slug=slug).first()
        if campaign is None:
            raise Http404
        http_cache.store(key, made_in, campaign)
    return campaign


def share_card(campaign: Campaign, counts: dict) -> share_image.ShareCard:
    """What a campaign's share image says: its title and the last milestone its count passed."""
    reached = counting.reached_milestone(counts["total"])
    return share_image.ShareCard(
        title=campaign.title,
        kicker=_("Petition") if campaign.kind == Campaign.Kind.PETITION else _("Open letter"),
        figure=_("%(count)s+") % {"count": intcomma(reached)} if reached else "",
        figure_label=_("have signed") if reached else "",
        site_name=SiteSettings.load().site_name,
    )


def campaign_context(request, campaign: Campaign, form=None, org_form=None) -> dict:
    extras = {place: sections(paths, request, campaign) for place, paths in settings.CAMPAIGN_PAGE_EXTRAS.items()}
    counts = counting.public_counts(campaign.pk)
    image_path = reverse("signatures:share_image", kwargs={"kind": campaign.kind, "slug": campaign.slug})
    return {
        "extras": extras,
        "page_stylesheets": stylesheets(*extras.values()),
        "campaign": campaign,
        "counts": counts,
        "share_image": share_image.url(image_path, share_card(campaign, counts)),
        "recent": public_signers(campaign)[:10],
        "partners": list(campaign.partners.all()),
        "form": form or SignForm(campaign=campaign),
        "org_form": org_form or (OrganizationSignForm(campaign=campaign, prefix="org") if campaign.accepts_organizations else None),
        "share_url": settings.SITE_URL + campaign.get_absolute_url(),
        "embed_code": embed_snippet(campaign),
        "badge_code": badge_snippet(campaign),
    }


@require_safe
def campaign_page(request, kind, slug):
    campaign = get_campaign(kind, slug)

    def render_page():
        return render_to_string("signatures/campaign.html", campaign_context(request, campaign), request=request)

    return cached_response(request, f"campaign:{campaign.pk}", PAGE_SECONDS, render_page)


@csrf_exempt  # see README "Why the sign form has no CSRF token"
@require_POST
def sign(request, kind, slug):
    campaign = get_campaign(kind, slug)
    submission = services.submit(campaign, request.POST, client_ip=client_ip(request))
    if submission.outcome is services.Submitted.CLOSED:
        return render(request, "signatures/closed.html", {"campaign": campaign}, status=410)
    if submission.outcome is services.Submitted.INVALID:
        return _form_error(request, campaign, submission.form, submission.as_organization)
    # The same reply whatever happened: a new signature, a duplicate or a bot.
    response = HttpResponse(_check_email_page(request, campaign, submission.as_organization))
    add_never_cache_headers(response)
    return response


def _check_email_page(request, campaign, as_organization) -> bytes:
    """The reply to every accepted form is the same page: rendered once per campaign and language, not per signature."""
    key = f"check-email:{campaign.pk}:{int(as_organization)}:{get_language()}"
    made_in, body = http_cache.lookup(key)
    if body is None:
        context = {"campaign": campaign, "as_organization": as_organization}
        body = render_to_string("signatures/check_email.html", context, request=request).encode()
        http_cache.store(key, made_in, body, PAGE_SECONDS)
    return body


def _form_error(request, campaign, form, as_organization):
    context = campaign_context(request, campaign, **({"org_form": form} if as_organization else {"form": form}))
    response = render(request, "signatures/campaign.html", context, status=400)
    add_never_cache_headers(response)
    return response


@require_safe
def signers(request, kind, slug):
    campaign = get_campaign(kind, slug)
    paginator = Paginator(public_signers(campaign), SIGNERS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    response = render(request, "signatures/signers.html", {"campaign": campaign, "page_obj": page_obj})
    patch_cache_control(response, public=True, max_age=30)
    return response


@require_safe
def share_image_view(request, kind, slug):
    """The campaign's 1200x630 share image (og:image)."""
    campaign = get_campaign(kind, slug)
    return share_image.response(request, share_card(campaign, counting.public_counts(campaign.pk)))


@require_safe
def count_json(request, kind, slug):
    campaign = get_campaign(kind, slug)
    counts = counting.public_counts(campaign.pk)
    response = JsonResponse({"campaign": campaign.slug, "kind": campaign.kind, **counts})
    patch_cache_control(response, public=True, max_age=2, stale_while_revalidate=30)
    response["Access-Control-Allow-Origin"] = "*"  # public numbers, handy for partner sites
    return server_cache(response)


def _signature_for(token: str, purpose: str):
    try:
        signature_id = tokens.read(token, purpose)
    except tokens.BadToken:
        return None, None
    return signature_id, Signature.objects.select_related("campaign").filter(pk=signature_id).first()


def _bad_link(request):
    response = render(request, "signatures/link_invalid.html", status=400)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    # A GET only shows a button: mail scanners that open links must not sign for anyone.
    signature_id, signature = _signature_for(token, "confirm")
    if signature_id is None:
        return _bad_link(request)
    if signature is None:
        return render(request, "signatures/gone.html", status=404)
    if request.method == "POST":
        outcome = services.confirm(signature_id)
        if outcome is services.Outcome.GONE:
            return render(request, "signatures/gone.html", status=404)
        # The ZIP lets the thank-you page point to the nearest local fight (settings.SIGNATURE_THANKS_EXTRAS).
        url = reverse("signatures:confirmed", kwargs={"kind": signature.campaign.kind, "slug": signature.campaign.slug})
        return redirect(f"{url}?zip={signature.zip_code[:5]}" if signature.zip_code else url)
    already = signature.verified_at is not None
    return render(request, "signatures/confirm.html", {"signature": signature, "campaign": signature.campaign, "already": already})


@require_safe
def confirmed(request, kind, slug):
    campaign = get_campaign(kind, slug)
    next_steps = thanks_extras(request, request.GET.get("zip", ""))
    return render(
        request,
        "signatures/confirmed.html",
        {
            "campaign": campaign,
            "share_url": settings.SITE_URL + campaign.get_absolute_url(),
            "next_steps": next_steps,
            "page_stylesheets": stylesheets(next_steps),
        },
    )


def thanks_extras(request, zip_code: str) -> list[Section]:
    """What other apps suggest after signing (settings.SIGNATURE_THANKS_EXTRAS), by the signer's ZIP."""
    zip_code = zip_code[:5] if zip_code[:5].isdigit() else ""
    return sections(settings.SIGNATURE_THANKS_EXTRAS, request, zip_code)


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, token):
    signature_id, signature = _signature_for(token, "withdraw")
    if signature_id is None:
        return _bad_link(request)
    if signature is None or signature.state == "withdrawn":
        return render(request, "signatures/gone.html", {"withdrawn": True}, status=404)
    if request.method == "POST":
        campaign = signature.campaign
        services.withdraw(signature_id)
        return render(request, "signatures/withdrawn.html", {"campaign": campaign})
    return render(request, "signatures/withdraw.html", {"signature": signature, "campaign": signature.campaign})


# --- The embedded form, for partners' sites -------------------------------------------------------
# A page made to live in an <iframe> on another site: the count, the progress and the sign form,
# posting to itself. Only this route may be framed (frame-ancestors, X-Frame-Options); it sets no
# cookie and needs none (the sign form has no CSRF token, see README), and nothing of ours runs in the
# host page: the partner pastes a plain <iframe>. The proof of work runs inside the frame, from our
# origin, and the signature is confirmed from the signer's inbox as always.
EMBED_CSP = {"frame-ancestors": ["*"]}


def embed_partner(key: str):
    """The organization with this embed key, cached like the campaign (a save of one empties the cache)."""
    cache_key = f"embed-partner:{key}"
    made_in, found = http_cache.lookup(cache_key)
    if found is None:
        found = Organization.objects.filter(embed_key=key).only("pk", "name").first() or False
        if found:  # unknown keys are not cached: a client cannot fill the cache with made-up ones
            http_cache.store(cache_key, made_in, found, 5)
    return found or None


@csrf_exempt  # see README "Why the sign form has no CSRF token"
@xframe_options_exempt
@csp_replace(EMBED_CSP)
@require_http_methods(["GET", "HEAD", "POST"])
def embed(request, kind, slug, key=""):
    campaign = get_campaign(kind, slug)
    partner = embed_partner(key) if key else None
    if key and partner is None:
        # A key that no longer exists: the form still works, just without the partner's name on it.
        return redirect("signatures:embed", kind=kind, slug=slug)
    if request.method == "POST":
        return _embed_sign(request, campaign, partner)

    def render_page():
        return render_to_string("signatures/embed.html", embed_context(request, campaign, partner), request=request)

    return cached_response(request, f"embed:{campaign.pk}:{partner.pk if partner else 0}", PAGE_SECONDS, render_page)


def embed_context(request, campaign, partner, form=None) -> dict:
    return {
        "campaign": campaign,
        "partner": partner,
        "counts": counting.public_counts(campaign.pk),
        "form": form or SignForm(campaign=campaign),
        "action": request.path,
        "full_url": settings.SITE_URL + campaign.get_absolute_url(),
    }


def _embed_sign(request, campaign, partner):
    if not campaign.accepting_signatures():
        response = render(request, "signatures/embed.html", embed_context(request, campaign, partner), status=410)
    else:
        origin = {"source": "embed", "embed_partner_id": partner.pk if partner else None}
        submission = services.submit(campaign, request.POST, client_ip=client_ip(request), organizations=False, origin=origin)
        form = submission.form
        if submission.outcome is services.Submitted.ACCEPTED:
            context = {"campaign": campaign, "full_url": settings.SITE_URL + campaign.get_absolute_url(), "done": True}
            response = render(request, "signatures/embed.html", context)
        else:
            response = render(request, "signatures/embed.html", embed_context(request, campaign, partner, form), status=400)
    add_never_cache_headers(response)
    return response


def embed_snippet(campaign, partner=None) -> str:
    """The <iframe> a partner pastes into its page (shown on the campaign page and in the admin)."""
    if partner is not None:
        url = reverse("signatures:embed_partner", args=[campaign.kind, campaign.slug, partner.embed_key])
    else:
        url = reverse("signatures:embed", args=[campaign.kind, campaign.slug])
    return format_html(
        '<iframe src="{}" title="{}" width="100%" height="900" loading="lazy" '
        'style="border: 1px solid #d8d2c4; max-width: 30rem;"></iframe>',
        settings.SITE_URL + url,
        campaign.title,
    )


def badge_snippet(campaign) -> str:
    return format_html(
        '<a href="{}"><img src="{}" alt="{}" height="28"></a>',
        settings.SITE_URL + campaign.get_absolute_url(),
        settings.SITE_URL + reverse("signatures:badge", args=[campaign.kind, campaign.slug]),
        campaign.title,
    )


BADGE_SECONDS = 10


@require_safe
def badge(request, kind, slug):
    """A counter for partners' pages, as an image: no script, no cookie, cached for seconds."""
    campaign = get_campaign(kind, slug)

    def render_badge():
        total = counting.public_counts(campaign.pk)["total"]
        count = ngettext("%(count)s signature", "%(count)s signatures", total) % {"count": intcomma(total)}
        name = SiteSettings.load().site_name
        left, right = 14 + round(8 * len(name)), 14 + round(8 * len(count))
        context = {"name": name, "count": count, "left": left, "right": right, "width": left + right}
        return render_to_string("signatures/badge.svg", context)

    response = cached_response(request, f"badge:{campaign.pk}", BADGE_SECONDS, render_badge, "image/svg+xml; charset=utf-8")
    # A partner's page that isolates itself (Cross-Origin-Embedder-Policy) may still show it.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
