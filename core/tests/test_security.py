import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# The production settings documented in the README.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789abcdefghijklmnop",
    "ALLOWED_HOSTS": "stopshotspotter.example",
    "SITE_URL": "https://stopshotspotter.example",
    "DATABASE_URL": f"sqlite:///{ROOT / '.test-deploy-check.sqlite3'}",
}


def test_check_deploy_is_clean_with_the_documented_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")} | PRODUCTION_ENV
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_every_page_sends_the_security_headers(client):
    response = client.get("/news/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "microphone=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_SSL_REDIRECT=True)
def test_over_https_the_site_sends_hsts_and_redirects_plain_http(db):
    client = Client()
    assert client.get("/news/").status_code == 301
    response = client.get("/news/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")


def test_failed_logins_lock_out_without_storing_the_address(client, django_user_model):
    from axes.models import AccessAttempt

    django_user_model.objects.create_superuser("organizer", "o@example.org", "a-long-good-password-1")
    for _ in range(5):
        client.post("/admin/login/?next=/admin/", {"username": "organizer", "password": "wrong"}, REMOTE_ADDR="198.51.100.9")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "organizer", "password": "a-long-good-password-1"}, REMOTE_ADDR="198.51.100.9"
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    stored = list(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert stored and all(address.startswith("fd") and "198.51.100.9" not in address for address in stored)
    # Another network is not locked out by someone else's failures.
    other = client.post(
        "/admin/login/?next=/admin/", {"username": "organizer", "password": "a-long-good-password-1"}, REMOTE_ADDR="192.0.2.1"
    )
    assert other.status_code == 302


def test_the_admin_requires_a_second_factor(client, django_user_model, settings):
    settings.ADMIN_REQUIRE_2FA = True
    user = django_user_model.objects.create_superuser("organizer", "o@example.org", "a-long-good-password-1")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    # The password alone is not enough.
    response = client.post("/admin/login/?next=/admin/", {"username": "organizer", "password": "a-long-good-password-1"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302
    # Logged in without a verified device, the admin stays closed.
    client.force_login(user)
    assert client.get("/admin/").status_code == 302

    client.logout()
    code = str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(device.digits)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "organizer", "password": "a-long-good-password-1", "otp_device": device.persistent_id, "otp_token": code},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_organizer_gets_a_device_from_the_command_line(django_user_model):
    from io import StringIO

    from django.core.management import call_command

    django_user_model.objects.create_superuser("organizer", "o@example.org", "a-long-good-password-1")
    out = StringIO()
    call_command("add_totp_device", "organizer", stdout=out)
    assert "otpauth://totp/" in out.getvalue()
    assert TOTPDevice.objects.filter(user__username="organizer", confirmed=True).count() == 1
