"""What the evidence kit adds to a local fight's page (settings.LOCAL_ACTION_SECTIONS).

local_actions calls the functions named in that setting and never imports
this app, so the dependency goes one way: evidence -> local_actions.
"""

from . import sheet as sheets


def fact_sheet_section(action) -> dict | None:
    """The fact sheet's summary for the local fight's page, once the city's alert data is imported."""
    dataset = sheets.dataset_for(action)
    if dataset is None:
        return None
    return {"template": "evidence/section.html", "sheet": sheets.build(action, dataset, full=False)}
