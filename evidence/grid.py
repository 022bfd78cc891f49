"""The density map's squares: alerts counted per square of at least 500 m, never per point.

The pass counts alerts on a fine lattice (1/1000 degree) in memory; this
regroups them into at most about 40 squares across the city, on a lattice
aligned to round multiples of the square size so two imports of the same city
draw the same squares. Only these squares are stored.
"""

import math

from .importer import FINE

SIZES_KM = [0.5, 1, 2, 2.5, 5, 10]
MAX_ACROSS = 40
KM_PER_DEGREE_LAT = 110.57
TRIM = 0.002  # the extent leaves out the farthest 0.2% on each side, so one stray alert does not shrink the map


def _quantile(weighted: list[tuple[int, int]], total: int, share: float) -> int:
    """The value below which `share` of the weight lies (weighted is sorted by value)."""
    target = total * share
    running = 0
    for value, weight in weighted:
        running += weight
        if running >= target:
            return value
    return weighted[-1][0]


def build(fine_cells: dict) -> dict | None:
    """{"south", "west", "dlat", "dlon", "km", "rows", "cols", "cells": {"r,c": alerts}, "left_out": alerts}."""
    if not fine_cells:
        return None
    total = sum(fine_cells.values())
    lats = sorted(_sum_by(fine_cells, 0).items())
    lons = sorted(_sum_by(fine_cells, 1).items())
    south, north = _quantile(lats, total, TRIM) / FINE, (_quantile(lats, total, 1 - TRIM) + 1) / FINE
    west, east = _quantile(lons, total, TRIM) / FINE, (_quantile(lons, total, 1 - TRIM) + 1) / FINE
    middle = (south + north) / 2
    km_per_degree_lon = 111.32 * math.cos(math.radians(middle))
    span_km = max((north - south) * KM_PER_DEGREE_LAT, (east - west) * km_per_degree_lon)
    km = next((size for size in SIZES_KM if span_km / size <= MAX_ACROSS), SIZES_KM[-1])
    dlat, dlon = km / KM_PER_DEGREE_LAT, km / km_per_degree_lon
    # Align the lattice on multiples of the square size.
    south, west = math.floor(south / dlat) * dlat, math.floor(west / dlon) * dlon
    rows = max(1, math.ceil((north - south) / dlat))
    cols = max(1, math.ceil((east - west) / dlon))
    cells: dict[str, int] = {}
    left_out = 0
    for (lat_i, lon_i), alerts in fine_cells.items():
        lat, lon = (lat_i + 0.5) / FINE, (lon_i + 0.5) / FINE
        row, col = math.floor((lat - south) / dlat), math.floor((lon - west) / dlon)
        if 0 <= row < rows and 0 <= col < cols:
            key = f"{row},{col}"
            cells[key] = cells.get(key, 0) + alerts
        else:
            left_out += alerts
    return {
        "south": round(south, 6),
        "west": round(west, 6),
        "dlat": dlat,
        "dlon": dlon,
        "km": km,
        "rows": rows,
        "cols": cols,
        "cells": cells,
        "left_out": left_out,
    }


def _sum_by(fine_cells: dict, axis: int) -> dict:
    sums: dict[int, int] = {}
    for key, alerts in fine_cells.items():
        sums[key[axis]] = sums.get(key[axis], 0) + alerts
    return sums
