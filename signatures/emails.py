"""Email addresses as identities: normalized for de-duplication, then hashed.

One person, one signature: "Jane.Doe+petition@GMail.com" and
"janedoe@gmail.com" reach the same inbox, so they are the same signer. We keep
a keyed hash of that canonical form, not the form itself, so the table can tell
"already signed" without being a list of addresses once an email is no longer
needed.
"""

import hashlib
import hmac
import uuid

from django.conf import settings

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def canonical(email: str) -> str:
    local, _, domain = email.strip().lower().rpartition("@")
    domain = domain.rstrip(".")
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def domain_of(email: str) -> str:
    return canonical(email).rpartition("@")[2]


def email_hash(email: str) -> str:
    key = hmac.new(settings.SECRET_KEY.encode(), b"email-hash-v1", hashlib.sha256).digest()
    return hmac.new(key, canonical(email).encode(), hashlib.sha256).hexdigest()


def person_id(digest: str) -> uuid.UUID:
    """The public identifier of the person behind an email hash (the partner API's people).

    Derived, not stored apart, so the same address gets the same person on every
    campaign; derived from the keyed hash, so no one without our key can compute
    it from an address.
    """
    raw = hashlib.sha256(b"person-v1:" + digest.encode()).digest()[:16]
    return uuid.UUID(bytes=raw, version=4)
