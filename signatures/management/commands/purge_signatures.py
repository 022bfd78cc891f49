from django.core.management.base import BaseCommand

from signatures.purge import purge


class Command(BaseCommand):
    help = "Delete unconfirmed signatures older than 7 days and invalidated ones older than 30 (the worker does this hourly)."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge()} signature(s) deleted.")
