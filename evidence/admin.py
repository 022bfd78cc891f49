"""The organizers' side of the evidence kit: upload, choose the columns with a preview, follow the import, read the codes.

Upload (capped in size before the body is read) -> columns and preview ->
"Import" queues the worker -> the import's page shows its progress, then the
report. Every step goes through services.py, which records who did what.
"""

from django.contrib import admin, messages
from django.db.models import Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from audit.admin import AuditedAdmin

from . import csvfile, importer, report, services, uploads
from .forms import MappingForm, MeaningsForm, UploadForm
from .models import Aggregate, AlertDataset, AlertImport, DispositionMapping, ImportStatus


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


@admin.register(AlertImport)
class AlertImportAdmin(AuditedAdmin):
    list_display = ["file_name", "action", "status", "progress_rows", "created_at"]
    list_filter = ["status", "action"]
    search_fields = ["file_name", "action__city"]

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # the history of imports is the provenance of the figures

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(csrf_exempt(self.upload_view)), name="evidence_alertimport_upload"),
            path("<int:pk>/columns/", wrap(self.columns_view), name="evidence_alertimport_columns"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:evidence_alertimport_upload"))

    # --- 1. Upload ---------------------------------------------------------------------

    def upload_view(self, request):
        """Exempt from the CSRF middleware so the size cap is installed before the body is read; protected below."""
        if not self.has_add_permission(request):
            return TemplateResponse(request, "admin/evidence/upload.html", self._context(request, None), status=403)
        limit = services.max_upload_bytes()
        if request.method == "POST" and uploads.too_big(request, limit):
            return self._upload_refused(request, limit, status=413)
        uploads.install(request, limit)
        return csrf_protect(self._upload)(request)

    def _upload(self, request):
        limit = services.max_upload_bytes()
        if request.method != "POST":
            form = UploadForm(initial={"action": request.GET.get("action")})
            return TemplateResponse(request, "admin/evidence/upload.html", self._context(request, form))
        form = UploadForm(request.POST, request.FILES)
        if getattr(request, "upload_too_big", False):
            return self._upload_refused(request, limit, status=413)
        if form.is_valid():
            try:
                alert_import = services.receive_upload(
                    form.cleaned_data["action"], form.cleaned_data["file"], request.user, form.cleaned_data["schema"]
                )
            except csvfile.NotCSV as problem:
                form.add_error("file", str(problem))
            else:
                return HttpResponseRedirect(reverse("admin:evidence_alertimport_columns", args=[alert_import.pk]))
        return TemplateResponse(request, "admin/evidence/upload.html", self._context(request, form), status=400)

    def _upload_refused(self, request, limit: int, status: int):
        message = _(
            "This file is larger than %(limit)s, the most the admin takes. Import it with "
            "“manage.py import_alerts” on the server instead (see the README), or split it by year."
        ) % {"limit": _mb(limit)}
        context = self._context(request, UploadForm())
        context["refused"] = message
        return TemplateResponse(request, "admin/evidence/upload.html", context, status=status)

    def _context(self, request, form, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import a city's alert data"),
            "form": form,
            "limit": _mb(services.max_upload_bytes()),
            **extra,
        }

    # --- 2. Columns and preview ----------------------------------------------------------

    def columns_view(self, request, pk):
        alert_import = get_object_or_404(AlertImport.objects.select_related("action"), pk=pk)
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:evidence_alertimport_change", args=[pk]))
        if alert_import.status not in (ImportStatus.UPLOADED, ImportStatus.FAILED) or not alert_import.upload:
            return HttpResponseRedirect(reverse("admin:evidence_alertimport_change", args=[pk]))
        initial = {
            **alert_import.mapping,
            "time_zone": alert_import.time_zone,
            "dayfirst": alert_import.dayfirst,
            "radius_km": alert_import.radius_km,
        }
        data = request.POST if request.method == "POST" else None
        # The preview and the codes come from the columns chosen now (or saved), read from the first rows.
        probe = MappingForm(data, initial=initial, header=alert_import.header)
        mapping = probe.mapping() if data is not None and probe.is_valid() else dict(alert_import.mapping)
        preview, problem = None, None
        try:
            preview = services.preview(alert_import, mapping)
        except importer.ImportProblem as error:
            problem = str(error)
        except (OSError, csvfile.csv.Error) as error:
            problem = _("The file could not be read again: %(error)s") % {"error": error}
        codes = preview["codes"] if preview else []
        meanings = {m.code.upper(): m.meaning for m in DispositionMapping.objects.filter(action=alert_import.action)}
        form = MappingForm(data, initial=initial, header=alert_import.header, codes=codes[:80], meanings=meanings)
        if data is not None and "import" in data and form.is_valid():
            try:
                if form.meanings():
                    services.set_meanings(alert_import.action, form.meanings(), request.user)
                services.queue_import(
                    alert_import,
                    form.mapping(),
                    request.user,
                    time_zone=form.cleaned_data["time_zone"],
                    dayfirst=form.cleaned_data["dayfirst"],
                    radius_km=form.cleaned_data["radius_km"],
                )
            except importer.ImportProblem as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The import has started; this page follows it."))
                return HttpResponseRedirect(reverse("admin:evidence_alertimport_change", args=[pk]))
        context = self._context(
            request,
            form,
            alert_import=alert_import,
            preview=preview,
            problem=problem,
            shape=services.shape_of(alert_import),
            title=_("Choose the columns of “%(file)s”") % {"file": alert_import.file_name},
        )
        return TemplateResponse(request, "admin/evidence/columns.html", context, status=400 if form.errors else 200)

    # --- 3. Progress and report -------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        alert_import = get_object_or_404(AlertImport.objects.select_related("action"), pk=object_id)
        if request.method == "POST" and "give_up" in request.POST and services.is_stale(alert_import):
            services.give_up(alert_import, request.user)
            return HttpResponseRedirect(request.path)
        context = self._context(
            request,
            None,
            alert_import=alert_import,
            original=alert_import,
            report_lines=report.lines(alert_import.report) if alert_import.report.get("rows") is not None else [],
            stale=services.is_stale(alert_import),
            running=alert_import.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
            can_retry=alert_import.status == ImportStatus.FAILED and bool(alert_import.upload),
            title=str(alert_import),
        )
        return TemplateResponse(request, "admin/evidence/progress.html", context)


@admin.register(AlertDataset)
class AlertDatasetAdmin(AuditedAdmin):
    """The data each fact sheet is computed from: read-only; delete removes a city's fact sheet."""

    list_display = ["action", "kept", "first", "last", "file_name", "imported_at"]
    readonly_fields = [
        "action",
        "file_name",
        "sha256",
        "rows",
        "kept",
        "duplicates",
        "skipped",
        "first",
        "last",
        "time_zone",
        "imported_at",
        "imported_by",
        "figures_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/codes/", wrap(self.codes_view), name="evidence_alertdataset_codes"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dataset = get_object_or_404(AlertDataset, pk=object_id)
        extra = {
            "facts_url": reverse("evidence:facts", args=[dataset.action.slug]),
            "codes_url": reverse("admin:evidence_alertdataset_codes", args=[dataset.pk]),
            "has_codes": dataset.mapping.get("disposition"),
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def codes_view(self, request, pk):
        """Read the city's disposition codes: what police found, in four classes."""
        dataset = get_object_or_404(AlertDataset.objects.select_related("action"), pk=pk)
        rows = Aggregate.objects.filter(dataset=dataset, dimension="disposition").order_by("-count", "key")
        codes = list(rows.exclude(key="").values_list("key", "count")[:200])  # an empty code is always "unknown"
        meanings = {m.code.upper(): m.meaning for m in DispositionMapping.objects.filter(action=dataset.action)}
        form = MeaningsForm(request.POST or None, codes=codes, meanings=meanings)
        if request.method == "POST" and form.is_valid():
            changed = services.set_meanings(dataset.action, form.meanings(), request.user)
            messages.success(request, _("%(n)s codes changed; the fact sheet is being recomputed.") % {"n": changed})
            return HttpResponseRedirect(request.path)
        total = rows.aggregate(total=Sum("count"))["total"] or 0
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("What the disposition codes of %(city)s mean") % {"city": dataset.action},
            "form": form,
            "dataset": dataset,
            "total": total,
        }
        return TemplateResponse(request, "admin/evidence/codes.html", context, status=400 if form.errors else 200)
