"""The fact sheet as the templates need it: the stored figures in words, charts and provenance.

Only reads: one query for the dataset (with its stored figures) and the local
fight it belongs to. Cost per alert is worked out here, at render time, so a
change to the city's spending on the profits table shows at once.
"""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from . import charts, schemas
from .charts import fmt
from .models import AlertDataset, DispositionClass

MONTH_ABBR = "M Y"
WEEKDAYS = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday")]


def percent(share: float | None) -> str:
    if share is None:
        return ""
    value = share * 100
    number = round(value, 1) if 0 < value < 10 else round(value)  # "4.5%", "62%"
    return _("%(n)s%%") % {"n": fmt(number)}


def _day(iso: str | None) -> str:
    return date_format(date.fromisoformat(iso), "DATE_FORMAT") if iso else ""


def usd(amount: float) -> str:
    if amount >= 100:
        return _("$%(amount)s") % {"amount": fmt(round(amount))}
    return _("$%(amount)s") % {"amount": number_2(amount)}


def number_2(value: float) -> str:
    from django.utils.formats import number_format

    return number_format(value, decimal_pos=2, force_grouping=True)


def dataset_for(action) -> AlertDataset | None:
    return AlertDataset.objects.filter(action=action).exclude(figures={}).first()


def build(action, dataset: AlertDataset, full: bool = True) -> dict:
    """Everything the fact sheet shows; `full=False` is the summary on the local fight's page (no map or tables)."""
    f = dataset.figures
    total = f["total"]
    mapping = dataset.mapping
    kind_one, kind_many = schemas.AREA_KINDS.get(dataset.area_kind or "area", schemas.AREA_KINDS["area"])
    schema = schemas.SCHEMAS.get(dataset.schema)
    sheet = {
        "action": action,
        "dataset": dataset,
        "total": fmt(total),
        "total_number": total,
        "first": _day(f["first"]),
        "last": _day(f["last"]),
        "per_day": fmt(round(f["per_day"], 2 if f["per_day"] < 1 else 1)),
        "source": {
            "file": dataset.file_name,
            "sha256": dataset.sha256,
            "rows": fmt(dataset.rows),
            "kept": fmt(dataset.kept),
            "duplicates": fmt(dataset.duplicates),
            "skipped": fmt(dataset.skipped),
            "imported": date_format(dataset.imported_at, "DATE_FORMAT"),
            "computed": date_format(dataset.figures_at, "DATE_FORMAT") if dataset.figures_at else "",
            "time_zone": dataset.time_zone,
            "schema": str(schema.source) if schema else "",
            "columns": [{"field": str(schemas.FIELDS.get(k, k)), "column": v} for k, v in mapping.items()],
            "date_column": mapping.get("datetime") or mapping.get("date", ""),
        },
        "kind_one": kind_one,
        "kind_many": kind_many,
    }
    sheet["years"] = _years(f)
    sheet["areas"] = _areas(f, kind_one)
    sheet["dispositions"] = _dispositions(f)
    sheet["costs"] = costs(action, f)
    if not full:
        return sheet
    sheet["months"] = _months(f)
    sheet["hours"] = _hours(f)
    sheet["zips"] = [{"name": z["name"], "count": fmt(z["count"]), "share": percent(z["share"])} for z in f["zips"]]
    sheet["zip_count"] = fmt(f["zip_count"])
    sheet["area_column"] = mapping.get("area", "")
    sheet["zip_column"] = mapping.get("zip", "")
    sheet["types"] = [
        {"name": t["name"] or _("(empty)"), "count": fmt(t["count"]), "share": percent(t["share"])} for t in f["types"]
    ]
    sheet["type_column"] = mapping.get("type", "")
    sheet["disposition_column"] = mapping.get("disposition", "")
    sheet["map"] = charts.density(f["map"]) if f.get("map") else None
    sheet["map_mapped"] = fmt(f["map"]["mapped"]) if f.get("map") else ""
    sheet["map_left_out"] = fmt(f["map"].get("left_out", 0)) if f.get("map") else ""
    sheet["map_km"] = fmt(f["map"]["km"]) if f.get("map") else ""
    return sheet


def _years(f: dict) -> dict | None:
    items = f["years"]
    if not items:
        return None
    return {
        "rows": [{"year": y["year"], "count": fmt(y["count"]), "partial": y["partial"]} for y in items],
        "chart": charts.columns(items, label=lambda y: str(y["year"]), partial=lambda y: y["partial"]),
        "any_partial": any(y["partial"] for y in items),
        "peak": max(items, key=lambda y: y["count"]),
    }


def _months(f: dict) -> dict | None:
    items = f["months"]
    if len(items) < 2:
        return None

    def label(item):
        year, month = item["month"].split("-")
        return year if month == "01" or (item is items[0] and len(items) <= 24) else ""

    def month_name(key: str) -> str:
        year, month = key.split("-")
        return date_format(date(int(year), int(month), 1), MONTH_ABBR)

    if len(items) <= 24:
        chart = charts.columns(items, label=lambda m: month_name(m["month"]), every=3, width=960)
    else:
        chart = charts.columns(items, label=label, width=960)
    peak = max(items, key=lambda m: m["count"])
    return {
        "rows": [{"month": month_name(m["month"]), "count": fmt(m["count"])} for m in items],
        "chart": chart,
        "peak_month": month_name(peak["month"]),
        "peak": fmt(peak["count"]),
    }


def _hours(f: dict) -> dict | None:
    items = f["hours"]
    if not items:
        return None
    peak = max(items, key=lambda h: h["count"])
    return {
        "rows": [{"hour": f"{h['hour']:02d}:00-{h['hour']:02d}:59", "count": fmt(h["count"])} for h in items],
        "chart": charts.columns(items, label=lambda h: f"{h['hour']:02d}", every=3),
        "known": fmt(f["hours_known"]),
        "peak_hour": f"{peak['hour']:02d}:00-{peak['hour']:02d}:59",
        "night_share": percent(f["night_share"]),
    }


def _areas(f: dict, kind_one) -> dict | None:
    items = [a for a in f["areas"] if a["name"]]
    if not items:
        return None
    concentration = f.get("concentration")
    return {
        "rows": [{"name": a["name"], "count": fmt(a["count"]), "share": percent(a["share"])} for a in items],
        "chart": charts.rows(items, label=lambda a: a["name"]),
        "shown": len(items),
        "known": fmt(f["areas_known"]),
        "concentration": {
            "areas": fmt(concentration["areas"]),
            "top_n": fmt(concentration["top_n"]),
            "top_n_number": concentration["top_n"],
            "half_n_number": concentration["half_n"],
            "top_share": percent(concentration["top_share"]),
            "half_n": fmt(concentration["half_n"]),
            "half_areas_share": percent(concentration["half_areas_share"]),
        }
        if concentration
        else None,
    }


def _dispositions(f: dict) -> dict | None:
    d = f.get("dispositions")
    if not d:
        return None
    labels = dict(DispositionClass.choices)
    classes = [
        {
            "meaning": c["meaning"],
            "label": labels[c["meaning"]],
            "count": fmt(c["count"]),
            "share": percent(c["share"]),
            "n": c["count"],
        }
        for c in d["classes"]
    ]
    return {
        "classes": classes,
        "chart": charts.rows([{"name": str(c["label"]), "count": c["n"]} for c in classes], label=lambda c: c["name"]),
        "codes": [
            {
                "code": c["code"] or _("(empty)"),
                "label": labels[c["meaning"]],
                "count": fmt(c["count"]),
                "share": percent(c["share"]),
            }
            for c in d["codes"]
        ],
        "gun_crime": next(c for c in classes if c["meaning"] == DispositionClass.GUN_CRIME),
        "mapping_updated": _day(d["mapping_updated"][:10]) if d.get("mapping_updated") else "",
    }


def costs(action, f: dict) -> dict | None:
    """Cost per alert, from the total the profits table states for this city."""
    if not action.amount_usd or not f["total"]:
        return None
    found = {
        "amount": usd(action.amount_usd),
        "money": action.money,
        "years": action.years,
        "per_alert": usd(action.amount_usd / f["total"]),
        "per_gun_crime": None,
    }
    d = f.get("dispositions")
    if d:
        gun = next(c["count"] for c in d["classes"] if c["meaning"] == DispositionClass.GUN_CRIME)
        found["gun_crime"] = fmt(gun)
        found["per_gun_crime"] = usd(action.amount_usd / gun) if gun else None
    return found


def csv_rows(sheet: dict, dataset: AlertDataset):
    """The aggregates as CSV rows: figure, category, alerts, share; provenance first."""
    f = dataset.figures
    total = f["total"] or 1
    yield [_("figure"), _("category"), _("alerts"), _("share of all alerts")]
    for label, value in (
        (_("source file"), dataset.file_name),
        (_("SHA-256 of the file"), dataset.sha256),
        (_("rows read"), dataset.rows),
        (_("alerts kept"), dataset.kept),
        (_("duplicates merged"), dataset.duplicates),
        (_("rows skipped"), dataset.skipped),
        (_("first alert"), f["first"]),
        (_("last alert"), f["last"]),
        (_("time zone"), dataset.time_zone),
    ):
        yield [_("provenance"), label, value, ""]
    for y in f["years"]:
        yield [_("alerts per year"), y["year"], y["count"], _share(y["count"], total)]
    for m in f["months"]:
        yield [_("alerts per month"), m["month"], m["count"], _share(m["count"], total)]
    for h in f["hours"]:
        yield [_("alerts by hour of day"), f"{h['hour']:02d}", h["count"], _share(h["count"], total)]
    for a in f["areas"]:
        yield [
            _("alerts by %(kind)s (most alerted)") % {"kind": sheet["kind_one"]},
            a["name"],
            a["count"],
            _share(a["count"], total),
        ]
    for z in f["zips"]:
        yield [_("alerts by ZIP code (most alerted)"), z["name"], z["count"], _share(z["count"], total)]
    for t in f["types"]:
        yield [_("alerts by type"), t["name"], t["count"], _share(t["count"], total)]
    for d in f.get("weekdays", []):
        yield [_("alerts by day of the week"), str(WEEKDAYS[d["weekday"]]), d["count"], _share(d["count"], total)]
    for r in f.get("rounds", []):
        yield [_("alerts by rounds detected"), r["name"], r["count"], _share(r["count"], total)]
    if f.get("dispositions"):
        labels = dict(DispositionClass.choices)
        for c in f["dispositions"]["classes"]:
            yield [_("alerts by what police found"), str(labels[c["meaning"]]), c["count"], _share(c["count"], total)]
        for c in f["dispositions"]["codes"]:
            yield [_("alerts by disposition code"), f"{c['code']} ({labels[c['meaning']]})", c["count"], _share(c["count"], total)]
    if f.get("map"):
        m = f["map"]
        for row, col, n in m["squares"]:
            lat = m["south"] + (row + 0.5) * m["dlat"]
            lon = m["west"] + (col + 0.5) * m["dlon"]
            square = _("%(km)s km square centred on %(lat).3f, %(lon).3f") % {"km": m["km"], "lat": lat, "lon": lon}
            yield [_("alerts per map square"), square, n, _share(n, total)]


def _share(n: int, total: int) -> str:
    return f"{n / total:.4f}"
