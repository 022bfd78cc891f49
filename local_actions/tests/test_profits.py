"""The profits explainer shows what cities paid, a total, and the cost per square mile."""

import re

import pytest

from local_actions.models import LocalAction

pytestmark = pytest.mark.django_db


def spending(client):
    response = client.get("/profits/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<section class="city-spending"' in html
    return html.split('<section class="city-spending"')[1].split("</section>")[0]


def test_the_table_lists_city_years_money_and_sources(client, default_content):
    html = spending(client)
    assert '<h2 id="spending-heading">What cities paid</h2>' in html
    assert re.findall(r'<th scope="col">([^<]+)</th>', html) == ["City", "Years", "Money", "Sources"]
    rows = re.findall(r'<th scope="row"><a href="(/local/[^"]+/)">([^<]+)</a></th>', html)
    assert len(rows) == 23  # every published city with a money text (Portland has none)
    assert rows[0] == ("/local/new-york-ny/", "New York, NY")  # largest stated amount first
    assert rows[1][1] == "Chicago, IL"
    assert "About $54.6M paid from 2014 to December 2024" in html
    # The title is in a span (marked lang="en" on the Spanish page); the reader sees the plain line.
    assert "New York City Comptroller, Audit FP23-074A, June 20, 2024" in re.sub(r"</?span[^>]*>", "", html)


def test_the_total_adds_only_the_stated_figures(client, default_content):
    stated = [a.amount_usd for a in LocalAction.objects.exclude(amount_usd=None)]
    assert len(stated) == 13 and sum(stated) == 142_591_000
    html = spending(client)
    assert "About $142,591,000, adding up the 13 cities that state a total" in html

    LocalAction.objects.filter(city="Chicago").update(published=False)
    assert "About $93,591,000, adding up the 12 cities that state a total" in spending(client)


def test_cost_per_square_mile_statistics(client, default_content):
    html = spending(client)
    assert "<h3>Cost per square mile</h3>" in html
    assert "roughly $65,000 to $90,000 per square mile per year" in html
    assert "New York: $85,097 per square mile per year." in html
    assert "Houston: $74,000 per square mile per year." in html
    assert "89% of police deployments" not in html  # outcome figures belong elsewhere


def test_other_pages_do_not_get_the_table(client, default_content):
    html = client.get("/racist-data/").content.decode()
    assert "What cities paid" not in html


def test_nothing_is_shown_without_data(client, default_content):
    LocalAction.objects.all().delete()
    assert "What cities paid" not in client.get("/profits/").content.decode()


def test_a_server_drawn_bar_chart_shows_what_cities_paid(client, default_content):
    html = spending(client)
    chart = html.split('<figure class="spending-chart">')[1].split("</figure>")[0]
    assert 'role="img" aria-labelledby="spending-chart-title"' in chart
    assert "The table below has the same figures." in chart
    bar = r'<text x="0" y="16" class="bar-label">([^<]+): <tspan class="bar-amount">([^<]+)</tspan></text>'
    bars = re.findall(bar + r'<rect x="0" y="23" width="([\d.]+)%"', chart)
    assert len(bars) == 13  # the cities that state an amount, largest first
    assert bars[0] == ("New York, NY", "$54,600,000", "100.0")
    assert bars[1][0] == "Chicago, IL" and 89 < float(bars[1][2]) < 90
    assert [float(b[2]) for b in bars] == sorted((float(b[2]) for b in bars), reverse=True)
    assert "<table>" in html  # the accessible table stays


def test_the_citations_in_the_text_link_to_the_sources(client, default_content):
    html = client.get("/profits/").content.decode()
    assert '<a class="cite" href="#source-1">[1]</a>' in html
    cited = set(re.findall(r'href="#source-(\d+)"', html))
    listed = set(re.findall(r'<li id="source-(\d+)">', html))
    assert cited and cited <= listed
