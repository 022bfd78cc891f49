"""A city's alert data, kept as counts: the import, the current dataset and its aggregates.

No row per alert is ever stored (an alert's exact place and time would map
who lives where): an import reads the file once, keeps counts, and the
uploaded file is deleted once the import succeeds.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from local_actions.models import LocalAction


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded: choose the columns")
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed: nothing was changed")


class AlertImport(models.Model):
    """One uploaded file and what became of it."""

    action = models.ForeignKey(LocalAction, on_delete=models.CASCADE, related_name="alert_imports", verbose_name=_("local fight"))
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    upload = models.CharField(max_length=300, blank=True, help_text=_("Where the file waits for the worker; emptied after import."))
    file_name = models.CharField(_("file"), max_length=255)
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=2, blank=True)
    line_endings = models.CharField(max_length=10, blank=True)
    header = models.JSONField(default=list, blank=True)
    schema = models.CharField(_("saved mapping"), max_length=30, blank=True)
    mapping = models.JSONField(_("columns"), default=dict, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=60, default="America/Chicago")
    dayfirst = models.BooleanField(_("day before month"), default=False)
    radius_km = models.PositiveSmallIntegerField(_("city radius in km"), default=40)
    progress_rows = models.PositiveBigIntegerField(_("rows read"), default=0)
    progress_bytes = models.PositiveBigIntegerField(default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("what went wrong"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert data import")
        verbose_name_plural = _("alert data imports")

    def __str__(self):
        return f"{self.file_name} ({self.action})"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.size_bytes:
            return 0
        return min(99, int(100 * self.progress_bytes / self.size_bytes))


class AlertDataset(models.Model):
    """The alert data a local fight's fact sheet is computed from: one per city, replaced whole by each import."""

    action = models.OneToOneField(
        LocalAction, on_delete=models.CASCADE, related_name="alert_dataset", verbose_name=_("local fight")
    )
    source_import = models.ForeignKey(AlertImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    schema = models.CharField(max_length=30, blank=True)
    mapping = models.JSONField(default=dict)
    area_kind = models.CharField(max_length=30, blank=True)
    time_zone = models.CharField(max_length=60)
    rows = models.PositiveBigIntegerField(_("rows read"))
    kept = models.PositiveBigIntegerField(_("alerts kept"))
    duplicates = models.PositiveBigIntegerField(_("duplicates merged"))
    skipped = models.PositiveBigIntegerField(_("rows skipped"))
    first = models.DateField(_("first alert"), null=True)
    last = models.DateField(_("last alert"), null=True)
    report = models.JSONField(default=dict)
    grid = models.JSONField(default=dict, blank=True)  # the map's lattice; its counts are aggregates
    imported_at = models.DateTimeField(_("imported"))
    imported_by = models.CharField(_("imported by"), max_length=150, blank=True)
    figures = models.JSONField(default=dict, blank=True)  # computed by the worker (figures.py)
    figures_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert dataset")
        verbose_name_plural = _("alert datasets")

    def __str__(self):
        return f"{self.action}: {self.kept} alerts"


class Dimension(models.TextChoices):
    MONTH = "month", _("alerts per month")
    HOUR = "hour", _("alerts by hour of day")
    WEEKDAY = "weekday", _("alerts by day of the week")
    AREA = "area", _("alerts by area")
    ZIP = "zip", _("alerts by ZIP code")
    TYPE = "type", _("alerts by type")
    DISPOSITION = "disposition", _("alerts by disposition")
    ROUNDS = "rounds", _("alerts by rounds detected")
    CELL = "cell", _("alerts per map square")


class Aggregate(models.Model):
    """How many alerts of a dataset fall in one month, hour, area, disposition code or map square."""

    dataset = models.ForeignKey(AlertDataset, on_delete=models.CASCADE, related_name="aggregates")
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    key = models.CharField(max_length=200)
    count = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["dataset", "dimension"])]
        verbose_name = _("aggregate")
        verbose_name_plural = _("aggregates")

    def __str__(self):
        return f"{self.dimension} {self.key}: {self.count}"


class DispositionClass(models.TextChoices):
    GUN_CRIME = "gun_crime", _("Evidence of a gun crime")
    NO_EVIDENCE = "no_evidence", _("No evidence of a gun crime found")
    UNFOUNDED = "unfounded", _("Unfounded")
    UNKNOWN = "unknown", _("Unknown")


class DispositionMapping(models.Model):
    """An organizer's reading of one of the city's disposition codes, saved per local fight."""

    action = models.ForeignKey(
        LocalAction, on_delete=models.CASCADE, related_name="disposition_mappings", verbose_name=_("local fight")
    )
    code = models.CharField(_("city's disposition code"), max_length=200)
    meaning = models.CharField(_("means"), max_length=12, choices=DispositionClass.choices, default=DispositionClass.UNKNOWN)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["action", "code"]
        verbose_name = _("disposition code")
        verbose_name_plural = _("disposition codes")
        constraints = [models.UniqueConstraint(fields=["action", "code"], name="evidence_disposition_unique_code")]

    def __str__(self):
        return f"{self.code}: {self.get_meaning_display()}"
