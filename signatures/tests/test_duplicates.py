import threading

import pytest
from django.db import connection

from signatures import services
from signatures.models import Signature

from .conftest import link_in, run_worker, sign

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("variant", ["ana@example.org", "ANA@Example.org", "ana+petition@example.org", " ana@example.org "])
def test_the_same_address_written_differently_signs_once(client, petition, variant):
    sign(client, petition)
    response = sign(client, petition, email=variant)
    assert response.status_code == 200
    assert "Check your email to confirm" in response.content.decode()
    assert Signature.objects.count() == 1


def test_gmail_dots_are_the_same_inbox(client, petition):
    sign(client, petition, email="jane.doe@gmail.com")
    sign(client, petition, email="janedoe+x@googlemail.com")
    assert Signature.objects.count() == 1


def test_a_pending_duplicate_resends_the_confirmation_a_few_times_at_most(client, petition, mailoutbox):
    for _ in range(10):
        sign(client, petition)
        run_worker()
    assert Signature.objects.count() == 1
    assert len(mailoutbox) == services.MAX_EMAILS_PER_SIGNATURE
    assert all("Please confirm" in m.subject for m in mailoutbox)


def test_a_confirmed_signer_is_told_by_email_they_already_signed(client, petition, mailoutbox):
    sign(client, petition)
    run_worker()
    client.post(link_in(mailoutbox[0], "confirm"))
    response = sign(client, petition, email="Ana@example.org")
    assert "Check your email" in response.content.decode()  # same reply: the form reveals nothing
    run_worker()
    assert mailoutbox[-1].subject == "You have already signed: Stop it"
    assert mailoutbox[-1].to == ["Ana@example.org"]
    assert "/signature/withdraw/" in mailoutbox[-1].body
    # The address typed for the reminder is forgotten again once sent.
    assert Signature.objects.get().email is None


def test_the_same_address_may_sign_two_different_campaigns(client, petition, letter):
    sign(client, petition)
    sign(client, letter)
    assert Signature.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_of_one_address_store_one_row(petition):
    """Many threads, same address, at once: the unique constraint lets one in (SQLite and PostgreSQL)."""
    barrier = threading.Barrier(12)
    errors = []

    def submit(i):
        try:
            barrier.wait()
            services.sign(petition, email=f"Same.Person+{i}@Example.org", name=f"Person {i}", zip_code="60614")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Signature.objects.filter(campaign=petition).count() == 1
