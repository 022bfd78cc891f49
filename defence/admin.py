from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditedAdmin
from signatures.models import Campaign

from . import services, trending
from .models import Invalidation, ListEntry, RateLimit


@admin.register(RateLimit)
class RateLimitAdmin(AuditedAdmin):
    list_display = ["__str__", "network_burst", "network_sustained", "domain_burst", "domain_sustained", "trending_threshold"]
    fieldsets = [
        (None, {"fields": ["campaign"]}),
        (_("Windows"), {"fields": ["burst_seconds", "sustained_seconds"]}),
        (_("Per network (keyed hash of the address)"), {"fields": [
            "network_burst", "network_sustained", "network_burst_without_check", "network_sustained_without_check"]}),
        (_("Per email domain"), {"fields": ["domain_burst", "domain_sustained", "domains_exempt"]}),
        (_("Alerts"), {"fields": ["trending_threshold"]}),
    ]  # fmt: skip

    def get_urls(self):
        view = self.admin_site.admin_view(self.trending_view)
        return [path("trending/", view, name="defence_trending"), *super().get_urls()]

    def trending_view(self, request):
        # It lists who is signing (network hashes, domains): for those who may see signatures.
        if not (self.has_view_permission(request) and request.user.has_perm("signatures.view_signature")):
            raise PermissionDenied
        campaigns = [(c, trending.trending(c)) for c in Campaign.objects.all()]
        context = {**self.admin_site.each_context(request), "title": _("Signing right now"), "campaigns": campaigns}
        return TemplateResponse(request, "admin/defence/trending.html", context)


@admin.register(ListEntry)
class ListEntryAdmin(AuditedAdmin):
    list_display = ["action", "kind", "value", "note", "created_by", "created_at"]
    list_filter = ["action", "kind"]
    search_fields = ["value", "note"]
    fields = ["action", "kind", "value", "note"]
    audit_names_objects = False  # a value may be one person's address: the history keeps it no longer than the list

    def save_model(self, request, obj, form, change):
        obj.created_by = obj.created_by or request.user
        super().save_model(request, obj, form, change)


class InvalidationForm(forms.ModelForm):
    """Saved in two steps: the first shows how many signatures match, the second (same count) invalidates them."""

    previewed_count = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Invalidation
        fields = ["campaign", "ip_hash", "email_domain", "signed_from", "signed_until", "reason"]

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        count = services.matching(self.instance).exclude(state="invalidated").count()
        if self.cleaned_data.get("previewed_count") != count:
            self.data = self.data.copy()
            self.data["previewed_count"] = str(count)
            self.add_error(
                None,
                ngettext(
                    "This matches %(count)d signature: it will stop counting and can never count again. "
                    "Check the criteria, then save again to invalidate it.",
                    "This matches %(count)d signatures: they will stop counting and can never count again. "
                    "Check the criteria, then save again to invalidate them.",
                    count,
                )
                % {"count": count},
            )


@admin.register(Invalidation)
class InvalidationAdmin(admin.ModelAdmin):
    form = InvalidationForm
    list_display = ["created_at", "campaign", "reason", "ip_hash", "email_domain", "signed_from", "signed_until", "matched",
                    "created_by"]  # fmt: skip
    list_filter = ["campaign"]
    fields = ["campaign", "ip_hash", "email_domain", "signed_from", "signed_until", "reason", "previewed_count"]
    readonly_fields = ["matched", "created_by", "created_at"]

    def has_add_permission(self, request):
        # Striking signatures out in bulk is a change to signatures, too.
        return super().has_add_permission(request) and request.user.has_perm("signatures.change_signature")

    def has_change_permission(self, request, obj=None):
        return False  # a record of what was done: made once, never edited

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        count = services.invalidate_in_bulk(obj, request.user)
        messages.info(request, _("%(count)d signatures invalidated.") % {"count": count})
