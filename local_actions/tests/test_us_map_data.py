"""The generated state shapes: complete, small, and where the markers expect them."""

import pytest

from core.us_states import STATE_NAMES
from local_actions import geo, usmap


def test_fifty_states_and_dc_with_paths():
    states = usmap.states()
    assert len(states) == 51
    assert {s["postal"] for s in states} == set(STATE_NAMES)
    for state in states:
        assert state["d"].startswith("M")
        assert len(state["fips"]) == 2
        assert usmap.parse_path(state["d"]), state["name"]


def test_generated_file_is_small():
    assert usmap.DATA.stat().st_size < 60_000


def test_every_state_fits_the_viewbox_except_the_far_aleutians():
    for state in usmap.states():
        points = [p for ring in usmap.parse_path(state["d"]) for p in ring]
        inside = [p for p in points if -1 <= p[0] <= geo.WIDTH + 1 and -3 <= p[1] <= geo.HEIGHT + 1]
        if state["postal"] == "AK":
            assert len(inside) > 0.9 * len(points)
        else:
            assert len(inside) == len(points), state["name"]


@pytest.mark.parametrize(
    ("city", "lon", "lat", "postal"),
    [
        ("Chicago", -87.6298, 41.8781, "IL"),
        ("Oakland", -122.2712, 37.8044, "CA"),
        ("New York", -74.0060, 40.7128, "NY"),
        ("Houston", -95.3698, 29.7604, "TX"),
        ("Seattle", -122.3321, 47.6062, "WA"),
        ("Boston", -71.0589, 42.3601, "MA"),
        ("Trenton", -74.7597, 40.2206, "NJ"),
        ("Denver", -104.9903, 39.7392, "CO"),
        ("Anchorage", -149.9003, 61.2181, "AK"),
        ("Honolulu", -157.8583, 21.3069, "HI"),
    ],
)
def test_city_marker_lands_in_its_own_state(city, lon, lat, postal):
    x, y = geo.project(lon, lat)
    assert usmap.state_at(x, y) == postal, city


def test_sea_is_no_state():
    assert usmap.state_at(*geo.project(-70.0, 38.0)) is None  # the Atlantic off New Jersey
    assert usmap.state_at(*geo.project(-87.0, 43.0)) is None  # Lake Michigan


def test_parse_path_reads_relative_lines():
    assert usmap.parse_path("M1 2l3 0 0 4-3 0zM10 10l1 0 0 1z") == [
        [(1, 2), (4, 2), (4, 6), (1, 6)],
        [(10, 10), (11, 10), (11, 11)],
    ]
