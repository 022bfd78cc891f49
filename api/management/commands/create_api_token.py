from django.core.management.base import BaseCommand, CommandError

from api import services
from pages.models import Organization
from signatures.models import Campaign


class Command(BaseCommand):
    help = (
        "Make an API token for a partner organization, for scripts. "
        "Prints the new key alone on its last line; it is shown only this once."
    )

    def add_arguments(self, parser):
        parser.add_argument("partner", help="The partner organization's name, as in the admin (Site content → Organizations).")
        parser.add_argument(
            "--campaign", action="append", required=True, metavar="SLUG", help="A campaign it may read (repeatable)."
        )
        parser.add_argument("--record", action="store_true", help="It may record signatures (they count once confirmed).")
        parser.add_argument(
            "--emails", action="store_true", help="It may see the emails of signers who chose to share them with this partner."
        )
        parser.add_argument(
            "--confirmed",
            action="store_true",
            help="The partner runs its own double opt-in: its signatures count without our email.",
        )
        parser.add_argument("--name", default="", help="A label, e.g. 'nightly sync'.")
        parser.add_argument("--rate", type=int, default=4, help="Requests per second before 429 (default 4, as Action Network).")

    def handle(self, *args, partner, campaign, record, emails, confirmed, name, rate, **options):
        organization = Organization.objects.filter(name__iexact=partner.strip()).first()
        if organization is None:
            raise CommandError(f"No organization named {partner!r}; add it in the admin first (Site content → Organizations).")
        campaigns = []
        for slug in campaign:
            found = Campaign.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"No campaign with the address {slug!r}.")
            campaigns.append(found)
        if confirmed and not record:
            raise CommandError("--confirmed only makes sense with --record.")
        if not 1 <= rate <= 10_000:
            raise CommandError("--rate must be between 1 and 10000.")
        token, key = services.create_token(
            organization, campaigns, actor="manage.py create_api_token", name=name, can_record=record,
            can_see_emails=emails, own_double_opt_in=confirmed, requests_per_second=rate,
        )  # fmt: skip
        scope = ["read " + ", ".join(c.slug for c in campaigns)]
        scope += [label for flag, label in ((record, "record"), (emails, "see shared emails"), (confirmed, "confirmed")) if flag]
        self.stdout.write(f"Token {token.key_prefix}… for {organization}: {'; '.join(scope)}.")
        if emails:
            missing = [c.slug for c in campaigns if not c.email_partners.filter(pk=organization.pk).exists()]
            if missing:
                self.stdout.write(
                    f"Note: the sign form of {', '.join(missing)} does not offer 'Share my email with {organization}' yet; "
                    "add the partner to the campaign's 'partners signers may share their email with' in the admin."
                )
        self.stdout.write("Shown once, keep it safe:")
        self.stdout.write(key)
