"""Our rows as OSDI resources, in Action Network's dialect (identifiers, dates, HAL links)."""

import datetime as dt

from django.conf import settings

from core.markdown import render
from signatures import counting

BASE = "/api/v2"
SYSTEM = "action_network"  # the identifier prefix Action Network clients look for


def identifier(uuid) -> str:
    return f"{SYSTEM}:{uuid}"


def date(moment) -> str | None:
    """ISO 8601 in UTC, to the second, as Action Network writes dates."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def href(path: str) -> dict:
    return {"href": f"{settings.SITE_URL}{BASE}{path}"}


def split_name(name: str) -> tuple[str, str]:
    """Our form asks for one full name; OSDI has given and family names (the last word)."""
    given, _, family = name.strip().rpartition(" ")
    return (given, family) if given else (family, "")


def person_fields(name: str, city: str, us_state: str, email: str | None, zip_code: str = "") -> dict:
    given, family = split_name(name)
    address = {"primary": True, "locality": city, "region": us_state, "country": "US"}
    if zip_code:
        address["postal_code"] = zip_code
    return {
        "given_name": given,
        "family_name": family,
        "email_addresses": [{"primary": True, "address": email}] if email else [],
        "postal_addresses": [address] if (city or us_state or zip_code) else [],
    }


def petition(campaign) -> dict:
    path = f"/petitions/{campaign.public_id}"
    return {
        "identifiers": [identifier(campaign.public_id)],
        "origin_system": "Stop ShotSpotter",
        "created_date": date(campaign.created_at),
        "modified_date": date(campaign.modified_at),
        "title": campaign.title,
        "name": campaign.slug,
        "summary": campaign.summary,
        "description": str(render(campaign.body)),
        "petition_text": campaign.body,
        "browser_url": settings.SITE_URL + campaign.get_absolute_url(),
        "total_signatures": counting.total_in_table(campaign.pk),
        "target": [{"name": campaign.target}],
        "action_network:type": campaign.kind,
        "_links": {
            "self": href(path),
            "osdi:signatures": href(f"{path}/signatures"),
            "osdi:record_signature_helper": href(f"{path}/signatures"),
            "action_network:deleted_signatures": href(f"{path}/deleted_signatures"),
        },
    }


def signature(row, campaign, *, email_visible: bool) -> dict:
    """A signature, with its person's fields the token may see (Action Network's webhook format carries them too)."""
    petition_path = f"/petitions/{campaign.public_id}"
    body = {
        "identifiers": [identifier(row.public_id)],
        "created_date": date(row.created_at),
        "modified_date": date(row.modified_at),
        "action_network:person_id": str(row.person_id),
        "action_network:petition_id": str(campaign.public_id),
        "person": person_fields(row.name, row.city, row.us_state, row.email if email_visible else None),
        "_links": {
            "self": href(f"{petition_path}/signatures/{row.public_id}"),
            "osdi:petition": href(petition_path),
            "osdi:person": href(f"/people/{row.person_id}"),
        },
    }
    if row.kind == "organization":
        body["action_network:organization"] = {"name": row.organization, "website": row.organization_url, "role": row.role}
    return body


def deleted_signature(row, campaign) -> dict:
    petition_path = f"/petitions/{campaign.public_id}"
    return {
        "identifiers": [identifier(row.public_id)],
        "deleted_date": date(row.deleted_at),
        "modified_date": date(row.deleted_at),
        "action_network:person_id": str(row.person_id) if row.person_id else None,
        "action_network:petition_id": str(campaign.public_id),
        "_links": {"self": href(f"{petition_path}/signatures/{row.public_id}"), "osdi:petition": href(petition_path)},
    }


def person(person_id, rows, *, email_visible: set) -> dict:
    """A person from their signatures the token may see (`rows`, newest last)."""
    latest = rows[-1]
    email = next((r.email for r in reversed(rows) if r.pk in email_visible and r.email), None)
    path = f"/people/{person_id}"
    return {
        "identifiers": [identifier(person_id)],
        "created_date": date(min(r.created_at for r in rows)),
        "modified_date": date(max(r.modified_at for r in rows)),
        **person_fields(latest.name, latest.city, latest.us_state, email),
        "_links": {"self": href(path), "osdi:signatures": href(f"{path}/signatures")},
    }
