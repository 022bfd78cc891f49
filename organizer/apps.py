from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganizerConfig(AppConfig):
    name = "organizer"
    verbose_name = _("Organizer home")

    def ready(self):
        from . import roles

        # After every migrate the shipped roles hold exactly their permissions (new models included).
        post_migrate.connect(roles.sync_after_migrate, sender=self)
