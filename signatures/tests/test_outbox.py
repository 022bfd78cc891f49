"""The outbox against a real SMTP server on 127.0.0.1 that misbehaves as real ones do."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from bench.smtp_sink import Sink, free_port
from defence import checks
from signatures import outbox
from signatures.models import Signature

from .conftest import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with Sink() as sink:
        use_smtp(settings, sink.port)
        yield sink


def use_smtp(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


def signers(client, petition, n):
    addresses = [f"signer{i}@example.org" for i in range(n)]
    for i, address in enumerate(addresses):
        sign(client, petition, email=address, ip=f"203.0.113.{i + 1}")
    return addresses


def later(minutes):
    return timezone.now() + timedelta(minutes=minutes)


def still_due():
    return set(Signature.objects.exclude(email_due="").values_list("email", flat=True))


def test_a_connection_dropped_mid_batch_loses_no_email_and_doubles_none(client, petition, smtp):
    addresses = signers(client, petition, 10)
    smtp.handler.drop_at = {4}  # the fourth message: the server hangs up before answering
    outbox.deliver_due_emails()
    assert smtp.received == Counter(addresses[:3])
    assert still_due() == set(addresses[3:])  # not marked as sent: they are owed
    outbox.deliver_due_emails()  # a new connection sends the rest; the dropped one waits for its retry
    assert still_due() == {addresses[3]}
    outbox.deliver_due_emails(now=later(1))
    assert smtp.received == Counter(addresses)  # each exactly once
    assert still_due() == set()


def test_a_451_try_later_is_retried_with_backoff_until_it_goes(client, petition, smtp):
    addresses = signers(client, petition, 6)
    smtp.handler.temporary_failures = 2
    assert outbox.deliver_due_emails() == 4
    assert still_due() == set(addresses[:2])
    first = Signature.objects.get(email=addresses[0])
    assert (first.email_attempts, first.email_error) == (1, "451 4.3.0 Try again later")
    outbox.deliver_due_emails()  # too soon: they wait for their retry time
    assert sum(smtp.received.values()) == 4
    outbox.deliver_due_emails(now=later(1))
    assert smtp.received == Counter(addresses)
    first.refresh_from_db()
    assert (first.email_due, first.email_error, first.emails_sent) == ("", "", 1)


def test_the_wait_between_retries_grows_to_an_hour():
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3, 9, 20)] == [15, 30, 60, 3600, 3600]


def test_a_refused_address_is_not_retried_and_organizers_see_why(client, admin_client, petition, smtp):
    signers(client, petition, 2)
    sign(client, petition, name="Typo Person", email="nobody@example.org", ip="198.51.100.7")
    smtp.handler.refused = {"nobody@example.org"}
    outbox.deliver_due_emails()
    outbox.deliver_due_emails(now=later(120))
    assert smtp.received == Counter(["signer0@example.org", "signer1@example.org"])
    assert still_due() == set()
    page = admin_client.get("/admin/signatures/signature/?email=failed").content.decode()
    assert "Typo Person" in page
    assert "Ana Ruiz" not in page  # delivered
    failed = Signature.objects.get(name="Typo Person")
    detail = admin_client.get(f"/admin/signatures/signature/{failed.pk}/change/").content.decode()
    assert "550 5.1.1 &lt;address&gt;: No such user here" in detail  # the server's answer, without the address
    assert "nobody@example.org" not in failed.email_error


def test_with_the_mail_server_down_nothing_is_lost(client, petition, settings):
    addresses = signers(client, petition, 3)
    port = free_port()
    use_smtp(settings, port)  # nothing listens there yet: connection refused
    assert outbox.deliver_due_emails() == 0
    assert still_due() == set(addresses)
    with Sink(port) as sink:
        outbox.deliver_due_emails()
        outbox.deliver_due_emails(now=later(1))
        assert sink.received == Counter(addresses)


def test_the_outbox_gives_up_after_a_day_of_temporary_failures(client, petition, smtp):
    sign(client, petition, name="Greylisted", email="grey@example.org")
    smtp.handler.temporary_failures = 1_000
    when = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.deliver_due_emails(now=when)
        when += timedelta(hours=1)
    row = Signature.objects.get(name="Greylisted")
    assert row.email_due == ""
    assert row.email_error.startswith(f"gave up after {outbox.MAX_ATTEMPTS} tries")
    assert smtp.handler.messages == outbox.MAX_ATTEMPTS


def test_during_a_flood_other_signers_get_their_link_before_the_flagged_flood(client, petition, mailoutbox):
    for i in range(40):  # one network, no JavaScript: past the first 3, flagged by the checks
        sign(client, petition, email=f"bot{i}@example.org", ip="198.51.100.7")
    sign(client, petition, name="Honest", email="honest@example.net", ip="203.0.113.50")
    checks.check_new_signatures()
    outbox.deliver_due_emails(batch=5)
    assert "honest@example.net" in [m.to[0] for m in mailoutbox]
    outbox.deliver_due_emails()
    assert len(mailoutbox) == 41  # the flagged ones are sent too (a bot must not learn it was caught), last
