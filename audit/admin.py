from django.contrib import admin
from django.db import transaction
from django.utils.html import conditional_escape

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
    field names (not their values, which may be personal data), those of the
    inlines included. Set `audit_names_objects = False` where an object's name
    is personal data: the entry then names it by its kind and number.
    """

    audit_names_objects = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and field.help_text:
            # The admin shows help text as HTML: "/local/<address>/" lost its "<address>" as an unknown tag
            # and read "/local/ /". Plain text stays plain (help text marked safe keeps its markup).
            field.help_text = conditional_escape(field.help_text)
        return field

    def audit_label(self, obj) -> str | None:
        if self.audit_names_objects:
            return None
        return f"{obj._meta.verbose_name} #{obj.pk}"

    def _record(self, request, obj, what: str, **kwargs):
        meta = obj._meta
        services.record(request.user, f"{meta.app_label}.{meta.model_name}.{what}", obj, label=self.audit_label(obj), **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._record(request, obj, "changed" if change else "added", data={"fields": list(form.changed_data)} if change else {})

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        done = {
            "added": len(formset.new_objects),
            "changed": len(formset.changed_objects),
            "deleted": len(formset.deleted_objects),
        }
        if any(done.values()):
            self._record(request, form.instance, "changed", data={"inline": formset.model._meta.model_name, **done})

    def delete_model(self, request, obj):
        self._record(request, obj, "deleted")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        meta = queryset.model._meta  # named by its kind ("contact messages"), never by its rows
        with transaction.atomic():  # the admin's bulk delete action runs outside a transaction
            services.record(request.user, f"{meta.app_label}.{meta.model_name}.deleted", queryset, rows=queryset.count())
            super().delete_queryset(request, queryset)
