"""Signed links in the letter emails: confirm and withdraw (as signatures/tokens.py).

Single-use because each action only acts from the states it starts from.
"""

from datetime import timedelta

from django.core import signing

_SALTS = {"confirm": "letters.confirm.v1", "withdraw": "letters.withdraw.v1"}
_MAX_AGES = {"confirm": timedelta(days=7), "withdraw": timedelta(days=365)}


class BadToken(Exception):
    """The link is malformed, forged or expired."""


def make(letter_id: int, purpose: str) -> str:
    return signing.dumps(letter_id, salt=_SALTS[purpose])


def read(token: str, purpose: str) -> int:
    if not token or len(token) > 200:
        raise BadToken
    try:
        value = signing.loads(token, salt=_SALTS[purpose], max_age=_MAX_AGES[purpose])
    except signing.BadSignature:
        raise BadToken from None
    if not isinstance(value, int):
        raise BadToken
    return value
