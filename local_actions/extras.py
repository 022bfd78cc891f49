"""Sections other apps add to a local fight's page (a letter to the council, a fact sheet).

Listed in settings.LOCAL_ACTION_PAGE_EXTRAS as functions (request, local_action) -> core.extras.Section
or HTML, so those apps depend on this one and never the reverse.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from core.extras import Section, sections


def page_sections(request, action) -> list[Section]:
    return sections(settings.LOCAL_ACTION_PAGE_EXTRAS, request, action)


def calls_to_action(request, action) -> list[dict]:
    """What other apps ask visitors to do about this fight (settings.LOCAL_ACTION_CALLS), first the most pressing."""
    calls = (import_string(path)(request, action) for path in settings.LOCAL_ACTION_CALLS)
    return [call for call in calls if call]
