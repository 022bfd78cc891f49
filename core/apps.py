from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = "Site core"

    def ready(self):
        from core import checks  # noqa: F401 - registers the settings checks


class CampaignAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "core.admin_site.CampaignAdminSite"
