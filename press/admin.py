from django.contrib import admin

from audit.admin import AuditedAdmin

from .models import PressItem


@admin.register(PressItem)
class PressItemAdmin(AuditedAdmin):
    list_display = ["title", "outlet", "date", "published"]
    list_filter = ["published", "language", "outlet"]
    list_editable = ["published"]
    search_fields = ["title", "outlet"]
