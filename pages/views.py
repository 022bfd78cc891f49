from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

from press.models import PressItem

from .models import Organization, Page


def calls_to_action() -> list[dict]:
    """The home page's calls to action, one provider per app (petition, letter, map).

    Each provider returns only what exists and is open, so the home page never
    links to a page that is not there.
    """
    ctas = []
    for path in settings.HOME_CALLS_TO_ACTION:
        ctas += import_string(path)()
    return ctas


@require_safe
def home(request):
    return render(
        request,
        "pages/home.html",
        {
            "explainers": Page.objects.explainers(),
            "latest_press": PressItem.objects.newest_first()[:4],
            "organizations": Organization.objects.filter(in_coalition=True),
            "calls_to_action": calls_to_action(),
        },
    )


@require_safe
def page(request, slug):
    page = get_object_or_404(Page.objects.published().prefetch_related("sources"), slug=slug)
    context = {"page": page}
    if page.kind == Page.Kind.ABOUT:
        context["organizations"] = Organization.objects.filter(in_coalition=True)
    if page.kind == Page.Kind.EXPLAINER:
        context["explainers"] = Page.objects.explainers().exclude(pk=page.pk)
    return render(request, "pages/page.html", context)
