"""Markers: readable colours, distinct shapes, no marker hiding another."""

import pytest

from local_actions import usmap
from local_actions.models import STATUS_STYLE, Status

STATE_FILL = "#e4ddcc"  # templates/local_actions/map_svg.html and css/map.css
PAGE = "#fdfcf9"  # core/static/css/site.css --paper


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("status", Status.values)
def test_marker_colours_have_3_to_1_contrast_with_the_states_and_the_page(status):
    colour = STATUS_STYLE[status]["colour"]
    assert contrast(colour, STATE_FILL) >= 3, colour
    assert contrast(colour, PAGE) >= 3, colour


def test_every_status_has_its_own_shape_and_colour():
    shapes = [style["shape"] for style in STATUS_STYLE.values()]
    colours = [style["colour"] for style in STATUS_STYLE.values()]
    assert set(STATUS_STYLE) == set(Status.values)
    assert len(set(shapes)) == len(shapes) and len(set(colours)) == len(colours)
    for shape in shapes:
        assert usmap.shape_path(shape, 100, 100).startswith("M")


def test_overlapping_markers_are_nudged_apart_a_little():
    def marker(x, y):
        return usmap.Marker(url="/", label="", status="active", shape="circle", colour="#000000", x=x, y=y)

    boston, cambridge, far = marker(908.7, 167.1), marker(907.8, 165.0), marker(500, 300)
    usmap.spread([boston, cambridge, far])
    assert ((boston.x - cambridge.x) ** 2 + (boston.y - cambridge.y) ** 2) ** 0.5 >= 15
    assert abs(boston.x - 908.7) < 10 and abs(cambridge.y - 165.0) < 10
    assert (far.x, far.y) == (500, 300)
    same = [marker(10, 10), marker(10, 10)]
    usmap.spread(same)
    assert same[0].x != same[1].x


def _place(city, state, x, y):
    return usmap.Marker(
        url=f"/local/{city.lower()}/",
        label=city,
        status="active",
        shape="circle",
        colour="#000000",
        x=x,
        y=y,
        city=city,
        state=state,
    )


def test_on_a_phone_markers_that_would_touch_become_one_mark_with_their_count():
    boston, cambridge = _place("Boston", "MA", 908.7, 167.1), _place("Cambridge", "MA", 907.8, 165.0)
    fall_river = _place("Fall River", "MA", 912.0, 185.0)
    denver = _place("Denver", "CO", 390.0, 290.0)
    found = usmap.clusters([boston, cambridge, fall_river, denver])
    assert len(found) == 2
    massachusetts = next(c for c in found if c.count == 3)
    assert massachusetts.url == "#state-ma"
    assert "Boston, Cambridge, Fall River" in massachusetts.label and "3" in massachusetts.label
    alone = next(c for c in found if c.count == 1)
    assert alone.url == "/local/denver/" and alone.label == "Denver"
    # No two tap targets on the phone layer touch.
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            assert ((a.x - b.x) ** 2 + (a.y - b.y) ** 2) ** 0.5 >= 2 * usmap.COARSE_RADIUS


def test_on_a_wide_screen_every_marker_keeps_a_tap_target_of_its_own():
    from local_actions.models import LocalAction

    class Action:
        def __init__(self, city, state, x, y):
            self.city, self.state, self.map_position = city, state, (x, y)
            self.status, self.style, self.marker_label = "active", {"shape": "circle", "colour": "#000"}, city

        def get_absolute_url(self):
            return "/"

    assert LocalAction  # the real model has the attributes this stand-in gives
    places = [
        Action("Boston", "MA", 908.7, 167.1),
        Action("Cambridge", "MA", 907.8, 165.0),
        Action("Fall River", "MA", 912.0, 185.0),
        Action("Worcester", "MA", 890.0, 170.0),
    ]
    found = usmap.markers(places)
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            assert ((a.x - b.x) ** 2 + (a.y - b.y) ** 2) ** 0.5 >= 2 * usmap.FINE_RADIUS
