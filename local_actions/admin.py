from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditedAdmin
from core.translation_admin import BilingualAdmin, BilingualTabularInline

from . import services, usmap
from .models import LocalAction, LocalActionSource, Statistic, Submission


class SourceInline(BilingualTabularInline):
    model = LocalActionSource
    extra = 1
    fields = ["position", "outlet", "title", "date", "note", "url"]


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
    readonly_fields = ["map_check", "created_at", "updated_at"]
    filter_horizontal = ["press_items"]
    inlines = [SourceInline]
    actions = ["publish", "unpublish"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug":  # the model's "<address>" was read as markup and showed "/local/ /"
            field.help_text = _(
                "The page lives at /local/ followed by this address. If you change it, the old address keeps "
                "working: visitors and search engines are sent on to the new one."
            )
        return field

    fieldsets = [
        (None, {"fields": ["city", "state", "slug", "status", "years", "summary", "published"]}),
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
    list_display = ["created_at", "city", "state", "status", "contact_name", "contact_email", "review"]
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
        "action",
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
        "action",
    ]
    actions = ["approve", "reject"]

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
                text = _("%(city)s is on the map and published.")
            else:
                text = _("%(city)s was already on the map: the submission is linked to it.")
            self.message_user(request, text % {"city": str(action)}, messages.SUCCESS)
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
