from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from audit.admin import AuditedAdmin

from . import services
from .models import ContactMessage
from .tasks import reply_to_addresses


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        error_messages={"required": _("Write your reply before pressing Send.")},
        help_text=_("Sent exactly as you write it: start with your own greeting. Their message is quoted below it."),
    )
    replies_seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


@admin.register(ContactMessage)
class ContactMessageAdmin(AuditedAdmin):
    list_display = ["created_at", "name", "email", "subject", "status", "reply_count"]
    list_filter = ["status", "created_at"]
    search_fields = ["name", "email", "subject", "message"]
    date_hierarchy = "created_at"
    readonly_fields = ["name", "email", "subject", "message", "created_at"]
    fields = ["created_at", "name", "email", "subject", "message", "status"]
    actions = ["close"]
    audit_names_objects = False  # a message is named after its sender
    change_form_template = "admin/contact/contactmessage/change_form.html"

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(replies_total=Count("replies"))

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:  # the only field edited here: through the service, with its record
            services.set_status(obj, obj.status, actor=request.user)

    @admin.display(description=_("replies"), ordering="replies_total")
    def reply_count(self, obj):
        return obj.replies_total

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.reply_view))
        return [path("<int:pk>/reply/", view, name="contact_contactmessage_reply"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        message = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if message is not None:
            replies = list(message.replies.select_related("sent_by"))
            context.update(
                replies=replies,
                reply_form=ReplyForm(initial={"replies_seen": len(replies)}),
                can_reply=self.has_change_permission(request, message),
                reply_to=reply_to_addresses(request.user),
                reply_url=reverse("admin:contact_contactmessage_reply", args=[message.pk]),
            )
        return super().change_view(request, object_id, form_url, context)

    def reply_view(self, request, pk):
        message = get_object_or_404(ContactMessage, pk=pk)
        if not self.has_change_permission(request, message):
            raise PermissionDenied
        change_url = reverse("admin:contact_contactmessage_change", args=[message.pk])
        form = ReplyForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(change_url)
        sent = services.reply(message, form.cleaned_data["body"], request.user, replies_seen=form.cleaned_data["replies_seen"])
        if sent is None:
            messages.warning(request, _("This reply was already sent (or another organizer replied meanwhile): see the thread."))
        else:
            messages.success(request, _("Your reply to %(email)s is on its way.") % {"email": message.email})
        return redirect(change_url)

    @admin.action(description=_("Close without reply"), permissions=["change"])
    def close(self, request, queryset):
        count = services.close(queryset, actor=request.user)
        self.message_user(request, _("%(count)d messages closed.") % {"count": count})
