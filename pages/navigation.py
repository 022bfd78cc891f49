"""The content pages in the main menu (settings.NAVIGATION): who we are and our demands, by their kind."""

from .models import Page

IN_MENU = [Page.Kind.ABOUT, Page.Kind.DEMANDS]


def links() -> list:
    pages = Page.objects.published().filter(kind__in=IN_MENU).only("slug", "kind")
    by_kind = sorted(pages, key=lambda page: (IN_MENU.index(page.kind), page.pk))
    return [(page.get_kind_display(), page.get_absolute_url()) for page in by_kind]
