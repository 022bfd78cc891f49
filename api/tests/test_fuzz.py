"""Schemathesis throws thousands of generated requests, valid and invalid, at every operation of the
published OpenAPI description: never a 500, and every answer as described (status, type, body, headers)."""

import copy
import uuid

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from api import services
from api.openapi import document
from pages.models import Organization
from signatures import services as signature_services
from signatures.models import Campaign

from .conftest import run_worker

PETITION_ID = uuid.UUID("5b0a4a1e-2f7d-4c34-9d55-8a3f7b0c1d2e")
EXAMPLE_EMAIL = "fuzz-signer@example.org"
KEY: dict = {}


def _fuzz_document() -> dict:
    """The published document, with the ids of the fixture's rows offered beside random strings."""
    doc = copy.deepcopy(document())
    for path in doc["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "petition_id":
                    parameter["schema"] = {"anyOf": [{"enum": [str(PETITION_ID)]}, {"type": "string"}]}
    return doc


schema = schemathesis.openapi.from_dict(_fuzz_document())
schema.app = WSGIHandler()
# As Action Network, unknown query parameters are ignored, not refused: do not count them as invalid requests.
schema.config.generation.update(allow_extra_parameters=False)


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """As Django's test client does: a request must not close the test's database connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_data(db, wsgi_keeps_the_test_connection):
    """A campaign with confirmed signatures (one shared with the partner), and an all-scopes token."""
    partner = Organization.objects.create(name="Fuzz Partner")
    campaign = Campaign.objects.create(
        kind="petition", slug="fuzz", title="Fuzz", target="CEO", summary="S", body="B", public_id=PETITION_ID
    )
    campaign.email_partners.add(partner)
    for i, email in enumerate([EXAMPLE_EMAIL, "other@example.org"]):
        row = signature_services.sign(
            campaign, email=email, name=f"Fuzz Signer{i}", zip_code="60614", city="Chicago", us_state="IL",
            share_with=[partner.pk] if i == 0 else [],
        )  # fmt: skip
        signature_services.confirm(row.pk)
    run_worker()
    signature_services.withdraw(campaign.signatures.order_by("pk").last().pk)
    run_worker()  # one tombstone
    _token, KEY["key"] = services.create_token(
        partner, [campaign], can_record=True, can_see_emails=True, requests_per_second=10_000
    )


@pytest.mark.slow
@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@schema.parametrize()
def test_every_operation_survives_generated_requests(case, api_data):
    # Every check but one: "schema-valid data is accepted" cannot hold where validity is more than a
    # JSON Schema can say (a filter's grammar, a ZIP code that must exist); those answer 400 with a reason.
    case.call_and_validate(
        headers={"OSDI-API-Token": KEY["key"]}, excluded_checks=[schemathesis.checks.positive_data_acceptance]
    )
