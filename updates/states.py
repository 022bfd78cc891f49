"""The lifecycle of an update, and of each of its recipients, in one place.

    draft --approve (another organizer)--> approved --start/schedule--> sending <--pause/resume--> paused
      ^------------ withdraw approval ------/                             |
                                                                          `--(no one left waiting)--> sent

A recipient is waiting until the worker sends it (sent), gives up on it
(failed), or finds that the person no longer wants updates (unsubscribed).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    SENT = "sent", _("Sent")


class RecipientState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed or bounced")


# The statuses each action may start from.
CAN_EDIT = {Status.DRAFT}
CAN_APPROVE = {Status.DRAFT}
CAN_UNAPPROVE = {Status.APPROVED}
CAN_START = {Status.APPROVED}
CAN_PAUSE = {Status.SENDING}
CAN_RESUME = {Status.PAUSED}
# Updates that count against the campaign's weekly cap once they have a start time.
COUNTS_FOR_CAP = {Status.APPROVED, Status.SENDING, Status.PAUSED, Status.SENT}
