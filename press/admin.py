from django.contrib import admin

from .models import PressItem


@admin.register(PressItem)
class PressItemAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "date", "published"]
    list_filter = ["published", "outlet"]
    list_editable = ["published"]
    search_fields = ["title", "outlet"]
