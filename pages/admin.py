from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdmin
from core.translation_admin import BilingualAdmin

from .models import Organization, Page, SiteSettings, SocialLink, Source


@admin.register(SiteSettings)
class SiteSettingsAdmin(BilingualAdmin, AuditedAdmin):
    fieldsets = [
        (None, {"fields": ["site_name", "headline", "case", "intro", "coalition_summary"]}),
        (_("Notifications"), {"fields": ["notification_emails"]}),
    ]

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def changelist_view(self, request, extra_context=None):
        # One row of settings: open its form straight away rather than a list of one.
        if self.has_view_or_change_permission(request):
            SiteSettings.load()
            return redirect("admin:pages_sitesettings_change", 1)
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SocialLink)
class SocialLinkAdmin(AuditedAdmin):
    list_display = ["name", "handle", "url", "position"]
    list_editable = ["position"]


@admin.register(Organization)
class OrganizationAdmin(BilingualAdmin, AuditedAdmin):
    list_display = ["name", "url", "in_coalition", "position", "embed_signatures"]
    list_editable = ["in_coalition", "position"]
    list_filter = ["in_coalition"]
    search_fields = ["name", "description", "embed_key"]
    readonly_fields = ["embed_signatures_by_campaign"]

    def get_queryset(self, request):
        # Counted by the embed's key in the form's address (signatures app), not by following visitors.
        confirmed = Count("embedded_signatures", filter=Q(embedded_signatures__state="verified"))
        return super().get_queryset(request).annotate(embed_count=confirmed)

    @admin.display(description=_("confirmed signatures through its embed"), ordering="embed_count")
    def embed_signatures(self, obj):
        return obj.embed_count

    @admin.display(description=_("signatures through its embedded form"))
    def embed_signatures_by_campaign(self, obj):
        rows = (
            obj.embedded_signatures.values("campaign__title")
            .annotate(total=Count("id"), confirmed=Count("id", filter=Q(state="verified")))
            .order_by("campaign__title")
        )
        if not obj.pk or not rows:
            return _("None yet. Its embed code is on each campaign's page in the admin.")
        return format_html_join(
            "", "<p>{}: {} {}, {} {}</p>",
            ((r["campaign__title"], r["confirmed"], _("confirmed"), r["total"], _("in all")) for r in rows),
        )  # fmt: skip


class SourceInline(admin.TabularInline):
    model = Source
    extra = 1
    fields = ["position", "title", "language", "outlet", "date", "url"]
    classes = ["sources-inline"]  # narrower inputs (organizer/admin.css): the row fits at 1280 px
    formfield_overrides = {models.URLField: {"widget": forms.URLInput}}  # one line, without "Currently:"


@admin.register(Page)
class PageAdmin(BilingualAdmin, AuditedAdmin):
    list_display = ["title", "kind", "slug", "published", "position", "updated_at"]
    list_filter = ["kind", "published"]
    list_editable = ["published", "position"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SourceInline]
    view_on_site = True
