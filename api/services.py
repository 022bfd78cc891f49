"""Partner API tokens: made, checked, revoked. Every change an organizer makes is audited."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from audit.services import record
from signatures.models import Campaign

from .models import ApiToken

PREFIX = "ssp_"
# last_used_at is written at most this often per token, not on every request.
TOUCH_EVERY = timedelta(minutes=1)
# A client paging through a campaign asks many times a second: its token and scope are cached
# this long (in the shared cache with REDIS_URL); revoking clears it at once, scope edits lag this much.
CALLER_SECONDS = 5


def _caller_key(digest: str) -> str:
    return f"api-caller:{digest}"


def hash_key(key: str) -> str:
    # A plain SHA-256 is enough: keys are 256 random bits, so there is nothing to brute-force
    # (a slow password hash would only slow every API request).
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def issue_key(token: ApiToken) -> str:
    """Give an unsaved token its key; returns the key, which is never stored and cannot be shown again."""
    key = new_key()
    token.key_prefix = key[: len(PREFIX) + 4]
    token.key_hash = hash_key(key)
    return key


@transaction.atomic
def create_token(organization, campaigns, *, actor=None, name="", **scope) -> tuple[ApiToken, str]:
    """Make a token (the command line's way; the admin's is ApiTokenAdmin); returns it and its key."""
    token = ApiToken(organization=organization, name=name, **scope)
    key = issue_key(token)
    token.created_by = actor if getattr(actor, "is_authenticated", False) else None
    token.save()
    token.campaigns.set(campaigns)
    record(actor, "api.apitoken.added", token, data={"campaigns": [c.slug for c in token.campaigns.all()], **scope})
    return token, key


def revoke(queryset, actor) -> int:
    with transaction.atomic():
        tokens = queryset.filter(revoked_at__isnull=True)
        digests = list(tokens.values_list("key_hash", flat=True))
        revoked = tokens.update(revoked_at=timezone.now())
        record(actor, "api.apitoken.revoked", queryset, rows=revoked)
    cache.delete_many([_caller_key(d) for d in digests])
    return revoked


@dataclass
class Caller:
    """Who is calling, and what they may see: loaded once per request."""

    token: ApiToken
    campaigns: dict[int, Campaign]  # the campaigns it may read, by id

    @property
    def organization_id(self) -> int:
        return self.token.organization_id


def authenticate(key: str) -> Caller | None:
    if not key or len(key) > 200:
        return None
    digest = hash_key(key)
    caller = cache.get(_caller_key(digest))
    if caller is None:
        token = ApiToken.objects.filter(key_hash=digest, revoked_at__isnull=True).first()
        if token is None:
            return None
        caller = Caller(token=token, campaigns={c.pk: c for c in token.campaigns.filter(published=True)})
        cache.set(_caller_key(digest), caller, CALLER_SECONDS)
    now = timezone.now()
    token = caller.token
    if token.last_used_at is None or token.last_used_at < now - TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        cache.set(_caller_key(digest), caller, CALLER_SECONDS)
    return caller
