"""Letters from residents to the people who vote on a city's ShotSpotter contract.

A local fight (local_actions.LocalAction) may have one letter action: the
officials to write to, a suggested letter and the date of the vote. Letters
are confirmed from the writer's inbox like signatures, then delivered to each
official in a daily digest (digest.py), never one email per letter.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from local_actions.models import LocalAction

LETTER_MAX_LENGTH = 5000


class LetterAction(models.Model):
    class Recipients(models.TextChoices):
        EVERYONE = "everyone", _("Every official listed")
        DISTRICT = "district", _("The writer's district member and the at-large members")

    local_action = models.OneToOneField(
        LocalAction, on_delete=models.CASCADE, related_name="letter_action", verbose_name=_("local fight")
    )
    subject = models.CharField(_("subject"), max_length=200)
    suggested_text = models.TextField(
        _("suggested letter"),
        max_length=LETTER_MAX_LENGTH,
        help_text=_("Each writer can edit it. Letters left unchanged are grouped in the officials' digest."),
    )
    decision = models.CharField(
        _("what is decided"), max_length=200, help_text=_("For example: City Council vote on the contract renewal.")
    )
    decision_date = models.DateField(_("date of the vote or hearing"))
    recipients = models.CharField(_("whom to write"), max_length=10, choices=Recipients.choices, default=Recipients.EVERYONE)
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(
        _("closes"), null=True, blank=True, help_text=_("Empty: closes at the end of the day of the vote.")
    )
    result = models.TextField(
        _("result"), blank=True, max_length=2000, help_text=_("After the vote: what was decided. The page shows it.")
    )
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("letter action")
        verbose_name_plural = _("letter actions")
        permissions = [("export_letters", _("Can download the letters"))]

    def __str__(self):
        return str(self.local_action)

    @property
    def closing_time(self):
        if self.closes_at:
            return self.closes_at
        end_of_vote_day = timezone.make_aware(
            timezone.datetime.combine(self.decision_date + timedelta(days=1), timezone.datetime.min.time())
        )
        return end_of_vote_day

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.published and not self.result and self.opens_at <= now < self.closing_time

    def days_left(self, today=None) -> int:
        today = today or timezone.localdate()
        return (self.decision_date - today).days


class Official(models.Model):
    class Role(models.TextChoices):
        COUNCIL_MEMBER = "council", _("Council member")
        MAYOR = "mayor", _("Mayor")
        CHAIR = "chair", _("Committee chair")
        OTHER = "other", _("Other")

    action = models.ForeignKey(LetterAction, on_delete=models.CASCADE, related_name="officials")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.COUNCIL_MEMBER)
    title = models.CharField(_("title as written"), max_length=120, blank=True, help_text=_("For example: Alderperson, Ward 5."))
    district = models.CharField(_("district"), max_length=60, blank=True, help_text=_("Empty for at-large members and the mayor."))
    email = models.EmailField(_("public office email"))
    zip_codes = models.TextField(
        _("ZIP codes of the district"), blank=True, help_text=_("Optional; separated by spaces or commas.")
    )
    is_example = models.BooleanField(
        _("example"),
        default=False,
        help_text=_("Shipped as an example: letters are never emailed to it. Replace it with the real official."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self):
        return f"{self.name} ({self.display_role})"

    @property
    def display_role(self) -> str:
        return self.title or str(self.get_role_display())

    @property
    def at_large(self) -> bool:
        return not self.district

    def zip_set(self) -> set[str]:
        return {z[:5] for z in self.zip_codes.replace(",", " ").split() if z}


class Letter(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        FLAGGED = "flagged", _("Held by the abuse defence")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    action = models.ForeignKey(LetterAction, on_delete=models.CASCADE, related_name="letters")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    name = models.CharField(_("name"), max_length=100)
    # Kept until the confirmation is sent and, for a writer who may be replied to, until delivery.
    email = models.EmailField(_("email"), null=True, blank=True)
    email_hash = models.CharField(max_length=64, null=True, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=10)
    city = models.CharField(_("city"), max_length=100, blank=True)
    us_state = models.CharField(_("US state"), max_length=2, blank=True)
    resident = models.BooleanField(_("resident"), default=False)
    body = models.TextField(_("letter"), max_length=LETTER_MAX_LENGTH)
    unchanged = models.BooleanField(_("the suggested letter, unchanged"), default=False)
    reply_ok = models.BooleanField(_("officials may reply"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True, help_text=_("The language the letter was written in."))
    flag_reason = models.CharField(_("why held"), max_length=100, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    email_due = models.BooleanField(default=False)
    emails_sent = models.PositiveSmallIntegerField(default=0)
    next_email_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        constraints = [
            # One letter per person per fight, also under concurrency.
            models.UniqueConstraint(fields=["action", "email_hash"], name="letter_one_per_person"),
        ]
        indexes = [models.Index(fields=["email_due"], condition=models.Q(email_due=True), name="letter_email_due")]

    def __str__(self):
        return f"{self.name} ({self.zip_code})"


class Digest(models.Model):
    """One email to one official with every letter confirmed since the last one."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="digests")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    letters = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(null=True, blank=True)
    failed = models.CharField(_("failure"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("digest sent to an official")
        verbose_name_plural = _("digests sent to officials")

    def __str__(self):
        return f"{self.official.name}, {self.created_at:%Y-%m-%d}"


class Delivery(models.Model):
    """A confirmed letter owed to one official; `digest` is set when it is put in one."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="deliveries")
    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="deliveries")
    digest = models.ForeignKey(Digest, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["letter", "official"], name="delivery_once")]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.letter_id} -> {self.official_id}"


def digest_interval() -> timedelta:
    return timedelta(seconds=getattr(settings, "LETTERS_DIGEST_SECONDS", 24 * 3600))
