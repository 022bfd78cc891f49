from django.core.management.base import BaseCommand

from organizer import roles


class Command(BaseCommand):
    help = "Create or update the Editor, Moderator and Coordinator groups with the permissions each role needs."

    def handle(self, *args, **options):
        for name, count in roles.sync().items():
            self.stdout.write(f"{name}: {count} permissions")
