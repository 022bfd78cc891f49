from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdmin

from . import services
from .models import ContactMessage


@admin.register(ContactMessage)
class ContactMessageAdmin(AuditedAdmin):
    list_display = ["created_at", "name", "email", "subject", "status"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "email", "subject", "message"]
    date_hierarchy = "created_at"
    readonly_fields = ["name", "email", "subject", "message", "created_at", "replied_at", "replied_by"]
    fields = ["created_at", "name", "email", "subject", "message", "status", "reply", "replied_at", "replied_by"]
    actions = ["close"]
    audit_names_objects = False  # a message is named after its sender

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj and obj.replied_at:
            fields.append("reply")
        return fields

    def save_model(self, request, obj, form, change):
        reply = form.cleaned_data.get("reply", "")
        wants_reply = "reply" in form.changed_data and reply.strip() and not obj.replied_at
        if wants_reply and services.answer(obj, reply, request.user):
            obj.refresh_from_db()
            messages.success(request, _("Your reply to %(email)s is on its way.") % {"email": obj.email})
            return
        if "status" in form.changed_data:  # the only other field an organizer edits: through the service, recorded
            services.set_status(obj, obj.status, actor=request.user)

    @admin.action(description=_("Close without reply"), permissions=["change"])
    def close(self, request, queryset):
        count = services.close(queryset, actor=request.user)
        self.message_user(request, _("%(count)d messages closed.") % {"count": count})
