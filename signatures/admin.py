from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdmin
from core.translation_admin import BilingualAdmin

from . import counting, export, services, states
from .emails import email_hash
from .forms import text_field
from .models import Campaign, Signature
from .states import State


class NameForm(forms.Form):
    """A misspelt name, corrected by an organizer (the same checks as the sign form's)."""

    name = text_field(_("Corrected name"), 100)


@admin.register(Campaign)
class CampaignAdmin(BilingualAdmin, AuditedAdmin):
    list_display = ["title", "kind", "published", "is_open", "signature_count"]  # and the exports: get_list_display
    list_filter = ["kind", "published", "is_open"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["partners", "email_partners"]
    view_on_site = True
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "target", "summary", "body", "partners", "email_partners"]}),
        (_("Signing"), {"fields": ["published", "is_open", "closes_at", "accepts_organizations", "goal"]}),
        (_("On partners' websites"), {"fields": ["embed_codes"]}),
    ]
    readonly_fields = ["embed_codes"]

    @admin.display(description=_("embed codes"))
    def embed_codes(self, obj):
        """The <iframe> for anyone, and one per participating organization (counted for it), with its count."""
        if not obj.pk:
            return _("Shown once the campaign is saved.")
        from .views import badge_snippet, embed_snippet

        counts = dict(
            obj.signatures.filter(embed_partner__isnull=False, state="verified")
            .values_list("embed_partner").annotate(n=Count("id")).values_list("embed_partner", "n")
        )  # fmt: skip
        rows = [(_("Anyone"), "", embed_snippet(obj))]
        for org in obj.partners.exclude(embed_key=None).order_by("name"):
            counted = ngettext("%(n)s confirmed signature", "%(n)s confirmed signatures", counts.get(org.pk, 0))
            rows.append((org.name, counted % {"n": counts.get(org.pk, 0)}, embed_snippet(obj, org)))
        rows.append((_("Counter image"), "", badge_snippet(obj)))
        return format_html_join(
            "",
            '<p><strong>{}</strong> {}</p><textarea readonly rows="3" cols="80" aria-label="{}">{}</textarea>',
            ((name, counted, name, escape(code)) for name, counted, code in rows),  # the code as text
        )

    @admin.display(description=_("verified signatures"))
    def signature_count(self, obj):
        return counting.public_counts(obj.pk)["total"]

    @staticmethod
    def _exports(request):
        """The exports this organizer may download: (kind, permission, label)."""
        every = [
            ("signers", "signatures.export_signature", _("Signers")),
            ("supporters", "signatures.export_supporters", _("Supporters (emails)")),
        ]
        return [row for row in every if request.user.has_perm(row[1])]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug":
            field.help_text = _(
                "Part of the page's address. If you change it, the old address keeps working: "
                "visitors and search engines are sent on to the new one."
            )
        return field

    def get_urls(self):
        view = self.admin_site.admin_view(self.export_view)
        return [
            path("<int:pk>/export/", view, {"kind": "signers", "fmt": "csv"}, name="signatures_campaign_export"),
            path("<int:pk>/export/<str:kind>.<str:fmt>", view, name="signatures_campaign_export_as"),
            *super().get_urls(),
        ]

    def get_list_display(self, request):
        """The export column links only the exports this organizer may download (none: no column)."""
        exports = self._exports(request)

        @admin.display(description=_("export"))
        def export_link(obj):
            links = (
                format_html(
                    "{}: {}", label, format_html_join(" · ", '<a href="{}">{}</a>', (
                        (reverse("admin:signatures_campaign_export_as", args=[obj.pk, kind, fmt]), name)
                        for fmt, name in (("xlsx", "Excel"), ("csv", "CSV"))
                    )),
                )
                for kind, _perm, label in exports
            )  # fmt: skip
            return format_html_join(mark_safe("<br>"), "{}", ((link,) for link in links))

        shown = list(super().get_list_display(request))
        return [*shown, export_link] if exports else shown

    def export_view(self, request, pk, kind, fmt):
        if kind not in export.KINDS or fmt not in export.FORMATS:
            raise Http404
        if not any(row[0] == kind for row in self._exports(request)):
            raise PermissionDenied
        return export.response(kind, get_object_or_404(Campaign, pk=pk), fmt, actor=request.user)


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
    # What fits at 1280 px beside the filters: confirmation and approval times are on each signature's page.
    # "status" is the state, with the reason for a flagged one.
    list_display = ["signer", "kind", "status", "place", "created_at", "campaign"]
    list_filter = [
        "campaign", "state", "kind", ApprovalFilter, EmailProblemFilter, "us_state", "show_name", "wants_updates",
        "recorded_by", "source", "embed_partner",
    ]  # fmt: skip
    search_fields = ["name", "organization", "city", "zip_code", "email_domain", "ip_hash"]
    search_help_text = _("Name, organization, city, ZIP, email domain or network hash; a full email address finds its signature.")
    date_hierarchy = "created_at"
    list_select_related = ["campaign"]
    list_per_page = 100
    show_full_result_count = False  # a COUNT over a million rows on every page load is not worth it
    actions = ["approve", "invalidate", "flag", "unflag", "erase"]
    readonly_fields = [
        "campaign", "kind", "state", "why_flagged", "name", "email", "email_domain", "zip_code", "city", "us_state", "organization",
        "organization_url", "role", "show_name", "wants_updates", "ip_hash", "created_at", "verified_at", "approved_at",
        "emails_sent", "email_error", "email_attempts", "email_retry_at", "recorded_by", "source", "embed_partner",
    ]  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("name"), ordering="name")
    def signer(self, obj):
        return obj.display_name  # an organization's own name, a person's name

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("state"), ordering="state")
    def status(self, obj):
        """The state, and for a flagged signature why it was flagged."""
        if obj.state != State.FLAGGED:
            return obj.get_state_display()
        return format_html("{}: {}", obj.get_state_display(), self.why_flagged(obj))

    @admin.display(description=_("why flagged"))
    def why_flagged(self, obj):
        if obj.state != State.FLAGGED:
            return "-"
        return gettext(obj.flag_reason or services.FLAGGED_BY_HAND)  # the defence's reasons are kept untranslated

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

    def get_urls(self):
        return [
            path("<int:pk>/act/", self.admin_site.admin_view(self.act_view), name="signatures_signature_act"),
            path("<int:pk>/name/", self.admin_site.admin_view(self.name_view), name="signatures_signature_name"),
            *super().get_urls(),
        ]

    def _offered(self, request, signature) -> list[tuple[str, str]]:
        """The actions this organizer may take on this signature in its present state: (name, label)."""
        applies = {
            "approve": signature.kind == Signature.Kind.ORGANIZATION and signature.approved_at is None
            and signature.state in states.CAN_WITHDRAW,
            "flag": signature.state in states.CAN_FLAG,
            "unflag": signature.state == State.FLAGGED,
            "invalidate": signature.state in states.CAN_INVALIDATE,
            "erase": signature.state in states.CAN_WITHDRAW,
        }  # fmt: skip
        labels = {"approve": _("Approve"), "flag": _("Flag"), "unflag": _("Unflag"), "invalidate": _("Invalidate"),
                  "erase": _("Erase")}  # fmt: skip
        return [(name, labels[name]) for name in self.get_actions(request) if applies.get(name)]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The list's actions on the signature's own page, those that apply to it (erasing and
        # invalidating still ask first), and the form that corrects a misspelt name.
        signature = self.get_object(request, object_id)
        extra = {**(extra_context or {})}
        if signature is not None:
            extra["signature_actions"] = self._offered(request, signature)
            if self.has_moderate_permission(request) and signature.state in states.CAN_WITHDRAW:
                extra["name_form"] = NameForm(initial={"name": signature.display_name})
        return super().change_view(request, object_id, form_url, extra)

    def act_view(self, request, pk):
        """One action on one signature from its own page; back to that page when done."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        signature = self.get_object(request, str(pk))
        if signature is None:
            raise Http404
        name = request.POST.get("action", "")
        if name not in dict(self._offered(request, signature)):
            raise PermissionDenied
        func = self.get_actions(request)[name][0]
        response = func(self, request, self.get_queryset(request).filter(pk=pk))
        if response is not None:
            return response  # the confirmation page, which posts back here
        if Signature.objects.filter(pk=pk).exists():
            return redirect("admin:signatures_signature_change", pk)
        return redirect("admin:signatures_signature_changelist")  # erased before it ever counted: the row is gone

    def name_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        form = NameForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        elif services.correct_name(pk, form.cleaned_data["name"], actor=request.user):
            messages.success(request, _("The name is corrected."))
        else:
            messages.warning(request, _("This signature has no name left to correct (withdrawn or erased)."))
        return redirect("admin:signatures_signature_change", pk)

    def _done(self, request, count, singular, plural):
        self.message_user(request, ngettext(singular, plural, count) % {"count": count})

    # The change form stays read-only (a save would write back a stale row), so the
    # actions are gated on permissions of their own rather than has_change_permission.
    def has_moderate_permission(self, request):
        return request.user.has_perm("signatures.change_signature")

    def has_erase_permission(self, request):
        return request.user.has_perm("signatures.erase_signature")

    @admin.action(description=_("Approve the selected organizations"), permissions=["moderate"])
    def approve(self, request, queryset):
        self._done(request, services.approve_organizations(queryset, actor=request.user),
                   "%(count)d organization approved.", "%(count)d organizations approved.")  # fmt: skip

    def _confirm(self, request, queryset, action, title, consequence, button):
        """The page an irreversible action shows first: how many rows, what will happen."""
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": title,
            "count": queryset.count(), "consequence": consequence, "button": button, "action": action,
            "ids": list(queryset.values_list("pk", flat=True)), "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "back_url": request.path.removesuffix("act/") + "change/" if request.path.endswith("/act/") else None,
        }  # fmt: skip
        return TemplateResponse(request, "admin/signatures/confirm_action.html", context)

    @admin.action(description=_("Invalidate the selected signatures"), permissions=["moderate"])
    def invalidate(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return self._confirm(
                request,
                queryset,
                "invalidate",
                _("Invalidate signatures?"),
                _("They stop counting at once and can never count again; the signers are not told."),
                _("Yes, invalidate them"),
            )
        self._done(request, services.invalidate(queryset, actor=request.user), "%(count)d signature invalidated.",
                   "%(count)d signatures invalidated.")  # fmt: skip

    @admin.action(description=_("Flag the selected signatures (stop counting them)"), permissions=["moderate"])
    def flag(self, request, queryset):
        self._done(request, services.flag(queryset, actor=request.user), "%(count)d signature flagged.",
                   "%(count)d signatures flagged.")  # fmt: skip

    @admin.action(description=_("Unflag the selected signatures"), permissions=["moderate"])
    def unflag(self, request, queryset):
        self._done(request, services.unflag(queryset, actor=request.user), "%(count)d signature unflagged.",
                   "%(count)d signatures unflagged.")  # fmt: skip

    @admin.action(description=_("Erase the selected signers' data (withdraw on their behalf)"), permissions=["erase"])
    def erase(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            return self._confirm(
                request,
                queryset,
                "erase",
                _("Erase signers' data?"),
                _(
                    "Names, addresses, places and every other detail are deleted, as when a signer withdraws; "
                    "the signatures stop counting. The history keeps only that it was done, by whom, and how many."
                ),
                _("Yes, erase their data"),
            )
        erased = services.erase(queryset, actor=request.user)
        self._done(request, erased, "%(count)d signature erased.", "%(count)d signatures erased.")
