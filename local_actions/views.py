from itertools import groupby

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from core import share_image
from core.extras import stylesheets
from defence.forms import Verdict, screen

from . import extras, services, share, usmap
from .forms import SubmissionForm
from .models import STATUS_DESCRIPTIONS, STATUS_STYLE, LocalAction, Status


def status_legend(actions, current: str) -> list[dict]:
    counts = {}
    for action in actions:
        counts[action.status] = counts.get(action.status, 0) + 1
    return [
        {
            "value": value,
            "label": label,
            "description": STATUS_DESCRIPTIONS[value],
            "count": counts.get(value, 0),
            "icon": usmap.legend_icon(STATUS_STYLE[value]["shape"]),
            "colour": STATUS_STYLE[value]["colour"],
            "current": value == current,
        }
        for value, label in Status.choices
    ]


@require_safe
def index(request):
    every = list(LocalAction.objects.published())
    current = request.GET.get("status", "")
    if current not in Status.values:
        current = ""  # an unknown filter shows everything rather than an empty map
    shown = [a for a in every if a.status == current] if current else every
    shown.sort(key=lambda a: (a.state_name, a.city))
    by_state = [(name, list(group)) for name, group in groupby(shown, key=lambda a: a.state_name)]
    markers = usmap.markers(shown)
    return render(
        request,
        "local_actions/index.html",
        {
            "states": usmap.states(),
            "viewbox": usmap.VIEWBOX,
            "markers": markers,
            "clusters": usmap.clusters(markers),
            "fine_radius": usmap.FINE_RADIUS,
            "coarse_radius": usmap.COARSE_RADIUS,
            "legend": status_legend(every, current),
            "current_status": current,
            "current_label": Status(current).label if current else "",
            "total": len(every),
            "shown": shown,
            "by_state": by_state,
            "share_image": share_image.url(reverse("local_actions:map_share_image"), share.map_card(len(every))),
        },
    )


@require_safe
def map_share_image_view(request):
    """The map's 1200x630 share image: how many cities are on it."""
    return share_image.response(request, share.map_card(LocalAction.objects.published().count()))



@require_safe
def detail(request, slug):
    action = get_object_or_404(LocalAction.objects.published().prefetch_related("sources"), slug=slug)
    sections = extras.page_sections(request, action)
    return render(
        request,
        "local_actions/detail.html",
        {
            "action": action,
            "press": action.press_coverage(),
            "states": usmap.states(),
            "viewbox": usmap.VIEWBOX,
            "markers": usmap.markers([action]),
            "fine_radius": usmap.FINE_RADIUS,
            "icon": usmap.legend_icon(action.style["shape"]),
            "extras": sections,
            "page_stylesheets": stylesheets(sections),
            "calls": extras.calls_to_action(request, action),
            "share_image": share_image.url(
                reverse("local_actions:share_image", args=[action.slug]), share.local_action_card(action)
            ),
        },
    )


@require_safe
def share_image_view(request, slug):
    """The local fight's 1200x630 share image (og:image)."""
    action = get_object_or_404(LocalAction.objects.published(), slug=slug)
    return share_image.response(request, share.local_action_card(action))


@require_http_methods(["GET", "HEAD", "POST"])
def submit(request):
    form = SubmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verdict = screen(request, form, "local-fight")
        if verdict != Verdict.REFUSED:
            if verdict != Verdict.BOT:
                services.receive(form, notify=verdict == Verdict.OK)
            return redirect("local_actions:thanks")
    status = 400 if request.method == "POST" else 200
    return render(request, "local_actions/submit.html", {"form": form}, status=status)


@require_safe
def thanks(request):
    return render(request, "local_actions/thanks.html")
