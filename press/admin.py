from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdmin
from core import partial_dates

from .models import PressItem


@admin.register(PressItem)
class PressItemAdmin(AuditedAdmin):
    list_display = ["title", "outlet", "date", "published"]
    list_filter = ["published", "language", "outlet"]
    list_editable = ["published"]
    search_fields = ["title", "outlet"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "date":  # a picker, and how much of the date is known (kept as "2024-11-30", "2024-11", "2024")
            return partial_dates.form_field(
                label=db_field.verbose_name.capitalize(),
                required=False,
                help_text=_("Pick the day; if only the month or the year is known, pick any day in it and say so."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
