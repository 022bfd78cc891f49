from django.contrib import admin
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import counting, export, services
from .emails import email_hash
from .models import Campaign, Signature


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "published", "is_open", "signature_count", "export_link"]
    list_filter = ["kind", "published", "is_open"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["partners"]
    view_on_site = True
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "target", "summary", "body", "partners"]}),
        (_("Signing"), {"fields": ["published", "is_open", "closes_at", "accepts_organizations"]}),
    ]

    @admin.display(description=_("verified signatures"))
    def signature_count(self, obj):
        return counting.public_counts(obj.pk)["total"]

    @admin.display(description=_("export"))
    def export_link(self, obj):
        url = reverse("admin:signatures_campaign_export", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("CSV of verified signatures"))

    def get_urls(self):
        return [
            path("<int:pk>/export/", self.admin_site.admin_view(self.export_view), name="signatures_campaign_export"),
            *super().get_urls(),
        ]

    def export_view(self, request, pk):
        campaign = get_object_or_404(Campaign, pk=pk)
        if not self.has_view_permission(request, campaign) or not request.user.has_perm("signatures.view_signature"):
            raise PermissionError
        return export.csv_response(campaign)


class ApprovalFilter(admin.SimpleListFilter):
    title = _("organization approval")
    parameter_name = "approval"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting for approval")), ("approved", _("Approved"))]

    def queryset(self, request, queryset):
        orgs = queryset.filter(kind=Signature.Kind.ORGANIZATION)
        if self.value() == "waiting":
            return orgs.filter(approved_at__isnull=True)
        if self.value() == "approved":
            return orgs.filter(approved_at__isnull=False)
        return queryset


class EmailProblemFilter(admin.SimpleListFilter):
    """Emails the outbox could not deliver: given up on (5xx, or a day of retries) or waiting to retry."""

    title = _("email problems")
    parameter_name = "email"

    def lookups(self, request, model_admin):
        return [("failed", _("Could not be sent")), ("retrying", _("Will be retried"))]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.exclude(email_error="").filter(email_due="")
        if self.value() == "retrying":
            return queryset.exclude(email_error="").exclude(email_due="")
        return queryset


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["display_name", "campaign", "kind", "state", "place", "created_at", "verified_at", "approved_at"]
    list_filter = ["campaign", "state", "kind", ApprovalFilter, EmailProblemFilter, "us_state", "show_name", "wants_updates"]
    search_fields = ["name", "organization", "city", "zip_code", "email_domain", "ip_hash"]
    search_help_text = _(
        "Name, organization, city, ZIP, email domain or network hash; a full email address finds its signature."
    )
    date_hierarchy = "created_at"
    list_select_related = ["campaign"]
    list_per_page = 100
    show_full_result_count = False  # a COUNT over a million rows on every page load is not worth it
    actions = ["approve", "invalidate", "flag", "unflag", "erase"]
    readonly_fields = [
        "campaign", "kind", "state", "name", "email", "email_domain", "zip_code", "city", "us_state", "organization",
        "organization_url", "role", "show_name", "wants_updates", "ip_hash", "created_at", "verified_at", "approved_at",
        "emails_sent", "email_error", "email_attempts", "email_retry_at",
    ]  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # "erase" below keeps the counts right; a raw delete would not

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if "@" in term and " " not in term and not term.startswith("@"):
            # Addresses are kept as keyed hashes: find a signer by hashing what was typed.
            return queryset.filter(Q(email_hash=email_hash(term)) | Q(email__iexact=term)), False
        return super().get_search_results(request, queryset, search_term)

    def _done(self, request, count, singular, plural):
        self.message_user(request, ngettext(singular, plural, count) % {"count": count})

    @admin.action(description=_("Approve the selected organizations"), permissions=["view"])
    def approve(self, request, queryset):
        self._done(request, services.approve_organizations(queryset), "%(count)d organization approved.",
                   "%(count)d organizations approved.")  # fmt: skip

    @admin.action(description=_("Invalidate the selected signatures"), permissions=["view"])
    def invalidate(self, request, queryset):
        self._done(request, services.invalidate(queryset), "%(count)d signature invalidated.",
                   "%(count)d signatures invalidated.")  # fmt: skip

    @admin.action(description=_("Flag the selected signatures (stop counting them)"), permissions=["view"])
    def flag(self, request, queryset):
        self._done(request, services.flag(queryset), "%(count)d signature flagged.", "%(count)d signatures flagged.")

    @admin.action(description=_("Unflag the selected signatures"), permissions=["view"])
    def unflag(self, request, queryset):
        self._done(
            request, services.unflag(queryset), "%(count)d signature unflagged.", "%(count)d signatures unflagged."
        )

    @admin.action(description=_("Erase the selected signers' data (withdraw on their behalf)"), permissions=["view"])
    def erase(self, request, queryset):
        erased = sum(services.withdraw(pk) is services.Outcome.DONE for pk in queryset.values_list("pk", flat=True))
        self._done(request, erased, "%(count)d signature erased.", "%(count)d signatures erased.")
