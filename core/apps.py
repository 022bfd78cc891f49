from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = "Site core"

    def ready(self):
        # Saves that change a cached public page start a new page-cache generation (core/http_cache.py).
        from django.apps import apps
        from django.conf import settings
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from core import checks  # noqa: F401 - registers the settings checks

        from .http_cache import forget_public_pages

        for label in settings.PUBLIC_PAGE_MODELS:
            model = apps.get_model(label)
            post_save.connect(forget_public_pages, sender=model, dispatch_uid=f"pages-{label}-save")
            post_delete.connect(forget_public_pages, sender=model, dispatch_uid=f"pages-{label}-delete")
            for field in model._meta.many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(forget_public_pages, sender=through, dispatch_uid=f"pages-{label}-{field.name}")


class CampaignAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "core.admin_site.CampaignAdminSite"
