"""Sections one app adds to another's page, named in a setting: the host page never imports the guest app.

Each setting (LOCAL_ACTION_PAGE_EXTRAS, SIGNATURE_THANKS_EXTRAS, CAMPAIGN_PAGE_EXTRAS, PAGE_EXTRAS)
lists functions that return a `Section` (or plain HTML, or "" for nothing). The host view
renders the sections where its template says, and base.html links their stylesheets in
the <head> (`stylesheets(sections)` in the context as `page_stylesheets`), never in the body.
"""

from dataclasses import dataclass

from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True, slots=True)
class Section:
    html: str
    stylesheets: tuple[str, ...] = ()  # static paths, e.g. "css/map.css"

    def __str__(self) -> SafeString:
        return mark_safe(self.html)  # noqa: S308 - rendered by templates with autoescape

    def __html__(self) -> SafeString:
        return str(self)


def sections(paths, *args) -> list[Section]:
    """Call each hook with `args`; the sections that have something to show, in order."""
    found = []
    for path in paths:
        made = import_string(path)(*args)
        if made:
            found.append(made if isinstance(made, Section) else Section(made))
    return found


def stylesheets(*groups) -> list[str]:
    """The stylesheets the sections need, each once, in order."""
    seen = {}
    for group in groups:
        for section in group:
            seen.update(dict.fromkeys(section.stylesheets))
    return list(seen)


def note_shown(request, *keys) -> None:
    """A hook records what it showed (e.g. ("local_action", 7)), so a later hook on the page need not repeat it."""
    if not hasattr(request, "extras_shown"):
        request.extras_shown = set()
    request.extras_shown.update(keys)


def shown(request, kind: str) -> set:
    """The ids of `kind` that earlier hooks on this page showed."""
    return {key for k, key in getattr(request, "extras_shown", ()) if k == kind}
