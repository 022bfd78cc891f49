from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocalActionsConfig(AppConfig):
    name = "local_actions"
    verbose_name = _("Local fights")
    default_auto_field = "django.db.models.BigAutoField"
