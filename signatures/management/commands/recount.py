from django.core.management.base import BaseCommand

from signatures.counting import recount
from signatures.models import Campaign


class Command(BaseCommand):
    help = "Rebuild the signature counts of every campaign from the signatures themselves."

    def handle(self, *args, **options):
        totals = recount()
        for campaign in Campaign.objects.all():
            self.stdout.write(f"{campaign.slug}: {totals.get(campaign.pk, 0)} counted")
