import re

import pytest
from django.core.management import call_command

from signatures.models import Campaign


@pytest.fixture
def petition(db):
    return Campaign.objects.create(
        kind="petition", slug="p", title="Stop it", target="The CEO", summary="Sum", body="Text of the petition."
    )


@pytest.fixture
def letter(db):
    return Campaign.objects.create(
        kind="letter", slug="l", title="Open letter", target="The company", summary="Sum", body="Letter text.",
        accepts_organizations=True,
    )  # fmt: skip


def run_worker():
    """What the background worker does: send due emails, update counts."""
    call_command("worker", "--batch")


def link_in(message, kind):
    """The path of the confirm or withdraw link in an email."""
    match = re.search(rf"https?://[^/\s]+(/signature/{kind}/[^\s/]+/)", message.body)
    assert match, message.body
    return match.group(1)


def sign(client, campaign, **overrides):
    ip = overrides.pop("ip", "203.0.113.9")
    data = {"signer": "individual", "name": "Ana Ruiz", "email": "ana@example.org", "zip_code": "60614"}
    data.update(overrides)
    return client.post(f"/{campaign.kind}/{campaign.slug}/sign/", data, REMOTE_ADDR=ip)


def count_of(client, campaign):
    return client.get(f"/{campaign.kind}/{campaign.slug}/count.json").json()


def clear_caches():
    """Forget cached counts and pages, as the seconds they are cached for would."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()
