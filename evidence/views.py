"""The public fact sheet: the page, its printable one-page version and the CSV of its aggregates."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from local_actions.models import LocalAction

from . import sheet as sheets

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _sheet(slug: str) -> dict:
    action = get_object_or_404(LocalAction.objects.published(), slug=slug)
    dataset = sheets.dataset_for(action)
    if dataset is None:
        raise Http404("No alert data for this city yet.")
    return sheets.build(action, dataset)


@require_safe
def facts(request, slug):
    return render(request, "evidence/facts.html", {"sheet": _sheet(slug)})


@require_safe
def facts_print(request, slug):
    facts_url = request.build_absolute_uri(reverse("evidence:facts", args=[slug]))
    return render(request, "evidence/print.html", {"sheet": _sheet(slug), "facts_url": facts_url})


def _cell(value) -> str | int:
    """Text a spreadsheet would run as a formula (a city's area called "=1+1") is made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@require_safe
def facts_csv(request, slug):
    sheet = _sheet(slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-alert-figures.csv"'
    writer = csv.writer(response)
    for row in sheets.csv_rows(sheet, sheet["dataset"]):
        writer.writerow([_cell(value) for value in row])
    return response
