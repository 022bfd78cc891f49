from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("Evidence kit: city alert data")
    default_auto_field = "django.db.models.BigAutoField"
