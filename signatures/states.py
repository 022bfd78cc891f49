"""The signature lifecycle, in one place.

    pending --confirm--> verified --withdraw--> withdrawn (data erased)
       |                    |  \\--invalidate--> invalidated
       |--flag--> flagged --/ (organizer review: unflag back to where it was)
       `--(7 days)--> deleted

Only verified signatures count. Flagged ones look verified to the signer
(the bot learns nothing) but are never counted.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    VERIFIED = "verified", _("Confirmed")
    FLAGGED = "flagged", _("Flagged (not counted)")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    INVALIDATED = "invalidated", _("Invalidated")


# The states each action may start from.
CAN_CONFIRM = {State.PENDING, State.FLAGGED}
CAN_WITHDRAW = {State.PENDING, State.VERIFIED, State.FLAGGED}
CAN_INVALIDATE = {State.PENDING, State.VERIFIED, State.FLAGGED}
CAN_FLAG = {State.PENDING, State.VERIFIED}
COUNTED = {State.VERIFIED}
