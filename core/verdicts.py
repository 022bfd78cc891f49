"""What an abuse check says about one submission; the app that owns the submission applies it.

The defence app judges (defence/screen.py in the request, defence/checks.py in
the worker) and never changes a row; the signatures app records what it is told
(signatures/services.py). A verdict is one of three:

- ALLOW: record it (it counts once confirmed);
- FLAG, with a reason: record it, never count it, and tell the sender nothing;
- REJECT, with a reason: do not record it; the sender sees the form again
  (only for a proof of work that is forged, expired or already used: a person
  whose browser failed the check can send the form again).
"""

import enum
from dataclasses import dataclass


class Action(enum.Enum):
    ALLOW = "allow"
    FLAG = "flag"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action = Action.ALLOW
    reason: str = ""  # for FLAG and REJECT, in English (gettext_noop: organizers read it translated)
    proof: str | None = None  # the salt of a valid proof of work, stored to make it single-use
    listed: str = ""  # "allow" or "block" when the sender's network is on a list, read in the request


ALLOW = Verdict()
