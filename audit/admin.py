from django.contrib import admin

from . import services
from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: history is written by the services, never by hand."""

    list_display = ["at", "actor_name", "action", "object_repr", "rows"]
    list_filter = ["action", "at"]
    search_fields = ["actor_name", "action", "object_repr", "object_id"]
    date_hierarchy = "at"
    readonly_fields = ["at", "actor_name", "action", "content_type", "object_id", "object_repr", "rows", "data"]
    exclude = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose edits, additions and deletions leave a history entry.

    The action is "<app>.<model>.<added|changed|deleted>", with the changed
    field names (not their values, which may be personal data).
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        meta = obj._meta
        services.record(
            request.user,
            f"{meta.app_label}.{meta.model_name}.{'changed' if change else 'added'}",
            obj,
            data={"fields": list(form.changed_data)} if change else {},
        )

    def delete_model(self, request, obj):
        meta = obj._meta
        services.record(request.user, f"{meta.app_label}.{meta.model_name}.deleted", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        meta = queryset.model._meta
        services.record(request.user, f"{meta.app_label}.{meta.model_name}.deleted", queryset, rows=queryset.count())
        super().delete_queryset(request, queryset)


