"""Receipt codes: how a signer finds their own signature in a delivery, and nobody else's.

The confirmation email gives each signer a code: the signature's number and a
keyed hash of it (HMAC with a key derived from SECRET_KEY), so it cannot be
guessed or made up for another signature. A delivery's public manifest lists
the SHA-256 of each included signer's code: the target and the press can count
and compare them without any personal data, and a signer can find theirs (on
the check page, or with any SHA-256 tool) without the list revealing who is
who. Changing SECRET_KEY changes every code, as it does every emailed link.
"""

import functools
import hashlib
import hmac
import re

from django.conf import settings

CODE_RE = re.compile(r"^([0-9]{1,15})-([0-9A-F]{20})$", re.ASCII)
DIGEST_EXPLAINED = "sha256 of the receipt code in each signer's confirmation email, as ASCII text (e.g. 123-0123456789ABCDEF0123)"


@functools.lru_cache(maxsize=4)
def _key_for(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"delivery-receipt-v1", hashlib.sha256).digest()


def _key() -> bytes:
    return _key_for(settings.SECRET_KEY)


def code_for(signature_id: int, key: bytes | None = None) -> str:
    """The signature's number and 80 bits of its keyed hash, in capital hex."""
    mac = hmac.digest(key or _key(), str(signature_id).encode(), "sha256")[:10]
    return f"{signature_id}-{mac.hex().upper()}"


def digest_for(signature_id: int) -> str:
    """The manifest's entry for one signature: SHA-256 of its code, in hex."""
    return hashlib.sha256(code_for(signature_id).encode()).hexdigest()


def digester():
    """digest_for with the key looked up once: a packet hashes a million codes."""
    key, sha256 = _key(), hashlib.sha256
    return lambda signature_id: sha256(code_for(signature_id, key).encode()).hexdigest()


def read(text: str) -> int | None:
    """The signature a code names, or None if it is not one of ours (typos, guesses)."""
    code = "".join((text or "").split()).upper()[:60]
    match = CODE_RE.match(code) if code.isascii() else None
    if not match:
        return None
    signature_id = int(match.group(1))
    if not hmac.compare_digest(code_for(signature_id), code):
        return None
    return signature_id
