"""The reusable choropleth: states coloured by a number, with a legend and a table."""

import re

import pytest
from django.template import Context, Template

from local_actions import usmap

SAMPLE = {"IL": 1234, "CA": 4999, "NY": 2500, "TX": 1, "wa": 0, "PR": 50, "XX": 7}


def render(values, unit="signatures", title="Signatures by state"):
    template = Template("{% load local_actions_tags %}{% us_choropleth values unit title %}")
    return template.render(Context({"values": values, "unit": unit, "title": title}))


def test_class_breaks_are_round_numbers_from_zero():
    assert usmap.class_breaks([4999, 1234, 1]) == [0, 1000, 2000, 3000, 4000]
    assert usmap.class_breaks([7]) == [0, 2, 4, 6, 8]
    assert usmap.class_breaks([]) == [0, 1, 2, 3, 4]
    assert usmap.class_breaks([0.3, 0.9]) == [0, 0.2, 0.4, 0.6000000000000001, 0.8]
    assert usmap.class_of(999, [0, 1000, 2000]) == 0
    assert usmap.class_of(1000, [0, 1000, 2000]) == 1
    assert usmap.class_of(10**9, [0, 1000, 2000]) == 2


def test_states_get_colour_classes_and_accessible_names():
    html = render(SAMPLE)
    paths = re.findall(r'<path class="([\w-]+)" d="[^"]+" fill="#\w+" role="img" aria-label="([^"]+)"', html)
    by_label = {label: cls for cls, label in paths}
    # Classes by powers of ten: 1-9, 10-99, 100-999, 1,000-9,999.
    assert by_label["California, signatures: 4,999"] == "class-3"
    assert by_label["New York, signatures: 2,500"] == "class-3"
    assert by_label["Illinois, signatures: 1,234"] == "class-3"
    assert by_label["Texas, signatures: 1"] == "class-0"
    assert by_label["Washington, signatures: 0"] == "no-data"  # lower-case codes are accepted; none is drawn empty
    assert by_label["Ohio: no data"] == "no-data"
    assert len(re.findall(r"<path ", html)) == 51
    assert "Puerto Rico" not in html and "XX" not in html  # not on the map
    assert f'fill="{usmap.CHOROPLETH_COLOURS[4]}" role="img" aria-label="California' in html  # the darkest
    assert "<title>Illinois, signatures: 1,234</title>" in html


def test_legend_in_text():
    html = render(SAMPLE)
    legend = re.findall(r"</svg>([^<]+)</li>", html)
    assert legend == ["1-9", "10-99", "100-999", "1,000-9,999", "None"]
    assert "0 to 0" not in html and "0-0" not in html


@pytest.mark.parametrize(
    ("values", "legend"),
    [
        ({"TX": 1}, ["1-9"]),
        ({"TX": 3, "CA": 57}, ["1-9", "10-99"]),
        ({"TX": 120, "CA": 4000}, ["100-999", "1,000-9,999"]),
        ({"TX": 1, "CA": 2_000_000}, ["1-9", "10-99", "100-999", "1,000-9,999", "10,000 or more"]),
        ({"TX": 0.5, "CA": 2.0}, ["0 to under 0.5", "0.5 to under 1", "1 to under 1.5", "1.5 to under 2", "2 or more"]),
    ],
)
def test_the_legend_shows_ranges_that_make_sense(values, legend):
    html = render(values)
    assert re.findall(r"</svg>([^<]+)</li>", html)[: len(legend)] == legend


def test_table_of_the_numbers_largest_first():
    html = render(SAMPLE)
    table = html.split("<table>")[1]
    assert "<caption>Signatures by state</caption>" in table
    assert '<th scope="col">State</th><th scope="col" class="number">Signatures</th>' in table
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="number">([^<]+)</td></tr>', table)
    assert rows == [("California", "4,999"), ("New York", "2,500"), ("Illinois", "1,234"), ("Texas", "1"), ("Washington", "0")]


def test_the_map_is_a_labelled_group_and_needs_no_script_or_inline_style():
    html = render(SAMPLE)
    svg = re.search(r'<svg class="us-map-svg"[^>]*>', html).group()
    assert 'viewBox="0 0 975 610"' in svg and 'role="group" aria-label="Signatures by state"' in svg
    assert "style=" not in html and "<script" not in html


def test_empty_data_is_all_no_data():
    html = render({})
    assert html.count('class="no-data"') == 51
    assert "No numbers yet." in html


def test_every_state_has_data_so_no_no_data_entry():
    from core.us_states import STATE_NAMES

    html = render(dict.fromkeys(STATE_NAMES, 10))
    assert "No data" not in html


@pytest.mark.parametrize("i", range(len(usmap.CHOROPLETH_COLOURS) - 1))
def test_neighbouring_classes_are_told_apart(i):
    from local_actions.tests.test_markers import contrast

    assert contrast(usmap.CHOROPLETH_COLOURS[i], usmap.CHOROPLETH_COLOURS[i + 1]) >= 1.3
