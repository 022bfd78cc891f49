from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from local_actions.models import LocalAction
from signatures.models import Campaign

from .selection import Filters


def _today():
    return timezone.localdate()


class DeliveryQuerySet(models.QuerySet):
    def public(self):
        """Built and listed: shown on the campaign's page, manifest downloadable by anyone."""
        return self.filter(status=Delivery.Status.READY, listed=True)


class Delivery(models.Model):
    """Signatures handed to a target: the filters used, who made it, and the packet's hashes.

    The PDF and CSV hold names and are for organizers only (and deleted from
    the server after DELIVERY_FILE_DAYS); the manifest holds none and is public.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("campaign"))
    recipient = models.CharField(
        _("delivered to"), max_length=200, help_text=_("Who receives it, e.g. the company's CEO or a city council.")
    )
    delivered_on = models.DateField(_("date of delivery"), default=_today)
    listed = models.BooleanField(
        _("listed on the campaign's page"), default=True, help_text=_("With its manifest, downloadable by anyone.")
    )
    # The filters (none: everyone whose signature counts).
    us_states = models.JSONField(_("states"), default=list, blank=True)
    signed_from = models.DateField(_("signed on or after"), null=True, blank=True)
    signed_until = models.DateField(_("signed on or before"), null=True, blank=True)
    local_action = models.ForeignKey(
        LocalAction, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries",
        verbose_name=_("local fight"),
    )  # fmt: skip
    city = models.CharField(_("city"), max_length=100, blank=True)
    city_state = models.CharField(_("state of the city"), max_length=2, blank=True)
    # The build.
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(_("what went wrong"), max_length=300, blank=True)
    count = models.PositiveIntegerField(_("signatures"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages of signers"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="deliveries/", blank=True)
    csv = models.FileField(_("CSV"), upload_to="deliveries/", blank=True)
    manifest = models.FileField(_("manifest"), upload_to="deliveries/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    csv_sha256 = models.CharField(_("SHA-256 of the CSV"), max_length=64, blank=True)
    manifest_sha256 = models.CharField(_("SHA-256 of the manifest"), max_length=64, blank=True)
    # Which signature ids are in it, as a zlib-compressed bitmap: the check page answers from it.
    members = models.BinaryField(editable=False, default=bytes)
    files_deleted_at = models.DateTimeField(_("PDF and CSV deleted at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("made by"),
    )  # fmt: skip
    created_by_name = models.CharField(_("made by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-delivered_on", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["campaign", "status"], name="delivery_by_campaign")]

    def __str__(self):
        return f"{self.campaign} → {self.recipient} ({self.delivered_on:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("delivery:detail", args=[self.pk])

    def manifest_url(self):
        return reverse("delivery:manifest", args=[self.pk])

    @property
    def filters(self) -> Filters:
        return Filters(
            us_states=tuple(self.us_states or ()),
            signed_from=self.signed_from,
            signed_until=self.signed_until,
            city=self.city,
            city_state=self.city_state,
        )
