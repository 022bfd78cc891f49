"""Updates organizers write to the supporters who asked for them.

An update is sent to a list of recipients fixed when sending starts: one row
per signature, each claimed and marked on its own, so a worker that stops in
the middle resumes where it was and nobody gets the update twice.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from local_actions.models import LocalAction
from signatures.models import Campaign, Signature

from .states import RecipientState, Status

DEFAULT_PER_WEEK = 3
MAX_RADIUS_MILES = 250


class CampaignLimit(models.Model):
    """How many updates a campaign may send in 7 days (ControlShift's rule: a few a week at most)."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="update_limit", verbose_name=_("campaign"))
    per_week = models.PositiveSmallIntegerField(
        _("updates per 7 days"),
        default=DEFAULT_PER_WEEK,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("At most this many updates may start sending in any 7 days."),
    )

    class Meta:
        verbose_name = _("update limit")
        verbose_name_plural = _("update limits")

    def __str__(self):
        return f"{self.campaign}: {self.per_week}"


class Update(models.Model):
    class Audience(models.TextChoices):
        ALL = "all", _("Everyone who asked for updates on this campaign")
        STATES = "states", _("Only supporters in some states")
        LOCAL = "local", _("Only supporters near a local fight")

    class Near(models.TextChoices):
        CITY = "city", _("ZIP codes in the city")
        RADIUS = "radius", _("Within a radius")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="updates", verbose_name=_("campaign"))
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("text"), help_text=_("Markdown. Links are sent as written; images are not allowed."))
    audience = models.CharField(_("send to"), max_length=8, choices=Audience.choices, default=Audience.ALL)
    us_states = models.JSONField(_("states"), default=list, blank=True)
    local_action = models.ForeignKey(
        LocalAction, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("local fight")
    )
    near = models.CharField(_("near the local fight"), max_length=8, choices=Near.choices, default=Near.CITY)
    radius_miles = models.PositiveSmallIntegerField(
        _("radius in miles"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_RADIUS_MILES)]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    send_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("written by")
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # Why a scheduled update did not start (e.g. over the weekly cap by then).
    problem = models.CharField(_("problem"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        permissions = [("approve_update", _("Can approve an update written by another organizer"))]
        indexes = [models.Index(fields=["campaign", "send_at"], name="update_cap_window")]

    def __str__(self):
        return self.subject


class Translation(models.Model):
    """The update in another language, for supporters who signed in it."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(_("text"), help_text=_("Markdown."))

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [models.UniqueConstraint(fields=["update", "language"], name="one_translation_per_language")]

    def __str__(self):
        return self.get_language_display()


class Recipient(models.Model):
    """One signature an update goes to: the per-row record that makes each send happen once."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="recipients")
    # No database constraint: a withdrawn signature is deleted, and its recipient row
    # must neither block that nor vanish (the worker then skips it as unsubscribed).
    signature = models.ForeignKey(Signature, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    state = models.CharField(max_length=12, choices=RecipientState.choices, default=RecipientState.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try = models.DateTimeField(default=timezone.now)
    # Which sender holds it, and until when; an expired claim is free to take again.
    claim = models.CharField(max_length=32, null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)  # the mail server's last reply; never the address

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [models.UniqueConstraint(fields=["update", "signature"], name="one_recipient_per_signature")]
        indexes = [models.Index(fields=["update", "id"], condition=Q(state=RecipientState.WAITING), name="recipient_waiting")]

    def __str__(self):
        return f"{self.update_id}/{self.signature_id}: {self.state}"


class Suppression(models.Model):
    """An address that must get no more updates: it bounced for good, or its owner reported spam.

    Kept as the same keyed hash as a signature's (signatures.emails.email_hash), never the address.
    """

    class Reason(models.TextChoices):
        BOUNCED = "bounced", _("Bounced (the address does not exist)")
        COMPLAINED = "complained", _("Reported as spam")

    address_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self):
        return f"{self.address_hash[:12]}… ({self.get_reason_display()})"
