from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Give an organizer an authenticator-app device (TOTP) for the admin's two-factor sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Authenticator app")

    def handle(self, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}. Create one with: manage.py createsuperuser")
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        self.stdout.write("Add this to an authenticator app (scan the QR code or paste the link):\n")
        self.stdout.write(device.config_url + "\n")
        try:
            import qrcode

            code = qrcode.QRCode(border=1)
            code.add_data(device.config_url)
            code.print_ascii(out=self.stdout, invert=True)
        except ImportError:
            pass
