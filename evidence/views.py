"""The public fact sheet: the page, its printable one-page version and the CSV of its aggregates."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.http_cache import cached_response
from local_actions.models import LocalAction

from . import sheet as sheets

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


CACHE_SECONDS = 60  # the key changes with every import, reading of codes or edit of the city; this only bounds site-wide edits


def _found(slug: str):
    action = get_object_or_404(LocalAction.objects.published(), slug=slug)
    dataset = sheets.dataset_for(action)
    if dataset is None:
        raise Http404("No alert data for this city yet.")
    return action, dataset


def _sheet(slug: str) -> dict:
    return sheets.build(*_found(slug))


def _cached_page(request, slug: str, template: str, **extra):
    """The page is the same for every visitor until the data or the city changes: rendered once, then served."""
    action, dataset = _found(slug)
    key = f"evidence:{template}:{action.pk}:{action.updated_at.timestamp()}:{dataset.pk}:{dataset.figures_at.timestamp()}"

    def render_page():
        return render_to_string(template, {"sheet": sheets.build(action, dataset), **extra}, request=request)

    return cached_response(request, key, CACHE_SECONDS, render_page)


@require_safe
def facts(request, slug):
    return _cached_page(request, slug, "evidence/facts.html")


@require_safe
def facts_print(request, slug):
    facts_url = request.build_absolute_uri(reverse("evidence:facts", args=[slug]))
    return _cached_page(request, slug, "evidence/print.html", facts_url=facts_url)


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
