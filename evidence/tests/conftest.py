import pytest
from django.core.management import call_command


@pytest.fixture
def run_worker():
    def run():
        call_command("worker", "--batch", "--no-periodic")

    return run
