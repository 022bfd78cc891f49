"""Our port of d3.geoAlbersUsa gives d3's numbers.

The reference points were computed once with d3-geo 3.1.2:
    geoAlbersUsa().scale(1300).translate([487.5, 305])([lon, lat])
"""

import pytest

from local_actions import geo

D3_REFERENCE = [
    # (lon, lat), d3's [x, y]
    ((-87.6298, 41.8781), (638.2196155652965, 226.11226483166013)),  # Chicago
    ((-122.2712, 37.8044), (37.55706728760077, 261.50554506147637)),  # Oakland
    ((-74.006, 40.7128), (869.7187650199265, 215.74052187301095)),  # New York
    ((-95.3698, 29.7604), (510.4276788602274, 509.231111138207)),  # Houston
    ((-122.3321, 47.6062), (97.6249669465995, 46.31865922997736)),  # Seattle
    ((-71.0589, 42.3601), (908.6752936943459, 167.0845705788944)),  # Boston
    ((-80.1918, 25.7617), (822.7383158297632, 572.5407791128295)),  # Miami
    ((-149.9003, 61.2181), (112.277427569713, 544.2779162203778)),  # Anchorage (Alaska inset)
    ((-160.0, 70.0), (80.11816671224307, 474.477788043886)),  # northern Alaska
    ((-176.6581, 51.88), (-12.815544398145875, 600.12900009706)),  # Adak, Aleutians (left of the viewBox)
    ((-157.8583, 21.3069), (266.95994676863154, 549.1903729395863)),  # Honolulu (Hawaii inset)
    ((-155.5828, 19.8968), (315.57305689948186, 580.9650807627459)),  # Big Island
    ((-124.0, 49.5), (85.32322221625685, -1.6076471174314975)),  # just north of the viewBox, still in the clip box
]


@pytest.mark.parametrize(("lonlat", "expected"), D3_REFERENCE)
def test_matches_d3_geo_albers_usa(lonlat, expected):
    x, y = geo.project(*lonlat)
    assert abs(x - expected[0]) < 0.01
    assert abs(y - expected[1]) < 0.01


@pytest.mark.parametrize(
    "lonlat",
    [
        (2.35, 48.85),  # Paris
        (-66.1, 18.4),  # San Juan, Puerto Rico: not in geoAlbersUsa
        (-100.0, 60.0),  # Canada, outside every clip box
    ],
)
def test_points_off_the_map_are_none_like_d3(lonlat):
    assert geo.project(*lonlat) is None


def test_alaska_and_hawaii_use_their_insets():
    assert geo.projection_for_state("AK") is geo.albers_usa()["alaska"]
    assert geo.projection_for_state("HI") is geo.albers_usa()["hawaii"]
    assert geo.projection_for_state("IL") is geo.albers_usa()["lower48"]


def test_point_in_rings_handles_holes():
    outer = [(0, 0), (10, 0), (10, 10), (0, 10)]
    hole = [(4, 4), (6, 4), (6, 6), (4, 6)]
    assert geo.point_in_rings(2, 2, [outer, hole])
    assert not geo.point_in_rings(5, 5, [outer, hole])
    assert not geo.point_in_rings(11, 5, [outer, hole])
