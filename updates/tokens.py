"""The unsubscribe link in every update: a signed signature id, for one purpose.

It does not expire (an unsubscribe link must keep working, RFC 8058), and it is
harmless to replay: unsubscribing twice finds nothing left to do.
"""

from django.core import signing

SALT = "updates.unsubscribe.v1"


class BadToken(Exception):
    """The link is malformed or forged."""


def make(signature_id: int) -> str:
    return signing.dumps(signature_id, salt=SALT)


def read(token: str) -> int:
    if not token or len(token) > 200:
        raise BadToken
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise BadToken from None
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadToken
    return value
