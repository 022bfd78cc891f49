"""The abuse defence judges a signature and the signatures app applies the verdict (core/verdicts.py)."""

import pytest

from core.verdicts import Action, Verdict
from signatures.models import Signature

from .conftest import sign

pytestmark = pytest.mark.django_db


def flag_everything(campaign_id, *, ip, network, email, proof):
    return Verdict(Action.FLAG, "test: flagged in the request")


def reject_everything(campaign_id, *, ip, network, email, proof):
    return Verdict(Action.REJECT, "test: rejected")


def test_a_flag_in_the_request_is_recorded_and_the_signer_sees_the_usual_reply(client, petition, settings):
    settings.SIGNATURE_SCREEN = "signatures.tests.test_verdicts.flag_everything"
    response = sign(client, petition)
    assert response.status_code == 200
    assert "Check your email to confirm" in response.content.decode()
    row = Signature.objects.get()
    assert row.state == "flagged" and row.flag_reason == "test: flagged in the request"


def test_a_reject_shows_the_form_again_and_records_nothing(client, petition, settings):
    settings.SIGNATURE_SCREEN = "signatures.tests.test_verdicts.reject_everything"
    response = sign(client, petition)
    assert response.status_code == 400
    assert "The automatic spam check did not work" in response.content.decode()
    assert not Signature.objects.exists()


def test_without_a_defence_every_signature_is_allowed(client, petition, settings):
    settings.SIGNATURE_SCREEN = ""
    sign(client, petition)
    assert Signature.objects.get().state == "pending"
