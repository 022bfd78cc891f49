from django.core.management.base import BaseCommand

from core.default_content import load_all


class Command(BaseCommand):
    help = "Load the default campaign content. Safe to re-run: items already loaded once are skipped."

    def handle(self, *args, **options):
        created = load_all()
        self.stdout.write(f"Default content: {created} new item(s) loaded.")
