"""Proof of work in the style of ALTCHA, verified on our own server.

The browser finds a number whose SHA-256 with a server-signed salt matches
the challenge: a fraction of a second for one person, real cost for a bot
sending thousands. No third party is involved and nothing is stored about
the visitor. A solution is single-use (its salt is unique on the signature
row, or kept in a table for the other forms) and expires.

The work rises only for the sources that flood: the network and the email
domain a challenge is asked for. A viral surge from many networks leaves
every honest visitor at the base work. So that a bot cannot ask for a cheap
challenge from a quiet network or with a quiet domain and spend it on a
flooding one, each challenge is bound (a keyed tag in its salt) to the
campaign, network and domain it was made for; a proof sent with another
counts as no proof at all (the stricter limits apply).
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import json
from urllib.parse import parse_qs

import altcha
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from signatures.emails import domain_of
from signatures.models import Signature

from .models import RateLimit, UsedProof

EXPIRES = datetime.timedelta(minutes=20)
BASE_DIFFICULTY = 50_000  # the largest number to search: well under 0.1 s in a phone's browser (bench/pow_browser.py)
# Signatures a minute from one source (per campaign) that double its work. At the default burst
# limits (10 per network, 30 per domain, a minute) an honest source reaches at most HONEST_LEVEL.
NETWORK_STEP = 4
DOMAIN_STEP = 12
HONEST_LEVEL = 2
MAX_LEVEL = 8  # a flooding source: up to 256 times the base
LEVEL_SECONDS = 10  # how long a source's level is cached
SALT_BYTES = 6  # with the expiry and the binding tag, unique and short enough for one SHA-256 block


def _key() -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), b"altcha-v1", hashlib.sha256).digest()


def difficulty_at(level: int) -> int:
    return BASE_DIFFICULTY * 2 ** min(level, MAX_LEVEL)


def _recent(campaign_id: int, **match) -> int:
    """Signatures of the last minute from one source, counted only as far as the top level needs."""
    since = timezone.now() - datetime.timedelta(minutes=1)
    cap = max(NETWORK_STEP, DOMAIN_STEP) * MAX_LEVEL
    return Signature.objects.filter(campaign_id=campaign_id, created_at__gte=since, **match)[:cap].count()


def _exempt_domains(campaign_id: int) -> set[str]:
    """The campaign's big providers, which no domain limit applies to (cached: every challenge asks)."""
    key = f"pow-exempt:{campaign_id}"
    domains = cache.get(key)
    if domains is None:
        domains = RateLimit.for_campaign(campaign_id).exempt_domains()
        cache.set(key, domains, 60)
    return domains


def level(campaign_id: int | None, network: str, domain: str) -> int:
    """How many times the work doubles for a challenge from this network, for this email domain."""
    if not campaign_id:
        return 0
    key = "pow-level:" + hashlib.sha256(f"{campaign_id}|{network}|{domain}".encode()).hexdigest()[:32]
    value = cache.get(key)
    if value is None:
        value = _recent(campaign_id, ip_hash=network) // NETWORK_STEP if network else 0
        if domain and domain not in _exempt_domains(campaign_id):
            value = max(value, _recent(campaign_id, email_domain=domain) // DOMAIN_STEP)
        value = min(value, MAX_LEVEL)
        cache.set(key, value, LEVEL_SECONDS)
    return value


def _binding(campaign_id, network: str, domain: str) -> str:
    message = f"bind|{campaign_id or ''}|{network}|{domain}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()[:10]


def challenge(campaign_id: int | None = None, network: str = "", email_domain: str = "") -> dict:
    """A challenge for a form of this campaign (None for the contact and local-fight forms)."""
    domain = domain_of(f"x@{email_domain}") if email_domain else ""
    made = altcha.create_challenge_v1(
        altcha.ChallengeOptionsV1(
            hmac_key=_key(),
            max_number=difficulty_at(level(campaign_id, network, domain)),
            salt_length=SALT_BYTES,
            expires=timezone.now() + EXPIRES,
            params={"b": _binding(campaign_id, network, domain)},
        )
    )
    return {
        "algorithm": made.algorithm,
        "challenge": made.challenge,
        "maxnumber": made.max_number,
        "salt": made.salt,
        "signature": made.signature,
    }


def bound_to(salt: str, campaign_id, network: str, email: str) -> bool:
    """Whether a verified proof was made for this campaign, network and email address's domain."""
    tag = parse_qs(salt.partition("?")[2]).get("b", [""])[0]
    domain = domain_of(email) if email else ""
    return hmac.compare_digest(tag, _binding(campaign_id, network, domain))


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
