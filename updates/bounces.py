"""Read a mail provider's bounce and complaint notices: (address, reason) pairs.

Three shapes are understood (README, "Bounces and complaints"):
- ours: {"type": "bounce" | "complaint", "email": "..."} or a list of them;
  a bounce with "permanent": false (a full mailbox) is ignored;
- Postmark: {"RecordType": "Bounce", "Type": "HardBounce", "Email": "..."},
  {"RecordType": "SpamComplaint", "Email": "..."};
- Mailgun: {"event-data": {"event": "failed", "severity": "permanent", "recipient": "..."}}
  and {"event-data": {"event": "complained", "recipient": "..."}}.
Anything else is skipped; a body that is not JSON is refused.
"""

import json

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import Suppression

BOUNCED, COMPLAINED = Suppression.Reason.BOUNCED, Suppression.Reason.COMPLAINED
POSTMARK_HARD = {"HardBounce", "BadEmailAddress", "ManuallyDeactivated", "SpamNotification"}
MAX_EVENTS = 1000


class Unreadable(ValueError):
    pass


def _one(event) -> tuple[str, str] | None:
    if not isinstance(event, dict):
        return None
    if "event-data" in event and isinstance(event["event-data"], dict):  # Mailgun
        data = event["event-data"]
        kind, address = data.get("event"), data.get("recipient")
        if kind == "failed" and data.get("severity") == "permanent":
            return address, BOUNCED
        return (address, COMPLAINED) if kind == "complained" else None
    if "RecordType" in event:  # Postmark
        kind, address = event.get("RecordType"), event.get("Email")
        if kind == "SpamComplaint":
            return address, COMPLAINED
        return (address, BOUNCED) if kind == "Bounce" and event.get("Type") in POSTMARK_HARD else None
    kind, address = event.get("type"), event.get("email")
    if kind == "complaint":
        return address, COMPLAINED
    if kind == "bounce" and event.get("permanent", True) is not False:
        return address, BOUNCED
    return None


def parse(body: bytes) -> list[tuple[str, str]]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Unreadable("the body is not JSON") from None
    events = data if isinstance(data, list) else [data]
    if len(events) > MAX_EVENTS:
        raise Unreadable(f"at most {MAX_EVENTS} events at a time")
    found = []
    for event in events:
        pair = _one(event)
        if pair is None or not isinstance(pair[0], str):
            continue
        try:
            validate_email(pair[0])
        except ValidationError:
            continue
        found.append(pair)
    return found
