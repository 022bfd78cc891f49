import itertools

import pytest
from django.core import mail
from django.core.management import call_command

from api import services
from pages.models import Organization
from signatures import services as signature_services
from signatures.models import Campaign, Signature


@pytest.fixture(autouse=True)
def _numbering():
    global _numbers
    _numbers = itertools.count()


@pytest.fixture
def petition(db):
    return Campaign.objects.create(
        kind="petition", slug="p", title="Stop it", target="The CEO", summary="Sum", body="Text of **the** petition."
    )


@pytest.fixture
def other_petition(db):
    return Campaign.objects.create(kind="petition", slug="q", title="Another", target="Council", summary="S", body="B")


@pytest.fixture
def partner(db):
    return Organization.objects.create(name="Chicago Fights Back")


@pytest.fixture
def other_partner(db):
    return Organization.objects.create(name="Detroit Digital Justice")


@pytest.fixture
def make_token(partner, petition):
    def make(organization=None, campaigns=None, **scope):
        scope.setdefault("requests_per_second", 1000)
        _token, key = services.create_token(organization or partner, campaigns or [petition], **scope)
        return key

    return make


@pytest.fixture
def key(make_token):
    return make_token()


def run_worker():
    """What the background worker does: abuse checks, counts, emails."""
    call_command("worker", "--batch")


def sign(campaign, email, name="Ana Ruiz", zip_code="60614", share_with=(), **extra):
    """A signature through the form's service, confirmed and counted (what partners see)."""
    row = signature_services.sign(
        campaign, email=email, name=name, zip_code=zip_code, city="Chicago", us_state="IL", share_with=share_with, **extra
    )
    signature_services.confirm(row.pk)
    return row


_numbers = itertools.count()


def confirmed(campaign, n, **kwargs):
    """n new signatures, confirmed and counted; Person NumberN <personN@example.org>, N counting up from 0 per test."""
    numbers = [next(_numbers) for _ in range(n)]
    rows = [sign(campaign, f"person{i}@example.org", name=f"Person Number{i}", **kwargs) for i in numbers]
    run_worker()
    mail.outbox.clear()
    return [Signature.objects.get(pk=r.pk) for r in rows]


def get(client, path, key=None, **params):
    headers = {"OSDI-API-Token": key} if key else {}
    return client.get(path, params, headers=headers)


def post(client, path, key, body, content_type="application/json"):
    import json

    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(path, data, content_type=content_type, headers={"OSDI-API-Token": key})
