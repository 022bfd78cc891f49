"""The map of the United States drawn as inline SVG: state shapes, markers, choropleth.

Everything here returns plain data (paths, positions, labels) that the
templates in templates/local_actions/ turn into markup, so the map needs no
tiles, no script and nothing from another website.
"""

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.us_states import STATE_NAMES

from . import geo

DATA = Path(__file__).resolve().parent / "data" / "us_states.json"
VIEWBOX = f"0 0 {geo.WIDTH} {geo.HEIGHT}"


@lru_cache(maxsize=1)
def states() -> tuple[dict, ...]:
    """fips, postal, name and SVG path `d` of the 50 states and DC (built by scripts/build_us_map.py)."""
    return tuple(json.loads(DATA.read_text())["states"])


PATH_TOKEN_RE = re.compile(r"[MLlZz]|-?(?:\d+\.?\d*|\.\d+)")


def parse_path(d: str) -> list[list[tuple[float, float]]]:
    """The rings of a path written by the build script (M, absolute L, relative l, z)."""
    rings, ring, command, numbers = [], [], "", []
    for part in PATH_TOKEN_RE.findall(d):
        if part.isalpha():
            command = part
            if part in "Zz" and ring:
                rings.append(ring)
                ring = []
            continue
        numbers.append(float(part))
        if len(numbers) < 2:
            continue
        x, y = numbers
        numbers = []
        if command == "M":
            if ring:
                rings.append(ring)
            ring = [(x, y)]
            command = "L"  # coordinates after a move are lines
        elif command == "L":
            ring.append((x, y))
        elif command == "l":
            px, py = ring[-1]
            ring.append((px + x, py + y))
    if ring:
        rings.append(ring)
    return rings


@lru_cache(maxsize=1)
def _state_rings() -> dict[str, list]:
    return {s["postal"]: parse_path(s["d"]) for s in states()}


def state_at(x: float, y: float) -> str | None:
    """Postal code of the state drawn at a map position, or None (sea, lakes, outside)."""
    for postal, rings in _state_rings().items():
        if geo.point_in_rings(x, y, rings):
            return postal
    return None


# --- Marker shapes ------------------------------------------------------------
# Status is shown by shape as well as colour, so the map reads without colour.
# Sizes are chosen so every shape covers about the same area.


def _polygon(points) -> str:
    head, *rest = points
    return f"M{head[0]:.1f} {head[1]:.1f}" + "".join(f"L{x:.1f} {y:.1f}" for x, y in rest) + "Z"


def _regular(x, y, r, sides, rotation=-90.0):
    angles = [math.radians(rotation + 360 * i / sides) for i in range(sides)]
    return [(x + r * math.cos(a), y + r * math.sin(a)) for a in angles]


def shape_path(shape: str, x: float, y: float, size: float = 9.0) -> str:
    if shape == "circle":
        r = size
        return f"M{x - r:.1f} {y:.1f}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z"
    if shape == "square":
        h = size * 0.89
        return _polygon([(x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h)])
    if shape == "diamond":
        return _polygon(_regular(x, y, size * 1.25, 4))
    if shape == "triangle":
        return _polygon(_regular(x, y + size * 0.25, size * 1.45, 3))
    if shape == "triangle-down":
        return _polygon(_regular(x, y - size * 0.25, size * 1.45, 3, rotation=90))
    if shape == "star":
        outer = _regular(x, y, size * 1.45, 5)
        inner = _regular(x, y, size * 0.62, 5, rotation=-54)
        return _polygon([p for pair in zip(outer, inner, strict=True) for p in pair])
    raise ValueError(f"unknown shape {shape!r}")


@dataclass
class Marker:
    url: str
    label: str
    status: str
    shape: str
    colour: str
    x: float
    y: float
    city: str = ""
    state: str = ""
    home: tuple[float, float] | None = None  # the true place, before markers are nudged apart

    def __post_init__(self):
        self.home = self.home or (self.x, self.y)

    @property
    def d(self) -> str:
        return shape_path(self.shape, self.x, self.y)


def legend_icon(shape: str) -> str:
    """A shape centred in a 24 x 24 box, for the legend and the status badges."""
    return shape_path(shape, 12, 12, size=7.5)


# --- Choropleth -----------------------------------------------------------------

# Light to dark; each step at least 1.3:1 from the next so neighbouring classes
# are told apart, and the legend and table carry the numbers anyway.
CHOROPLETH_COLOURS = ["#f6dfd3", "#eba78f", "#d2654f", "#a12a2a", "#5a0e1a"]
NO_DATA_COLOUR = "#ffffff"


def nice_step(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^n that is at least `value`."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= value:
            return factor * power
    return 10 * power


def class_breaks(values, classes: int = len(CHOROPLETH_COLOURS)) -> list[float]:
    """Lower bounds of equal, round-numbered classes from 0 to the largest value."""
    top = max(values, default=0)
    step = nice_step(top / classes)
    if all(float(v).is_integer() for v in values):
        step = max(1, math.ceil(step))
    return [step * i for i in range(classes)]


def count_breaks(values, classes: int = len(CHOROPLETH_COLOURS)) -> list[int]:
    """Lower bounds of classes by powers of ten for counts (1-9, 10-99, 100-999...), from the
    smallest non-zero count's decade to the largest's, at most `classes` of them. Counts of people
    spread over decades: equal steps put every state but one in the first class."""
    positive = [v for v in values if v > 0]
    if not positive:
        return [1]
    low = math.floor(math.log10(min(positive)))
    high = math.floor(math.log10(max(positive)))
    return [10**power for power in range(low, min(high, low + classes - 1) + 1)]


def class_colours(count: int) -> list[str]:
    """`count` colours from the scale, spread out so that few classes are still told apart."""
    last = len(CHOROPLETH_COLOURS) - 1
    if count == 1:
        return [CHOROPLETH_COLOURS[last // 2]]
    return [CHOROPLETH_COLOURS[round(i * last / (count - 1))] for i in range(count)]


def class_of(value: float, breaks: list[float]) -> int:
    index = 0
    for i, low in enumerate(breaks):
        if value >= low:
            index = i
    return index


def _fmt(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return number_format(value, force_grouping=True)


def choropleth(values: dict, unit: str) -> dict:
    """Everything the choropleth template draws: state fills, legend, table rows.

    `values` maps postal codes to numbers; states missing from it are "no data".
    `unit` names what is counted ("signatures"), already translated.
    """
    values = {code.upper(): v for code, v in values.items() if code.upper() in STATE_NAMES and v is not None}
    integers = all(float(v).is_integer() for v in values.values())
    top = max(values.values(), default=0)
    if integers:  # counts: 1-9, 10-99... and zero drawn like "no data" (nothing there)
        breaks = count_breaks(list(values.values()))
        colours = class_colours(len(breaks))
    else:
        breaks = class_breaks(list(values.values()))
        colours = CHOROPLETH_COLOURS
    legend = []
    for i, low in enumerate(breaks):
        high = breaks[i + 1] if i + 1 < len(breaks) else None
        if integers and high is None and top < low * 10:
            high = low * 10  # the top decade, closed: "100-999", not "100 or more"
        if high is None:
            text = _("%(low)s or more") % {"low": _fmt(low)}
        elif integers:
            text = _("%(low)s-%(high)s") % {"low": _fmt(low), "high": _fmt(high - 1)}
        else:
            text = _("%(low)s to under %(high)s") % {"low": _fmt(low), "high": _fmt(high)}
        legend.append({"index": i, "colour": colours[i], "text": text})
    shapes = []
    for state in states():
        postal = state["postal"]
        name = str(STATE_NAMES[postal])
        if postal in values:
            # "Texas, signatures: 1" reads right for any number, unlike "1 signatures".
            label = _("%(state)s, %(unit)s: %(value)s") % {"state": name, "value": _fmt(values[postal]), "unit": unit}
            if integers and values[postal] <= 0:  # none counted: drawn as empty
                shapes.append({**state, "name": name, "class_index": None, "colour": NO_DATA_COLOUR, "label": label})
                continue
            index = class_of(values[postal], breaks)
            colour = colours[index]
            shapes.append({**state, "name": name, "class_index": index, "colour": colour, "label": label})
        else:
            label = _("%(state)s: no data") % {"state": name}
            shapes.append({**state, "name": name, "class_index": None, "colour": NO_DATA_COLOUR, "label": label})
    rows = sorted(
        ({"postal": p, "name": str(STATE_NAMES[p]), "value": _fmt(v), "number": v} for p, v in values.items()),
        key=lambda row: (-row["number"], row["name"]),
    )
    return {
        "viewbox": VIEWBOX,
        "states": shapes,
        "legend": legend,
        "no_data_colour": NO_DATA_COLOUR,
        "rows": rows,
        "unit": unit,
        "has_missing": any(shape["class_index"] is None for shape in shapes),
        "no_data_text": _("None") if integers else _("No data"),
    }


# --- Markers ----------------------------------------------------------------------

# Tap targets (WCAG 2.5.8: at least 24 x 24 CSS px), in map units. The map is as wide as the page:
# from 48rem (768 px) it is at least 735 px wide, so a 16-unit radius is 24 px across; on a
# 360 px phone it is 328 px wide, where 24 px is 72 units. Phones get the clustered layer.
FINE_RADIUS = 16.0
COARSE_RADIUS = 36.5


@dataclass
class Cluster:
    """Markers too close to tell apart on a phone, drawn as one mark with their count."""

    members: list
    x: float
    y: float
    state: str = ""

    @property
    def single(self):
        return self.members[0] if len(self.members) == 1 else None

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def url(self) -> str:
        if self.single:
            return self.single.url
        return f"#state-{self.state.lower()}"  # the list below the map, where each has its link

    @property
    def label(self) -> str:
        if self.single:
            return self.single.label
        names = ", ".join(m.city for m in self.members)
        return _("%(count)s local fights: %(names)s") % {"count": self.count, "names": names}

    @property
    def d(self) -> str:
        return self.single and shape_path(self.single.shape, self.x, self.y, size=16)


def markers(actions) -> list[Marker]:
    """One marker per action that has coordinates on the map, in the order given (the tab order)."""
    found = []
    for action in actions:
        position = action.map_position
        if position is None:
            continue
        marker = Marker(
            url=action.get_absolute_url(),
            label=action.marker_label,
            status=action.status,
            shape=action.style["shape"],
            colour=action.style["colour"],
            x=position[0],
            y=position[1],
            city=action.city,
            state=action.state,
        )
        found.append(marker)
    spread(found, gap=2 * FINE_RADIUS + 1)
    return found


def clusters(found: list[Marker], radius: float = COARSE_RADIUS) -> list[Cluster]:
    """The phone layer: markers whose tap targets would touch are merged, until none do.

    Each cluster sits at the mean of its members' true places; merging goes on
    while two clusters are closer than two radii, so no target covers another.
    A cluster of several links to the list of fights below the map.
    """
    groups = [Cluster(members=[m], x=m.home[0], y=m.home[1]) for m in found]
    while True:
        closest = None
        for i, a in enumerate(groups):
            for b in groups[i + 1 :]:
                distance = math.hypot(a.x - b.x, a.y - b.y)
                if distance < 2 * radius and (closest is None or distance < closest[0]):
                    closest = (distance, a, b)
        if closest is None:
            break
        _distance, a, b = closest
        merged = a.members + b.members
        a.members = merged
        homes = [m.home for m in merged]
        a.x = sum(h[0] for h in homes) / len(homes)
        a.y = sum(h[1] for h in homes) / len(homes)
        groups.remove(b)
    for group in groups:
        group.members.sort(key=lambda m: (m.state, m.city))
        group.state = group.members[0].state
    return groups


def spread(found: list[Marker], gap: float = 15.0, rounds: int = 60) -> None:
    """Nudge markers apart until none covers another (Boston and Cambridge are 5 km apart).

    Each overlapping pair is pushed apart along the line between them; a few
    rounds settle small clusters, and no marker moves more than it must.
    """
    for _round in range(rounds):
        moved = False
        for i, a in enumerate(found):
            for b in found[i + 1 :]:
                dx, dy = b.x - a.x, b.y - a.y
                distance = math.hypot(dx, dy)
                if distance >= gap:
                    continue
                if distance == 0:  # same place: separate sideways
                    dx, dy, distance = 1.0, 0.0, 1.0
                push = (gap - distance) / 2 + 0.01
                a.x, a.y = a.x - dx / distance * push, a.y - dy / distance * push
                b.x, b.y = b.x + dx / distance * push, b.y + dy / distance * push
                moved = True
        if not moved:
            return
