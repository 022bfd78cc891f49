import hashlib
import io
import json
import re
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from signatures.models import Campaign, Signature


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def petition(db):
    return Campaign.objects.create(
        kind="petition", slug="p", title="Stop it", target="The CEO", summary="Sum", body="Text of the **petition**."
    )


@pytest.fixture
def letter(db):
    return Campaign.objects.create(
        kind="letter", slug="l", title="Open letter", target="The company", summary="Sum", body="Letter text.",
        accepts_organizations=True,
    )  # fmt: skip


def add(campaign, name, *, state="verified", zip_code="60614", city="Chicago", us_state="IL", **extra):
    """A signature as the site stores it once signed (and, by default, confirmed and checked)."""
    verified = state in ("verified", "flagged")
    fields = {
        "campaign": campaign,
        "name": name,
        "email": f"{uuid.uuid4().hex[:8]}@example.org",
        "email_hash": uuid.uuid4().hex,
        "email_domain": "example.org",
        "zip_code": zip_code,
        "city": city,
        "us_state": us_state,
        "state": state,
        "verified_at": timezone.now() if verified else None,
        "checked": True,
        "wants_updates": True,  # keeps the address on the row: it must still never reach the packet
    }
    fields.update(extra)
    return Signature.objects.create(**fields)


def organization(campaign, name, role, *, approved=True, **extra):
    return add(campaign, "Contact Person Of " + name, kind="organization", organization=name, role=role,
               zip_code="", approved_at=timezone.now() if approved else None, **extra)  # fmt: skip


def run_worker():
    call_command("worker", "--batch")


def deliver(admin_client, campaign, **filters):
    """The organizer's form in the admin; returns the response."""
    data = {"campaign": campaign.pk, "recipient": filters.pop("recipient", "The CEO"), "delivered_on": "2026-12-04",
            "listed": "on", **filters}  # fmt: skip
    return admin_client.post("/admin/delivery/delivery/add/", data)


def download(admin_client, delivery, which) -> bytes:
    response = admin_client.get(f"/admin/delivery/delivery/{delivery.pk}/file/{which}/")
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def pdf_text(data: bytes) -> tuple[str, str]:
    """The text of the cover pages and of the signer pages (labelled i, ii... and 1, 2...), as a PDF library reads it."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=True)  # a malformed cross-reference table or object fails here
    cover, signers = [], []
    for label, page in zip(reader.page_labels, reader.pages, strict=True):
        (signers if label.isdigit() else cover).append(page.extract_text())
    return "\n".join(cover), "\n".join(signers)


ENTRY = re.compile(r"^(\d+) (.+?)$", re.MULTILINE)


def listed_entries(text: str) -> list[str]:
    """The numbered entries of the signer pages, checked to run 1, 2, 3...; each as "Name City, ST"."""
    entries = ENTRY.findall(text)
    assert [int(n) for n, _ in entries] == list(range(1, len(entries) + 1))
    return [rest for _, rest in entries]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_of(client, delivery) -> dict:
    response = client.get(f"/delivery/{delivery.pk}/manifest.json")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))
