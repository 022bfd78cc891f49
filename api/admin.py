from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditedAdmin

from . import services
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Partners' API tokens: made here (the key is shown once), scoped, revoked; never deleted, so the history stays."""

    list_display = [
        "organization",
        "name",
        "key_prefix",
        "can_record",
        "can_see_emails",
        "own_double_opt_in",
        "last_used_at",
        "active",
    ]
    list_filter = ["organization", "can_record", "can_see_emails", "own_double_opt_in", "revoked_at"]
    search_fields = ["organization__name", "name", "key_prefix"]
    filter_horizontal = ["campaigns"]
    readonly_fields = ["key_prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    fields = [
        "organization", "name", "campaigns", "can_record", "can_see_emails", "own_double_opt_in", "requests_per_second",
        *readonly_fields,
    ]  # fmt: skip
    actions = ["revoke"]

    @admin.display(boolean=True, description=_("active"))
    def active(self, obj):
        return obj.is_active

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            request.new_api_key = services.issue_key(obj)
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The one time the key can be seen: a page showing it, instead of the usual redirect."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "token": obj,
            "key": request.new_api_key,
            "title": _("The new API token"),
        }
        return TemplateResponse(request, "admin/api/apitoken/created.html", context)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = services.revoke(queryset, request.user)
        self.message_user(request, ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count})
