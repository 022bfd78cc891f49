from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

from core.extras import sections, stylesheets

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


def home_sections() -> dict:
    """What other apps put on the home page (settings.HOME_SECTIONS: context name -> function () -> value)."""
    return {name: import_string(path)() for name, path in settings.HOME_SECTIONS.items()}


@require_safe
def home(request):
    return render(
        request,
        "pages/home.html",
        {
            "explainers": Page.objects.explainers(),
            "organizations": Organization.objects.filter(in_coalition=True),
            "calls_to_action": calls_to_action(),
            **home_sections(),
        },
    )


@require_safe
def page(request, slug):
    page = get_object_or_404(Page.objects.published().prefetch_related("sources"), slug=slug)
    extras = sections(settings.PAGE_EXTRAS.get(page.slug, []), request, page)
    context = {"page": page, "extras": extras, "page_stylesheets": stylesheets(extras)}
    if page.kind == Page.Kind.ABOUT:
        context["organizations"] = Organization.objects.filter(in_coalition=True)
    if page.kind == Page.Kind.EXPLAINER:
        context["explainers"] = Page.objects.explainers().exclude(pk=page.pk)
    return render(request, "pages/page.html", context)
