from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit.admin import AuditedAdmin
from core.privacy import request_ip_hash
from signatures.models import Campaign

from . import services, trending
from .models import Invalidation, ListEntry, NetworkAllowance, RateLimit


def in_words(seconds: int) -> str:
    """A window as organizers say it: "1 minute", "1 hour", "90 seconds"."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    if seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}


def limits_in_force() -> list[dict]:
    """Each set of limits that applies now, saved or not: the default for all campaigns, then campaigns' own."""
    default = RateLimit.objects.filter(campaign__isnull=True).first()
    everyone = _("Every campaign without limits of its own")
    rows = [{"title": everyone, "limits": default or RateLimit(), "saved": default is not None}]
    for own in RateLimit.objects.filter(campaign__isnull=False).select_related("campaign"):
        rows.append({"title": own.campaign, "limits": own, "saved": True})
    for row in rows:
        limits = row["limits"]
        row["burst"] = in_words(limits.burst_seconds)
        row["sustained"] = in_words(limits.sustained_seconds)
        row["exempt"] = sorted(limits.exempt_domains())
        row["change_url"] = reverse("admin:defence_ratelimit_change", args=[limits.pk]) if limits.pk else ""
    return rows


class AllowNetworkForm(forms.Form):
    note = forms.CharField(label=_("Event"), max_length=200, required=False, help_text=_("For example: rally at City Hall."))
    hours = forms.TypedChoiceField(
        label=_("For"),
        coerce=int,
        choices=[(h, ngettext("%(n)d hour", "%(n)d hours", h) % {"n": h}) for h in services.ALLOWANCE_HOURS],
        initial=4,
    )
    # Empty: the network the organizer's own request comes from (they press the button on the venue's Wi-Fi).
    ip_hash = forms.RegexField(regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput)


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

    change_list_template = "admin/defence/ratelimit/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view(self.trending_view)
        allow = self.admin_site.admin_view(require_POST(self.allow_network_view))
        return [
            path("trending/", view, name="defence_trending"),
            path("allow-network/", allow, name="defence_allow_network"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        now = timezone.now()
        context = {
            **(extra_context or {}),
            "limits_in_force": limits_in_force(),
            "allow_form": AllowNetworkForm(),
            "can_allow": request.user.has_perm("defence.add_networkallowance"),
            "allowances": NetworkAllowance.objects.filter(ends_at__gt=now - timedelta(days=1)).select_related("created_by"),
            "now": now,
            "my_network": request_ip_hash(request),
        }
        return super().changelist_view(request, context)

    def allow_network_view(self, request):
        if not request.user.has_perm("defence.add_networkallowance"):
            raise PermissionDenied
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            back = reverse("admin:defence_ratelimit_changelist")
        form = AllowNetworkForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose for how many hours to allow the network."))
            return redirect(back)
        ip_hash = form.cleaned_data["ip_hash"] or request_ip_hash(request)
        allowance = services.allow_network(ip_hash, form.cleaned_data["hours"], form.cleaned_data["note"], actor=request.user)
        messages.success(
            request,
            _("Signatures from this network skip the per-network limits until %(until)s.")
            % {"until": timezone.localtime(allowance.ends_at).strftime("%H:%M")},
        )
        return redirect(back)

    def trending_view(self, request):
        # It lists who is signing (network hashes, domains): for those who may see signatures.
        if not (self.has_view_permission(request) and request.user.has_perm("signatures.view_signature")):
            raise PermissionDenied
        campaigns = [(c, trending.trending(c)) for c in Campaign.objects.all()]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Signing right now"),
            "campaigns": campaigns,
            "can_allow": request.user.has_perm("defence.add_networkallowance"),
            "allowed": set(NetworkAllowance.objects.filter(ends_at__gt=timezone.now()).values_list("ip_hash", flat=True)),
        }
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


@admin.register(NetworkAllowance)
class NetworkAllowanceAdmin(admin.ModelAdmin):
    """Made with one click (Rate limits, or Signing right now), ended early here; never edited."""

    list_display = ["note", "ip_hash", "starts_at", "ends_at", "in_force", "created_by"]
    fields = ["note", "ip_hash", "starts_at", "ends_at", "created_by"]
    readonly_fields = fields
    actions = ["end_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_end_permission(self, request):
        return request.user.has_perm("defence.add_networkallowance")

    @admin.display(description=_("in force now"), boolean=True)
    def in_force(self, obj):
        return obj.starts_at <= timezone.now() < obj.ends_at

    @admin.action(description=_("End the selected allowances now"), permissions=["end"])
    def end_now(self, request, queryset):
        count = sum(services.end_allowance(allowance, actor=request.user) for allowance in queryset)
        self.message_user(request, ngettext("%(count)d allowance ended.", "%(count)d allowances ended.", count) % {"count": count})
