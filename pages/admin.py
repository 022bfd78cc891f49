from django import forms
from django.contrib import admin
from django.db import models
from django.shortcuts import redirect
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
    list_display = ["name", "url", "in_coalition", "position"]
    list_editable = ["in_coalition", "position"]
    list_filter = ["in_coalition"]
    search_fields = ["name", "description"]


class SourceInline(admin.TabularInline):
    model = Source
    extra = 1
    fields = ["position", "title", "outlet", "date", "url"]
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
