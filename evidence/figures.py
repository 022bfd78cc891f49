"""The fact sheet's figures, computed from a dataset's aggregates and stored with it.

The worker calls `compute` after each import and whenever an organizer
changes what a disposition code means, so the public page only reads one
stored JSON value. Everything here is plain numbers and codes; words come
at render time (views and templates), in the reader's language.
"""

from datetime import date

from django.utils import timezone

from .models import Aggregate, AlertDataset, DispositionClass, DispositionMapping

TOP_AREAS = 15


def _counts(dataset: AlertDataset) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for dimension, key, count in Aggregate.objects.filter(dataset=dataset).values_list("dimension", "key", "count"):
        found.setdefault(dimension, {})[key] = count
    return found


def _ranked(counts: dict[str, int], total: int, limit: int | None = None) -> list[dict]:
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [{"name": name or "", "count": n, "share": n / total if total else 0} for name, n in ranked[:limit]]


def _months(first: date, last: date, counts: dict[str, int]) -> list[dict]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        key = f"{year:04d}-{month:02d}"
        months.append({"month": key, "count": counts.get(key, 0)})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _concentration(areas: dict[str, int], total: int) -> dict | None:
    """How concentrated the alerts are: the top tenth of areas' share, and how few areas hold half."""
    named = sorted((n for name, n in areas.items() if name), reverse=True)
    if len(named) < 2 or not total:
        return None
    top_n = max(1, round(len(named) / 10))
    running, half_n = 0, 0
    for n in named:
        running += n
        half_n += 1
        if running * 2 >= total:
            break
    return {
        "areas": len(named),
        "top_n": top_n,
        "top_share": sum(named[:top_n]) / total,
        "half_n": half_n,
        "half_areas_share": half_n / len(named),
    }


def dispositions(action, counts: dict[str, int], total: int) -> dict | None:
    """Alerts per disposition class, by the organizer's saved reading of each code."""
    if not counts:
        return None
    meanings = {m.code.upper(): m.meaning for m in DispositionMapping.objects.filter(action=action)}
    by_class = dict.fromkeys(DispositionClass.values, 0)
    codes = []
    for code, n in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])):
        meaning = meanings.get(code.upper(), DispositionClass.UNKNOWN) if code else DispositionClass.UNKNOWN
        by_class[meaning] += n
        codes.append({"code": code, "meaning": meaning, "count": n, "share": n / total if total else 0})
    mapped = list(DispositionMapping.objects.filter(action=action).order_by("-updated_at")[:1])
    return {
        "classes": [
            {"meaning": c, "count": by_class[c], "share": by_class[c] / total if total else 0} for c in DispositionClass.values
        ],
        "codes": codes,
        "mapping_updated": mapped[0].updated_at.isoformat() if mapped else None,
    }


def compute(dataset: AlertDataset) -> dict:
    counts = _counts(dataset)
    total = dataset.kept
    months = counts.get("month", {})
    years: dict[int, int] = {}
    for key, n in months.items():
        years[int(key[:4])] = years.get(int(key[:4]), 0) + n
    first, last = dataset.first, dataset.last
    year_rows = []
    for year in range(first.year, last.year + 1) if first else []:
        partial = (year == first.year and (first.month, first.day) != (1, 1)) or (
            year == last.year and (last.month, last.day) != (12, 31)
        )
        year_rows.append({"year": year, "count": years.get(year, 0), "partial": partial})
    hours = counts.get("hour", {})
    areas = counts.get("area", {})
    zips = counts.get("zip", {})
    days = (last - first).days + 1 if first else 0
    figures = {
        "total": total,
        "first": first.isoformat() if first else None,
        "last": last.isoformat() if last else None,
        "days": days,
        "per_day": total / days if days else 0,
        "years": year_rows,
        "months": _months(first, last, months) if first else [],
        "hours": [{"hour": h, "count": hours.get(str(h), 0)} for h in range(24)] if hours else [],
        "hours_known": sum(hours.values()),
        "night_share": (sum(hours.get(str(h), 0) for h in (*range(20, 24), *range(0, 6))) / sum(hours.values())) if hours else None,
        "area_kind": dataset.area_kind,
        "areas": _ranked(areas, total, TOP_AREAS),
        "areas_known": sum(n for name, n in areas.items() if name),
        "concentration": _concentration(areas, total),
        "zips": _ranked(zips, total, TOP_AREAS),
        "zip_count": len(zips),
        "types": _ranked(counts.get("type", {}), total),
        "weekdays": [{"weekday": d, "count": counts.get("weekday", {}).get(str(d), 0)} for d in range(7)],
        "rounds": _ranked(counts.get("rounds", {}), total),
        "dispositions": dispositions(dataset.action, counts.get("disposition", {}), total),
        "map": _map(dataset.grid, counts.get("cell", {})),
    }
    return figures


def _map(grid: dict, cells: dict[str, int]) -> dict | None:
    if not grid or not cells:
        return None
    squares = []
    for key, n in cells.items():
        row, col = (int(part) for part in key.split(","))
        squares.append([row, col, n])
    squares.sort()
    return {
        **{k: grid[k] for k in ("south", "west", "dlat", "dlon", "km", "rows", "cols")},
        "squares": squares,
        "mapped": sum(cells.values()),
        "left_out": grid.get("left_out", 0),
    }


def store(dataset: AlertDataset) -> AlertDataset:
    dataset.figures = compute(dataset)
    dataset.figures_at = timezone.now()
    dataset.save(update_fields=["figures", "figures_at"])
    return dataset
