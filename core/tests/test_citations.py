"""The cite filter: "[n]" in a text links to source n of the list below it."""

from django.template import Context, Template
from django.utils.safestring import mark_safe


def render(text, sources):
    return Template("{% load site_tags %}{{ text|cite:sources }}").render(Context({"text": text, "sources": sources}))


def test_numbers_link_to_their_source_and_the_rest_is_escaped():
    html = render("Costs rose [1] & more [2].", ["a", "b"])
    assert html == 'Costs rose <a class="cite" href="#source-1">[1]</a> &amp; more <a class="cite" href="#source-2">[2]</a>.'


def test_a_number_beyond_the_sources_stays_text():
    assert render("See [3].", ["a", "b"]) == "See [3]."
    assert render("See [1].", []) == "See [1]."


def test_safe_html_keeps_its_links_and_gets_new_ones_only_outside_them():
    text = mark_safe('<p>A <a href="https://example.org">report [1]</a> said so [1].</p>')
    html = render(text, ["a"])
    assert html == '<p>A <a href="https://example.org">report [1]</a> said so <a class="cite" href="#source-1">[1]</a>.</p>'
