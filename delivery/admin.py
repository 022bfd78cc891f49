from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditedAdmin

from . import services
from .forms import DeliveryForm
from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(AuditedAdmin):
    """Organizers request a packet here; the worker builds it; the record is read-only but for its listing."""

    form = DeliveryForm
    list_display = ["__str__", "status", "count", "created_by_name", "created_at", "files"]
    list_filter = ["status", "campaign", "listed"]
    list_select_related = ["campaign"]
    search_fields = ["recipient", "campaign__title", "city"]
    actions = ["build_again"]
    record_fields = [
        "campaign", "recipient", "delivered_on", "filters_in_words", "status", "error", "count", "pages", "files",
        "pdf_sha256", "csv_sha256", "manifest_sha256", "created_by_name", "created_at", "built_at", "files_deleted_at",
    ]  # fmt: skip

    def get_fields(self, request, obj=None):
        if obj is None:
            return DeliveryForm.Meta.fields
        return ["listed", *self.record_fields]

    def get_readonly_fields(self, request, obj=None):
        return self.record_fields if obj is not None else []

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.status == Delivery.Status.READY and obj.listed else None

    @admin.display(description=_("filters"))
    def filters_in_words(self, obj):
        return "; ".join(obj.filters.describe()) or _("None: every signature that counts")

    @admin.display(description=_("files"))
    def files(self, obj):
        if obj.status != Delivery.Status.READY:
            return obj.get_status_display()
        links = []
        if obj.pdf:
            links.append((reverse("admin:delivery_delivery_file", args=[obj.pk, "pdf"]), _("PDF")))
        if obj.csv:
            links.append((reverse("admin:delivery_delivery_file", args=[obj.pk, "csv"]), _("CSV")))
        links.append((reverse("delivery:manifest", args=[obj.pk]), _("manifest")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_urls(self):
        return [
            path("<int:pk>/file/<str:which>/", self.admin_site.admin_view(self.file_view), name="delivery_delivery_file"),
            *super().get_urls(),
        ]

    def file_view(self, request, pk, which):
        delivery = get_object_or_404(Delivery, pk=pk, status=Delivery.Status.READY)
        # The names of signers: for those who may see signatures.
        if not self.has_view_permission(request, delivery) or not request.user.has_perm("signatures.view_signature"):
            raise PermissionDenied
        field = {"pdf": delivery.pdf, "csv": delivery.csv}.get(which)
        if not field:
            raise Http404(_("This file was deleted from the server after its retention period."))
        services.record_download(request.user, delivery, which)
        return FileResponse(field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1])

    def save_model(self, request, obj, form, change):
        if change:
            if "listed" in form.changed_data:
                services.set_listed(request.user, obj, obj.listed)
            return
        created = services.request_delivery(
            request.user,
            campaign=form.cleaned_data["campaign"],
            recipient=form.cleaned_data["recipient"],
            delivered_on=form.cleaned_data["delivered_on"],
            filters=form.filters,
            local_action=form.cleaned_data.get("local_action"),
            listed=form.cleaned_data["listed"],
        )
        obj.pk = created.pk
        obj._state.adding = False
        self.message_user(
            request,
            format_html(
                "{} {}",
                ngettext("%(count)d signature selected.", "%(count)d signatures selected.", form.selected)
                % {"count": form.selected},
                _("The worker is building the packet: reload this list in a moment."),
            ),
            messages.SUCCESS,
        )

    def save_related(self, request, form, formsets, change):
        pass  # no many-to-many fields; the service saved everything

    def delete_model(self, request, obj):
        services.delete(request.user, obj)

    def delete_queryset(self, request, queryset):
        for delivery in queryset:
            services.delete(request.user, delivery)

    @admin.action(description=_("Build the selected packets again (failed or interrupted)"), permissions=["change"])
    def build_again(self, request, queryset):
        done = services.rebuild(request.user, queryset)
        self.message_user(request, ngettext("%(count)d packet queued.", "%(count)d packets queued.", done) % {"count": done})
