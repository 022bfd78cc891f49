"""Get involved: the steps link where they point, and social links show once the admin has them."""

import re

import pytest
from django.core.management import call_command

from pages.models import SocialLink

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_the_steps_link_to_the_map_the_form_and_adding_a_fight(client, prefix):
    call_command("load_default_content", verbosity=0)
    html = client.get(f"{prefix}/get-involved/").content.decode()
    links = set(re.findall(r'<a href="([^"]+)"', html.split('<div class="prose"')[1].split("</div>")[0]))
    assert {f"{prefix}/local/", "#contact", f"{prefix}/local/add/"} <= links
    for link in links - {"#contact"}:
        assert client.get(link).status_code == 200, link
    assert 'id="contact"' in html


def test_social_links_show_where_set(client):
    assert 'id="social-heading"' not in client.get("/get-involved/").content.decode()
    SocialLink.objects.create(name="Bluesky", handle="@stopshotspotter.example", url="https://bsky.app/profile/example")
    html = client.get("/get-involved/").content.decode()
    assert 'id="social-heading"' in html
    assert '<a href="https://bsky.app/profile/example" rel="noopener noreferrer">Bluesky: @stopshotspotter.example</a>' in html
