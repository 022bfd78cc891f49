from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdmin
from signatures.emails import email_hash

from . import content, services, states
from .forms import ActionForm, UpdateForm
from .models import CampaignLimit, Suppression, Translation, Update
from .states import Status


class TranslationInline(admin.StackedInline):
    model = Translation
    extra = 0
    fields = ["language", "subject", "body"]

    # A translation is part of its update: whoever may write updates may write them, while it is a draft.
    def _may(self, request, obj, action):
        return (obj is None or obj.status in states.CAN_EDIT) and request.user.has_perm(f"updates.{action}_update")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("updates.view_update") or request.user.has_perm("updates.change_update")

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj, "change" if obj else "add")

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj, "change")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj, "change")


@admin.register(Update)
class UpdateAdmin(AuditedAdmin):
    form = UpdateForm
    inlines = [TranslationInline]
    list_display = ["subject", "campaign", "status", "send_at", "author", "approver"]
    list_filter = ["status", "campaign"]
    search_fields = ["subject"]
    list_select_related = ["campaign", "author", "approver"]
    fieldsets = [
        (None, {"fields": ["campaign", "subject", "body"]}),
        (_("Who receives it"), {"fields": ["audience", "us_states", "local_action", "near", "radius_miles"]}),
    ]
    autocomplete_fields = []

    # Which organizer buttons the page shows for each status, and the service each calls.
    ACTIONS = {
        "approve": services.approve,
        "unapprove": services.unapprove,
        "start": services.start,
        "pause": services.pause,
        "resume": services.resume,
        "test": services.send_test,
    }

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status not in states.CAN_EDIT:
            return ["campaign", "subject", "body", "audience", "us_states", "local_action", "near", "radius_miles"]
        return []

    def has_delete_permission(self, request, obj=None):
        # Sent or sending updates are the record of what supporters received.
        return (obj is None or obj.status in states.CAN_EDIT) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/do/<str:action>/", wrap(self.action_view), name="updates_update_action"),
            path("<int:pk>/preview/", wrap(self.preview_view), name="updates_update_preview"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        update = self.get_object(request, object_id)
        extra = {}
        if update is not None:
            extra = self._panel(request, update)
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def _panel(self, request, update):
        try:
            count, count_problem = services.recipient_count(update), ""
        except services.Refused as exc:
            count, count_problem = None, str(exc)
        return {
            "update": update,
            "recipient_count": count,
            "count_problem": count_problem,
            "progress": services.progress(update) if update.status in (Status.SENDING, Status.PAUSED, Status.SENT) else None,
            "per_week": services.per_week(update.campaign_id),
            "action_form": ActionForm(),
            "can_approve": request.user.has_perm("updates.approve_update") and update.author_id != request.user.pk,
        }

    def action_view(self, request, pk, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        update = get_object_or_404(Update, pk=pk)
        if action not in self.ACTIONS:
            raise PermissionDenied
        if not self.has_change_permission(request, update) and not (
            action == "approve" and request.user.has_perm("updates.approve_update")
        ):
            raise PermissionDenied
        form = ActionForm(request.POST)
        back = redirect(reverse("admin:updates_update_change", args=[pk]))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, error, messages.ERROR)
            return back
        try:
            if action == "start":
                services.start(update, request.user, form.cleaned_data["when"])
            elif action == "test":
                address = services.send_test(update, request.user, form.cleaned_data["language"] or request.LANGUAGE_CODE)
                self.message_user(request, _("A test was sent to %(address)s.") % {"address": address}, messages.SUCCESS)
                return back
            else:
                self.ACTIONS[action](update, request.user)
        except services.Refused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return back
        done = {
            "approve": _("Approved. It can now be started or scheduled."),
            "unapprove": _("Back to draft: it needs approving again once changed."),
            "start": _("Sending starts within a few seconds, or at the time given."),
            "pause": _("Paused: no more emails go out until you resume."),
            "resume": _("Resumed."),
        }
        self.message_user(request, done[action], messages.SUCCESS)
        return back

    def preview_view(self, request, pk):
        update = get_object_or_404(Update.objects.select_related("campaign").prefetch_related("translations"), pk=pk)
        if not self.has_view_permission(request, update):
            raise PermissionDenied
        languages = [code for code, _name in settings.LANGUAGES]
        rendered = [content.render(update, code) for code in languages]
        own_link = str(_("[each supporter's own link to stop updates]"))
        bodies = [
            (r, r.text.replace(content.LINK, own_link), content.markdown_to_html(content.content_in(update, r.language)[1]))
            for r in rendered
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview: %(subject)s") % {"subject": update.subject},
            "update": update,
            "opts": self.opts,
            "bodies": bodies,
        }
        return TemplateResponse(request, "admin/updates/update/preview.html", context)


@admin.register(CampaignLimit)
class CampaignLimitAdmin(AuditedAdmin):
    list_display = ["campaign", "per_week"]


@admin.register(Suppression)
class SuppressionAdmin(AuditedAdmin):
    """Addresses that bounced or complained, as keyed hashes: no one can read the addresses back."""

    list_display = ["__str__", "reason", "created_at"]
    list_filter = ["reason"]
    readonly_fields = ["address_hash", "reason", "created_at"]
    search_fields = ["address_hash"]
    search_help_text = _("A full email address finds its entry (through its hash).")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if "@" in term:
            return queryset.filter(address_hash=email_hash(term)), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
