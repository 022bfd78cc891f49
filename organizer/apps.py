from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganizerConfig(AppConfig):
    name = "organizer"
    verbose_name = _("Organizer home")

    def ready(self):
        from django.db.models.signals import pre_save

        from local_actions.models import LocalAction
        from signatures.models import Campaign

        from . import addresses, roles

        for model in (Campaign, LocalAction):
            pre_save.connect(addresses.note_old_slug, sender=model, dispatch_uid=f"old-slug-{model.__name__}")

        # After every migrate the shipped roles hold exactly their permissions (new models included).
        post_migrate.connect(roles.sync_after_migrate, sender=self)
