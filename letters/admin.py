from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditedAdmin
from core.translation_admin import BilingualAdmin

from . import digest, services
from .forms import OfficialsImportForm
from .models import Digest, Letter, LetterAction, Official

MAX_CSV_BYTES = 1_000_000


class OfficialInline(admin.TabularInline):
    model = Official
    extra = 1
    fields = ["position", "name", "role", "title", "district", "email", "zip_codes", "is_example"]


@admin.register(LetterAction)
class LetterActionAdmin(BilingualAdmin, AuditedAdmin):
    list_display = ["local_action", "decision", "decision_date", "open_now", "confirmed_letters", "published"]
    list_filter = ["published"]
    search_fields = ["local_action__city", "decision", "subject"]
    autocomplete_fields = ["local_action"]
    inlines = [OfficialInline]
    readonly_fields = ["tools"]
    fieldsets = [
        (None, {"fields": ["local_action", "published", "tools"]}),
        (_("The letter"), {"fields": ["subject", "suggested_text", "recipients"]}),
        (_("The decision"), {"fields": ["decision", "decision_date", "opens_at", "closes_at", "result"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_letters=Count("letters", filter=Q(letters__state=Letter.State.CONFIRMED))
        )

    @admin.display(description=_("letters confirmed"), ordering="n_letters")
    def confirmed_letters(self, obj):
        return obj.n_letters

    @admin.display(description=_("taking letters"), boolean=True)
    def open_now(self, obj):
        return obj.is_open()

    @admin.display(description=_("tools"))
    def tools(self, obj):
        if not obj.pk:
            return _("Save first, then import the officials from a CSV file.")
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:letters_letteraction_import", args=[obj.pk]),
            _("Import officials from CSV"),
            reverse("admin:letters_letteraction_download", args=[obj.pk]),
            _("Download every confirmed letter (for a hearing)"),
        )

    def get_urls(self):
        own = [
            path("<int:pk>/import/", self.admin_site.admin_view(self.import_view), name="letters_letteraction_import"),
            path("<int:pk>/download/", self.admin_site.admin_view(self.download_view), name="letters_letteraction_download"),
        ]
        return own + super().get_urls()

    def import_view(self, request, pk):
        action = get_object_or_404(LetterAction, pk=pk)
        if not self.has_change_permission(request, action):
            raise PermissionDenied
        form = OfficialsImportForm(request.POST or None, request.FILES or None)
        problems = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_CSV_BYTES:
                problems = [_("The file is over 1 MB: a city's list of officials is much smaller. Is it the right file?")]
            else:
                try:
                    n = services.import_officials(request.user, action, upload.read(), replace=form.cleaned_data["replace"])
                except services.BadOfficialsFile as error:
                    problems = error.problems
                else:
                    messages.success(request, ngettext("%d official imported.", "%d officials imported.", n) % n)
                    return redirect("admin:letters_letteraction_change", action.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import officials: %s") % action,
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
            "original": action,
        }
        return TemplateResponse(request, "admin/letters/import_officials.html", context)

    def download_view(self, request, pk):
        action = get_object_or_404(LetterAction, pk=pk)
        if not request.user.has_perm("letters.export_letters"):
            raise PermissionDenied
        text = digest.hearing_text(action)
        services.record_download(request.user, action)
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="letters-{action.local_action.slug}.txt"'
        return response


@admin.register(Letter)
class LetterAdmin(AuditedAdmin):
    list_display = ["name", "action", "state", "resident", "unchanged", "city", "created_at", "confirmed_at"]
    list_filter = ["state", "resident", "unchanged", "action"]
    search_fields = ["name", "city", "zip_code"]
    readonly_fields = [
        "action", "state", "name", "zip_code", "city", "us_state", "resident",
        "body", "unchanged", "reply_ok", "flag_reason", "created_at", "confirmed_at",
    ]  # fmt: skip
    exclude = ["email", "email_hash", "ip_hash", "email_due", "emails_sent", "next_email_at"]
    actions = ["hold", "release"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # writers withdraw; organizers hold

    @admin.action(description=_("Hold: do not deliver"), permissions=["change"])
    def hold(self, request, queryset):
        n = services.flag(request.user, queryset)
        self.message_user(request, ngettext("%d letter held.", "%d letters held.", n) % n, messages.SUCCESS)

    @admin.action(description=_("Release held letters"), permissions=["change"])
    def release(self, request, queryset):
        n = services.unflag(request.user, queryset)
        self.message_user(request, ngettext("%d letter released.", "%d letters released.", n) % n, messages.SUCCESS)


@admin.register(Digest)
class DigestAdmin(AuditedAdmin):
    list_display = ["official", "created_at", "letters", "sent_at", "attempts", "failed"]
    list_filter = ["official__action"]
    readonly_fields = ["official", "created_at", "letters", "sent_at", "attempts", "next_try_at", "failed"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


