from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

from core import share_image
from core.extras import sections, stylesheets
from core.templatetags.share_tags import site_card

from .models import Organization, Page, SiteSettings


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
    ask = import_string(settings.HOME_MAIN_ASK)() if settings.HOME_MAIN_ASK else None
    ctas = calls_to_action()
    return render(
        request,
        "pages/home.html",
        {
            "ask": ask,
            # The ask is the first screen's main action; the others are its secondary ones.
            "secondary_actions": [c for c in ctas if not ask or c["url"] != ask["url"]],
            "explainers": Page.objects.explainers(),
            "organizations": Organization.objects.filter(in_coalition=True),
            "calls_to_action": ctas,
            **home_sections(),
        },
    )


def share_card(page: Page) -> share_image.ShareCard:
    """A content page's share image: its title, and its key figure where an app gives one (the profits page)."""
    figure = label = ""
    if page.slug in settings.PAGE_SHARE_FIGURES:
        figure, label = import_string(settings.PAGE_SHARE_FIGURES[page.slug])()
    return share_image.ShareCard(
        title=page.title, figure=figure, figure_label=label, site_name=SiteSettings.load().site_name
    )


@require_safe
def share_image_view(request, slug):
    """A content page's 1200x630 share image (og:image)."""
    return share_image.response(request, share_card(get_object_or_404(Page.objects.published(), slug=slug)))


@require_safe
def page(request, slug):
    page = get_object_or_404(Page.objects.published().prefetch_related("sources"), slug=slug)
    image_path = reverse("pages:share_image", args=[page.slug])
    extras = sections(settings.PAGE_EXTRAS.get(page.slug, []), request, page)
    context = {
        "page": page,
        "share_image": share_image.url(image_path, share_card(page)),
        "extras": extras,
        "page_stylesheets": stylesheets(extras),
    }
    if page.kind == Page.Kind.ABOUT:
        context["organizations"] = Organization.objects.filter(in_coalition=True)
    if page.kind == Page.Kind.EXPLAINER:
        context["explainers"] = Page.objects.explainers().exclude(pk=page.pk)
    return render(request, "pages/page.html", context)


@require_safe
def site_share_image(request):
    """The site's own share image (pages without one of their own): its headline and name."""
    return share_image.response(request, site_card(SiteSettings.load()))
