"""Proof of work in the style of ALTCHA, verified on our own server.

The browser finds a number whose SHA-256 with a server-signed salt matches
the challenge: a fraction of a second for one person, real cost for a bot
sending thousands. No third party is involved and nothing is stored about
the visitor. A solution is single-use (its salt is unique on the signature
row) and expires.
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import json

import altcha
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from signatures.models import Signature

from .models import UsedProof

EXPIRES = datetime.timedelta(minutes=20)
BASE_DIFFICULTY = 50_000  # numbers to search: about 0.1-0.5 s in a phone's browser
MAX_DIFFICULTY = 1_000_000
LOAD_STEP = 600  # signatures a minute that double the work


def _key() -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), b"altcha-v1", hashlib.sha256).digest()


def difficulty() -> int:
    """Rises with the signing rate of the last minute, so a flood gets dearer as it grows."""
    value = cache.get("defence:difficulty")
    if value is None:
        recent = Signature.objects.filter(created_at__gte=timezone.now() - datetime.timedelta(minutes=1)).count()
        value = min(MAX_DIFFICULTY, BASE_DIFFICULTY * (2 ** (recent // LOAD_STEP)))
        cache.set("defence:difficulty", value, 10)
    return value


def challenge() -> dict:
    made = altcha.create_challenge_v1(
        altcha.ChallengeOptionsV1(hmac_key=_key(), max_number=difficulty(), expires=timezone.now() + EXPIRES)
    )
    return {
        "algorithm": made.algorithm,
        "challenge": made.challenge,
        "maxnumber": made.max_number,
        "salt": made.salt,
        "signature": made.signature,
    }


class Invalid(Exception):
    """A proof of work that is malformed, forged, expired or already used."""


def verify(payload: str) -> str:
    """Check a solution; returns its salt (to store, making it single-use) or raises Invalid."""
    if not payload or len(payload) > 1000:
        raise Invalid
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
        salt = str(data["salt"])
    except (ValueError, binascii.Error, KeyError, TypeError):
        raise Invalid from None
    try:
        ok, _error = altcha.verify_solution_v1(payload, _key(), check_expires=True)
    except Exception:  # the library raises on some malformed inputs
        raise Invalid from None
    if not ok or len(salt) > 100:
        raise Invalid
    return salt


def verify_once(payload: str) -> str:
    """Like verify, for forms that keep no row to hold the salt: a table remembers it until it expires.

    Not the cache: an evicted or per-process entry would let the same proof work again.
    """
    salt = verify(payload)
    try:
        with transaction.atomic():
            UsedProof.objects.create(digest=hashlib.sha256(salt.encode()).hexdigest(), expires_at=timezone.now() + EXPIRES)
    except IntegrityError:
        raise Invalid from None
    return salt


def solve(challenge_data: dict) -> str:
    """A solved payload, as the browser would send it (for tests and the benchmark)."""
    solution = altcha.solve_challenge_v1(
        challenge_data["challenge"], challenge_data["salt"], challenge_data["algorithm"], challenge_data["maxnumber"], 0
    )
    body = {key: challenge_data[key] for key in ("algorithm", "challenge", "salt", "signature")}
    body["number"] = solution.number
    return base64.b64encode(json.dumps(body).encode()).decode()
