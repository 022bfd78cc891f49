"""The cap, the approval, pausing, the audience filters, bounces, and two campaigns."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from local_actions.models import LocalAction
from signatures.models import Signature
from updates import services
from updates.models import CampaignLimit, Recipient, Suppression, Update

from .conftest import organizer, run_worker, supporter

pytestmark = pytest.mark.django_db


def new_update(campaign, author, **fields):
    return Update.objects.create(campaign=campaign, subject=fields.pop("subject", "News"), body="Text", author=author, **fields)


def approved(campaign, author, approver, **fields):
    update = new_update(campaign, author, **fields)
    services.approve(update, approver)
    return update


# --- approval -----------------------------------------------------------------------
def test_approval_needs_the_permission_and_another_organizer(campaign, author, approver):
    supporter(campaign, "ana@example.org")
    writer_only = organizer("cleo")
    update = new_update(campaign, author)
    with pytest.raises(services.Refused, match="needs the permission"):
        services.approve(update, writer_only)
    with pytest.raises(services.Refused, match="another organizer has to approve it"):
        services.approve(update, author)
    assert Update.objects.get().status == "draft"
    services.approve(update, approver)
    assert (update.status, update.approver) == ("approved", approver)
    with pytest.raises(services.Refused, match="Only a draft can be approved"):
        services.approve(update, approver)
    assert AuditEntry.objects.filter(action="updates.update.approved", actor=approver).count() == 1


def test_an_approved_update_cannot_be_edited_and_back_to_draft_needs_approving_again(client, campaign, author, approver):
    supporter(campaign, "ana@example.org")
    update = approved(campaign, author, approver)
    client.force_login(author)
    page = client.get(f"/admin/updates/update/{update.pk}/change/").content.decode()
    assert 'name="subject"' not in page  # read-only now
    services.unapprove(update, author)
    assert (update.status, update.approver) == ("draft", None)
    assert 'name="subject"' in client.get(f"/admin/updates/update/{update.pk}/change/").content.decode()


def test_the_admin_refuses_a_self_approval_with_a_message(client, campaign, author):
    supporter(campaign, "ana@example.org")
    update = new_update(campaign, author)
    client.force_login(author)
    page = client.post(f"/admin/updates/update/{update.pk}/do/approve/", follow=True).content.decode()
    assert "You wrote this update: another organizer has to approve it." in page
    assert Update.objects.get().status == "draft"


# --- the cap --------------------------------------------------------------------------
def test_a_campaign_sends_at_most_three_updates_in_seven_days(sink, campaign, author, approver):
    supporter(campaign, "ana@example.org")
    for i in range(3):
        services.start(approved(campaign, author, approver, subject=f"News {i}"), approver)
        run_worker()
    fourth = approved(campaign, author, approver, subject="One too many")
    with pytest.raises(services.Refused, match="may send 3 updates in 7 days and already has 3"):
        services.start(fourth, approver)
    run_worker()
    assert sorted(r.subject for r in sink.updates()) == ["News 0", "News 1", "News 2"]
    assert Recipient.objects.filter(update=fourth).count() == 0

    # A week after the first, there is room again: scheduling then is accepted.
    first_started = Update.objects.get(subject="News 0").started_at
    services.start(fourth, approver, first_started + timedelta(days=7, minutes=1))
    assert fourth.status == "approved" and fourth.send_at > timezone.now()


def test_the_cap_is_set_per_campaign(sink, campaign, other_campaign, author, approver):
    supporter(campaign, "ana@example.org")
    supporter(other_campaign, "ana@example.org")
    CampaignLimit.objects.create(campaign=campaign, per_week=1)
    services.start(approved(campaign, author, approver), approver)
    with pytest.raises(services.Refused, match="may send 1 updates in 7 days"):
        services.start(approved(campaign, author, approver), approver)
    services.start(approved(other_campaign, author, approver), approver)  # the other campaign keeps its 3


def test_a_scheduled_update_that_would_break_the_cap_when_due_does_not_start(sink, campaign, author, approver):
    supporter(campaign, "ana@example.org")
    CampaignLimit.objects.create(campaign=campaign, per_week=1)
    later = approved(campaign, author, approver, subject="Later")
    services.start(later, approver, timezone.now() + timedelta(hours=1))
    now = approved(campaign, author, approver, subject="Now")
    services.start(now, approver)  # the window before now holds nothing yet
    run_worker()
    Update.objects.filter(pk=later.pk).update(send_at=timezone.now())  # its time comes
    run_worker()
    later.refresh_from_db()
    assert later.status == "approved" and later.send_at is None and "may send 1 updates" in later.problem
    assert [r.subject for r in sink.updates()] == ["Now"]


def test_a_scheduled_update_waits_for_its_time(sink, campaign, author, approver):
    supporter(campaign, "ana@example.org")
    update = approved(campaign, author, approver)
    services.start(update, approver, timezone.now() + timedelta(hours=2))
    run_worker()
    assert sink.updates() == []
    Update.objects.filter(pk=update.pk).update(send_at=timezone.now() - timedelta(seconds=1))
    run_worker()
    assert len(sink.updates()) == 1


# --- pause and resume -----------------------------------------------------------------
def test_a_paused_update_sends_nothing_until_resumed(sink, campaign, author, approver):
    for i in range(5):
        supporter(campaign, f"p{i}@example.org")
    update = approved(campaign, author, approver)
    services.start(update, approver)
    from updates import sending

    sending.start_due()
    services.pause(update, author)
    run_worker()
    assert sink.updates() == []
    assert services.progress(update)["waiting"] == 5
    services.resume(update, author)
    run_worker()
    assert len(sink.updates()) == 5
    update.refresh_from_db()
    assert update.status == "sent" and services.progress(update)["sent"] == 5
    with pytest.raises(services.Refused, match="Only an update that is sending can be paused"):
        services.pause(update, author)


def test_the_admin_shows_progress(client, sink, campaign, author, approver):
    supporter(campaign, "ana@example.org")
    supporter(campaign, "bo@example.org")
    update = approved(campaign, author, approver)
    services.start(update, approver)
    run_worker()
    client.force_login(author)
    page = client.get(f"/admin/updates/update/{update.pk}/change/").content.decode()
    assert "2 sent, 0 waiting, 0 failed, 0 unsubscribed or bounced during the send, of 2." in page


# --- who receives it --------------------------------------------------------------------
@pytest.fixture
def chicago(db):
    return LocalAction.objects.create(city="Chicago", state="IL", slug="chicago", latitude="41.88", longitude="-87.63")


def test_audience_by_city_by_radius_and_by_state(campaign, author, chicago):
    supporter(campaign, "loop@example.org", zip_code="60604", city="Chicago", us_state="IL")
    supporter(campaign, "evanston@example.org", zip_code="60201", city="Evanston", us_state="IL")
    supporter(campaign, "springfield@example.org", zip_code="62701", city="Springfield", us_state="IL")
    supporter(campaign, "gary@example.org", zip_code="46402", city="Gary", us_state="IN")
    supporter(campaign, "sf@example.org", zip_code="94110", city="San Francisco", us_state="CA")
    update = new_update(campaign, author, audience="local", local_action=chicago, near="city")
    assert services.recipient_count(update) == 1
    update.near, update.radius_miles = "radius", 30
    assert services.recipient_count(update) == 3  # Chicago, Evanston, and Gary across the state line
    update.audience, update.us_states = "states", ["IL", "CA"]
    assert services.recipient_count(update) == 4
    update.audience = "all"
    assert services.recipient_count(update) == 5


def test_an_audience_that_selects_nobody_cannot_be_approved_or_started(sink, campaign, author, approver):
    supporter(campaign, "ana@example.org", us_state="IL")
    update = new_update(campaign, author, audience="states", us_states=["WY"])
    with pytest.raises(services.Refused, match="Nobody would receive this update"):
        services.approve(update, approver)
    assert Update.objects.get().status == "draft"
    run_worker()
    assert sink.received == []


def test_a_person_who_signed_two_campaigns_gets_each_once_and_can_leave_one(sink, campaign, other_campaign, author, approver):
    first = supporter(campaign, "ana@example.org")
    supporter(other_campaign, "ana@example.org")
    supporter(campaign, "bo@example.org")
    services.start(approved(campaign, author, approver, subject="From the petition"), approver)
    services.start(approved(other_campaign, author, approver, subject="From the letter"), approver)
    run_worker()
    assert sorted(r.subject for r in sink.to("ana@example.org")) == ["From the letter", "From the petition"]

    assert services.unsubscribe(first.pk) is services.Outcome.DONE
    services.start(approved(campaign, author, approver, subject="Petition again"), approver)
    services.start(approved(other_campaign, author, approver, subject="Letter again"), approver)
    run_worker()
    assert sorted(r.subject for r in sink.to("ana@example.org")) == ["From the letter", "From the petition", "Letter again"]


def test_someone_who_unsubscribes_during_a_send_is_skipped(sink, campaign, author, approver):
    leaving = supporter(campaign, "ana@example.org")
    supporter(campaign, "bo@example.org")
    update = approved(campaign, author, approver)
    services.start(update, approver)
    from updates import sending

    sending.start_due()  # the list is fixed...
    services.unsubscribe(leaving.pk)  # ...then one of them leaves before their turn
    run_worker()
    assert [r.to for r in sink.updates()] == ["bo@example.org"]
    assert services.progress(update) | {"total": 0} == {"sent": 1, "waiting": 0, "failed": 0, "unsubscribed": 1, "total": 0}


# --- bounces and complaints ---------------------------------------------------------------
def test_a_refused_address_fails_for_good_and_gets_no_more_updates(sink, campaign, other_campaign, author, approver):
    gone = supporter(campaign, "gone@example.org")
    supporter(other_campaign, "gone@example.org")
    supporter(campaign, "ok@example.org")
    sink.handler.refuse["gone@example.org"] = "550 5.1.1 No such user"
    update = approved(campaign, author, approver)
    services.start(update, approver)
    run_worker()
    assert services.progress(update)["failed"] == 1
    assert Recipient.objects.get(update=update, state="failed").error.startswith("550")
    assert Suppression.objects.get().reason == "bounced"
    gone.refresh_from_db()
    assert gone.email is None and gone.wants_updates is False and gone.state == "verified"
    assert not Signature.objects.filter(email="gone@example.org").exists()  # in both campaigns


def test_a_temporary_refusal_is_tried_again_later(sink, campaign, author, approver):
    supporter(campaign, "busy@example.org")
    sink.handler.refuse["busy@example.org"] = "451 4.3.0 Try again later"
    update = approved(campaign, author, approver)
    services.start(update, approver)
    run_worker()
    recipient = Recipient.objects.get()
    assert (recipient.state, recipient.attempts) == ("waiting", 1)
    assert recipient.next_try > timezone.now()
    del sink.handler.refuse["busy@example.org"]
    Recipient.objects.update(next_try=timezone.now())
    run_worker()
    assert [r.to for r in sink.updates()] == ["busy@example.org"]
    update.refresh_from_db()
    assert update.status == "sent"


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "bounce", "email": "ana@example.org"},
        [{"type": "complaint", "email": "ana@example.org"}],
        {"RecordType": "Bounce", "Type": "HardBounce", "Email": "ana@example.org"},
        {"RecordType": "SpamComplaint", "Email": "ana@example.org"},
        {"event-data": {"event": "failed", "severity": "permanent", "recipient": "ana@example.org"}},
        {"event-data": {"event": "complained", "recipient": "ana@example.org"}},
    ],
)
def test_the_bounce_webhook_stops_updates_to_the_address(client, settings, campaign, payload):
    settings.UPDATES_WEBHOOK_SECRET = "s3cret-value"
    person = supporter(campaign, "ana@example.org")
    response = client.post("/updates/bounces/s3cret-value/", payload, content_type="application/json")
    assert response.status_code == 200 and response.json() == {"received": 1, "new": 1}
    person.refresh_from_db()
    assert person.email is None and person.wants_updates is False
    assert Suppression.objects.count() == 1


def test_soft_bounces_are_ignored(client, settings, campaign):
    settings.UPDATES_WEBHOOK_SECRET = "s3cret-value"
    supporter(campaign, "ana@example.org")
    payloads = [{"type": "bounce", "email": "ana@example.org", "permanent": False},
                {"RecordType": "Bounce", "Type": "SoftBounce", "Email": "ana@example.org"}]  # fmt: skip
    response = client.post("/updates/bounces/s3cret-value/", payloads, content_type="application/json")
    assert response.json() == {"received": 0, "new": 0}
    assert Signature.objects.get().wants_updates is True


# --- the mail server itself failing ----------------------------------------------------------
def test_a_mail_server_that_is_down_leaves_every_recipient_waiting(settings, sink, campaign, author, approver):
    supporter(campaign, "ana@example.org")
    update = approved(campaign, author, approver)
    services.start(update, approver)
    settings.EMAIL_PORT = 1  # nothing listens there
    run_worker()
    recipient = Recipient.objects.get()
    assert (recipient.state, recipient.attempts, recipient.claim) == ("waiting", 0, None)
    settings.EMAIL_PORT = sink.port
    run_worker()
    assert len(sink.updates()) == 1


def test_a_refused_sender_address_is_not_blamed_on_the_recipients(sink, campaign, author, approver):
    supporter(campaign, "ana@example.org")
    supporter(campaign, "bo@example.org")
    update = approved(campaign, author, approver)
    services.start(update, approver)

    async def refuse_sender(server, session, envelope, address, mail_options):
        return "550 5.7.1 Sender not allowed"

    sink.handler.handle_MAIL = refuse_sender
    run_worker()
    assert sink.received == []
    assert list(Recipient.objects.values_list("state", "attempts")) == [("waiting", 0), ("waiting", 0)]


def test_the_rate_setting_spaces_the_messages_out(settings, sink, campaign, author, approver):
    for i in range(11):
        supporter(campaign, f"p{i}@example.org")
    update = approved(campaign, author, approver)
    services.start(update, approver)
    settings.UPDATES_RATE = 20  # messages a second: 11 messages need at least half a second
    from updates import sending

    sending.start_due()
    t0 = time.monotonic()
    run_worker()
    assert time.monotonic() - t0 >= 0.5
    assert len(sink.updates()) == 11


def test_organizers_find_a_suppressed_address_by_typing_it(admin_client, campaign):
    services.suppress("Gone@Example.org", Suppression.Reason.BOUNCED)
    services.suppress("other@example.org", Suppression.Reason.COMPLAINED)
    page = admin_client.get("/admin/updates/suppression/", {"q": "gone@example.org"}).content.decode()
    assert "1 result" in page and "Bounced (the address does not exist)" in page


def test_a_pause_reaches_recipients_a_sender_already_holds(sink, campaign, other_campaign, author, approver):
    from updates import sending

    for c in (campaign, other_campaign):
        supporter(c, "ana@example.org")
        supporter(c, "bo@example.org")
    paused = approved(campaign, author, approver, subject="Paused one")
    going = approved(other_campaign, author, approver, subject="Going one")
    services.start(paused, approver)
    services.start(going, approver)
    sending.start_due()
    sender = sending.Sender(sending.Throttle(0), None)
    held = sending.claim(sender.token, 50)
    assert len(held) == 4
    services.pause(paused, author)  # while the sender holds its recipients
    assert sender._send_batch(held) == 2
    sender._close()
    assert {r.subject for r in sink.updates()} == {"Going one"}
    assert list(Recipient.objects.filter(update=paused).values_list("state", "claim")) == [("waiting", None)] * 2
