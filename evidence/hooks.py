"""What the evidence kit adds to a local fight's page (settings.LOCAL_ACTION_PAGE_EXTRAS).

local_actions calls the functions named in that setting and never imports
this app, so the dependency goes one way: evidence -> local_actions.
"""

from django.template.loader import render_to_string

from core.extras import Section

from . import sheet as sheets


def fact_sheet_section(request, action) -> Section | str:
    """The fact sheet's summary for the local fight's page, once the city's alert data is imported."""
    dataset = sheets.dataset_for(action)
    if dataset is None:
        return ""
    context = {"section": {"sheet": sheets.build(action, dataset, full=False)}}
    return Section(render_to_string("evidence/section.html", context, request=request), ("css/evidence.css",))
