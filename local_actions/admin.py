from django import forms
from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditedAdmin
from core.translation_admin import BilingualAdmin, BilingualTabularInline

from . import services, usmap
from .models import LocalAction, LocalActionSource, Statistic, Submission


class SourceInline(BilingualTabularInline):
    model = LocalActionSource
    extra = 1
    fields = ["position", "outlet", "title", "language", "date", "note", "url"]
    classes = ["sources-inline"]  # narrower inputs (organizer/admin.css): the row fits at 1280 px
    formfield_overrides = {models.URLField: {"widget": forms.URLInput}}  # one line, without "Currently:"


class HasCoordinatesFilter(admin.SimpleListFilter):
    title = _("on the map")
    parameter_name = "on_map"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No: coordinates missing"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(latitude__isnull=False)
        if self.value() == "no":
            return queryset.filter(latitude__isnull=True)
        return queryset


@admin.register(LocalAction)
class LocalActionAdmin(BilingualAdmin, AuditedAdmin):
    list_display = ["city", "state", "status", "years", "amount_usd", "latitude", "longitude", "published"]
    list_display_links = ["city"]
    list_editable = ["published"]
    list_filter = ["published", "status", HasCoordinatesFilter, "state"]
    search_fields = ["city", "state", "summary", "facts", "money", "group_name"]
    prepopulated_fields = {"slug": ["city", "state"]}
    readonly_fields = ["map_check", "sent_in_by", "created_at", "updated_at"]
    filter_horizontal = ["press_items"]
    inlines = [SourceInline]
    actions = ["publish", "unpublish"]

    def save_model(self, request, obj, form, change):
        """Publishing or unpublishing, from this form or the list's checkbox, goes through services.publish (its record);
        publishing tells the group whose submission became this page."""
        toggled = "published" in form.changed_data if change else obj.published
        if not toggled:
            return super().save_model(request, obj, form, change)
        published = obj.published
        obj.published = not published
        if not change or len(form.changed_data) > 1:  # other fields changed too: saved and recorded as any edit
            super().save_model(request, obj, form, change)
        services.publish(LocalAction.objects.filter(pk=obj.pk), published, actor=request.user)
        obj.published = published
        told = obj.submissions.filter(review=Submission.Review.APPROVED, notified_at__isnull=True).count() if published else 0
        if told:
            message = ngettext(
                "Published: the group that sent it in will be emailed.",
                "Published: the %(count)d groups that sent it in will be emailed.",
                told,
            )
            self.message_user(request, message % {"count": told}, messages.SUCCESS)

    @admin.display(description=_("sent in by"))
    def sent_in_by(self, obj):
        rows = list(obj.submissions.filter(review=Submission.Review.APPROVED)) if obj and obj.pk else []
        if not rows:
            return _("Added by an organizer.")
        items = []
        for submission in rows:
            if submission.notified_at:
                told = _("emailed that it is published on %(date)s") % {"date": date_format(localtime(submission.notified_at))}
            elif submission.notice_error:
                told = _("not emailed yet: %(error)s") % {"error": submission.notice_error}
            elif obj.published:
                told = _("being emailed that it is published")
            else:
                told = _("will be emailed when you publish")
            items.append(
                format_html(
                    "<li><a href='{}'>{}</a>: {} &lt;{}&gt;, {}</li>",
                    reverse("admin:local_actions_submission_change", args=[submission.pk]),
                    services.label(submission),
                    submission.contact_name,
                    submission.contact_email,
                    told,
                )
            )
        return format_html("<ul class='sent-in-by'>{}</ul>", format_html_join("", "{}", ((item,) for item in items)))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug":  # the model's "<address>" was read as markup and showed "/local/ /"
            field.help_text = _(
                "The page lives at /local/ followed by this address. If you change it, the old address keeps "
                "working: visitors and search engines are sent on to the new one."
            )
        return field

    fieldsets = [
        (
            None,
            {
                "fields": ["city", "state", "slug", "status", "years", "summary", "published", "sent_in_by"],
                "description": _(
                    "A submitted local fight arrives here as a draft: check the summary, the status and the sources "
                    "(each labelled by the outlet that published it, not by the group), then tick Published and save. "
                    "The group that sent it in is emailed then."
                ),
            },
        ),
        (_("The money"), {"fields": ["money", "amount_usd", "usd_per_square_mile_year"]}),
        (_("What happened"), {"fields": ["facts", "press_items"]}),
        (
            _("On the map"),
            {
                "fields": ["latitude", "longitude", "map_check"],
                "description": _("Leave both empty when adding a city: they are filled in from the city and state."),
            },
        ),
        (_("The local group"), {"fields": ["group_name", "group_url", "group_email"]}),
        (_("Next public meeting or vote"), {"fields": ["next_meeting_date", "next_meeting", "next_meeting_url"]}),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("where the marker lands"))
    def map_check(self, obj):
        position = obj.map_position if obj and obj.pk else None
        if position is None:
            return _("Not on the map: no coordinates.")
        state = usmap.state_at(*position)
        if state is None:
            where = _("Just off the coast or on a lake (our state shapes are simplified).")
        else:
            where = _("In %(state)s.") % {"state": state}
        return format_html(
            "{} <a href='{}'>{}</a>",
            where,
            obj.get_absolute_url(),
            _("View on the site"),
        )

    @admin.action(description=_("Publish the selected local actions"), permissions=["change"])
    def publish(self, request, queryset):
        count = services.publish(queryset, True, actor=request.user)
        self.message_user(request, ngettext("%d local action published.", "%d local actions published.", count) % count)

    @admin.action(description=_("Unpublish the selected local actions"), permissions=["change"])
    def unpublish(self, request, queryset):
        count = services.publish(queryset, False, actor=request.user)
        self.message_user(request, ngettext("%d local action unpublished.", "%d local actions unpublished.", count) % count)


@admin.register(Submission)
class SubmissionAdmin(AuditedAdmin):
    # Five short columns: with the navigation and the filters beside it, the list fits at 1280 px, review column included.
    list_display = ["place", "status", "review", "draft", "received"]
    list_display_links = ["place"]
    list_filter = ["review", "status", "created_at"]
    search_fields = ["city", "description", "group_name", "contact_name", "contact_email"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "description",
        "source_url",
        "group_name",
        "group_url",
        "contact_name",
        "contact_email",
        "review",
        "created_at",
        "reviewed_at",
        "reviewed_by",
        "draft",
        "notified_at",
        "notice_error",
    ]
    # City, state and status stay editable so an organizer can correct them before approving.
    fields = [
        "created_at",
        "city",
        "state",
        "status",
        "description",
        "source_url",
        "group_name",
        "group_url",
        "contact_name",
        "contact_email",
        "review",
        "reviewed_at",
        "reviewed_by",
        "draft",
        "notified_at",
        "notice_error",
    ]
    actions = ["approve", "reject"]

    @admin.display(description=_("city"), ordering="city")
    def place(self, obj):
        return f"{obj.city}, {obj.state}"

    @admin.display(description=_("received"), ordering="created_at")
    def received(self, obj):
        return date_format(localtime(obj.created_at), "SHORT_DATE_FORMAT")

    @admin.display(description=_("page"))
    def draft(self, obj):
        if obj.action_id is None:
            return "-"
        state = _("published") if obj.action.published else _("draft: edit and publish")
        return format_html("<a href='{}'>{}</a>", reverse("admin:local_actions_localaction_change", args=[obj.action_id]), state)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("action")

    def audit_label(self, obj):
        return services.label(obj)  # by city: the submission's own name carries its contact person

    def has_add_permission(self, request):
        return False

    def has_approve_permission(self, request):
        # Approving publishes a local action, new or existing: it needs both grants.
        return self.has_change_permission(request) and request.user.has_perm("local_actions.change_localaction")

    @admin.action(description=_("Approve: put on the map"), permissions=["approve"])
    def approve(self, request, queryset):
        for submission in queryset:
            action, created = services.approve(submission, request.user)
            if action is None:
                self.message_user(request, _("%(city)s was already reviewed.") % {"city": submission.city}, messages.WARNING)
                continue
            if created:
                text = _(
                    "{city} is a draft, not on the site yet: <a href='{url}'>edit it</a> (summary, status, sources), "
                    "then tick Published and save. The group is emailed then."
                )
            else:
                text = _("{city} was already on the site: the submission is linked to <a href='{url}'>its page</a>.")
            url = reverse("admin:local_actions_localaction_change", args=[action.pk])
            self.message_user(request, format_html(text, city=str(action), url=url), messages.SUCCESS)
            if action.map_position is None:
                self.message_user(
                    request,
                    _("We could not find %(city)s: add its coordinates to show its marker.") % {"city": str(action)},
                    messages.WARNING,
                )

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request, queryset):
        count = sum(services.reject(submission, request.user) for submission in queryset)
        self.message_user(request, ngettext("%d submission rejected.", "%d submissions rejected.", count) % count)


@admin.register(Statistic)
class StatisticAdmin(BilingualAdmin, AuditedAdmin):
    list_display = ["text", "topic", "source", "position", "published"]
    list_editable = ["position", "published"]
    list_filter = ["topic", "published"]
    search_fields = ["text", "source"]
