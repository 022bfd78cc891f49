import pytest
from django.core.management import call_command

from core.default_content import load_all
from pages.models import SiteSettings


@pytest.fixture
def default_content(db):
    load_all()


@pytest.fixture
def organizers(db):
    row = SiteSettings.load()
    row.notification_emails = "organizers@example.org, second@example.org"
    row.save()
    return ["organizers@example.org", "second@example.org"]


@pytest.fixture
def run_worker():
    def run():
        call_command("worker", "--batch", "--no-periodic")

    return run
