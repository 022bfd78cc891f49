"""Signed links in emails: confirm and withdraw.

A token names one signature and one purpose, is signed with SECRET_KEY and
expires. It is single-use because the action it authorizes only acts from
the states it starts from: a replayed confirm finds the row already
confirmed, a replayed withdraw finds nothing left to erase.
"""

from datetime import timedelta

from django.core import signing

CONFIRM_MAX_AGE = timedelta(days=7)  # the same as how long we keep unconfirmed rows
WITHDRAW_MAX_AGE = timedelta(days=365)

_SALTS = {"confirm": "signatures.confirm.v1", "withdraw": "signatures.withdraw.v1"}
_MAX_AGES = {"confirm": CONFIRM_MAX_AGE, "withdraw": WITHDRAW_MAX_AGE}


class BadToken(Exception):
    """The link is malformed, forged or expired."""


def make(signature_id: int, purpose: str) -> str:
    return signing.dumps(signature_id, salt=_SALTS[purpose])


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
