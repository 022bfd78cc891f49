"""End to end: a group sends in its local fight, an organizer approves it as a draft, edits and publishes it,
and the group is emailed once, in the language it wrote in."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from audit.models import AuditEntry
from local_actions.models import LocalAction, Submission

pytestmark = pytest.mark.django_db

SENT_IN = {
    "city": "Tulsa",
    "state": "OK",
    "status": "proposed",
    "description": "La policía pidió al concejo un piloto de ShotSpotter. La votación es en marzo.",
    "source_url": "https://www.tulsaworld.com/news/shotspotter-pilot",
    "group_name": "Tulsa Community Safety",
    "group_url": "https://tulsa-safety.example",
    "contact_name": "Ana Ruiz",
    "contact_email": "ana@example.org",
}


@pytest.fixture
def organizer_client(db):
    user = get_user_model().objects.create_superuser("maria", "maria@example.org", "a long password 123")
    client = Client()
    client.force_login(user)
    return client


def edit_form(client, action, **changes):
    """The change form as the organizer's browser sends it back: every field as shown, then their edits."""
    page = client.get(f"/admin/local_actions/localaction/{action.pk}/change/")
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value if not hasattr(value, "__iter__") or isinstance(value, str) else [v.pk for v in value]
    sources = list(action.sources.all())
    data.update({"sources-TOTAL_FORMS": len(sources), "sources-INITIAL_FORMS": len(sources), "sources-MIN_NUM_FORMS": 0,
                 "sources-MAX_NUM_FORMS": 1000})  # fmt: skip
    for i, source in enumerate(sources):
        for name in ("id", "position", "outlet", "title", "language", "date", "note_en", "note_es", "url"):
            value = getattr(source, name)
            data[f"sources-{i}-{name}"] = "" if value is None else value  # an empty box sends ""
        data[f"sources-{i}-action"] = action.pk
    data.update(changes)
    return data


def test_a_sent_in_fight_becomes_a_draft_then_a_published_page_and_the_group_is_told_once(
    client, organizer_client, organizers, mailoutbox, run_worker
):
    # The group writes in Spanish.
    assert client.post("/es/local/add/", SENT_IN).status_code == 302
    run_worker()
    assert [m.to for m in mailoutbox] == [organizers]  # the organizers are told, the group not yet
    submission = Submission.objects.get()
    assert submission.language == "es"

    # Approving makes a draft: not on the map, no page.
    organizer_client.post(
        "/admin/local_actions/submission/", {"action": "approve", "_selected_action": [submission.pk]}, follow=True
    )
    action = LocalAction.objects.get(city="Tulsa")
    assert not action.published
    # Their text is in the Spanish column, and in the English one to translate (English is every language's fallback).
    assert action.summary_es == action.summary_en == "La policía pidió al concejo un piloto de ShotSpotter."
    assert action.facts_es == action.facts_en == SENT_IN["description"]
    assert client.get("/local/tulsa-ok/").status_code == 404
    assert "Tulsa" not in client.get("/local/").content.decode()
    run_worker()
    assert len(mailoutbox) == 1  # nothing for the group while it is a draft

    # The draft page says where it came from and what happens on publishing.
    html = organizer_client.get(f"/admin/local_actions/localaction/{action.pk}/change/").content.decode()
    assert "ana@example.org" in html and "will be emailed when you publish" in html
    assert 'value="tulsaworld.com"' in html  # the source is labelled by its outlet, not by the group

    # The organizer edits the summary, the status and the source, then publishes.
    data = edit_form(
        organizer_client,
        action,
        summary_en="Tulsa's police asked for a ShotSpotter pilot; the council votes in March.",
        status="contested",
        published="on",
        **{"sources-0-outlet": "Tulsa World", "sources-0-title": "Police ask for ShotSpotter pilot"},
    )
    response = organizer_client.post(f"/admin/local_actions/localaction/{action.pk}/change/", data, follow=True)
    assert "the group that sent it in will be emailed" in response.content.decode()
    action.refresh_from_db()
    assert action.published and action.status == "contested"
    source = action.sources.get()
    assert (source.position, source.outlet, source.title) == (1, "Tulsa World", "Police ask for ShotSpotter pilot")

    page = client.get("/local/tulsa-ok/").content.decode()
    assert "Tulsa World" in page and "Tulsa Community Safety" in page
    assert "ShotSpotter pilot; the council votes in March." in client.get("/local/").content.decode()

    # The group is emailed once, in Spanish, with the Spanish page's address; answers go to the organizers.
    run_worker()
    told = [m for m in mailoutbox if m.to == ["ana@example.org"]]
    assert len(told) == 1
    assert told[0].subject == "Tulsa, OK ya está en el mapa de las luchas locales"
    assert "Hola, Ana Ruiz:" in told[0].body
    assert "http://testserver/es/local/tulsa-ok/" in told[0].body or "/es/local/tulsa-ok/" in told[0].body
    assert told[0].reply_to == organizers
    submission.refresh_from_db()
    assert submission.notified_at is not None

    # Unpublishing and publishing again tells nobody a second time.
    organizer_client.post("/admin/local_actions/localaction/", {"action": "unpublish", "_selected_action": [action.pk]})
    organizer_client.post("/admin/local_actions/localaction/", {"action": "publish", "_selected_action": [action.pk]})
    run_worker()
    assert len([m for m in mailoutbox if m.to == ["ana@example.org"]]) == 1

    actions = list(AuditEntry.objects.order_by("at", "id").values_list("action", flat=True))
    assert actions[:3] == ["local_actions.approve", "local_actions.localaction.changed", "local_actions.publish"]


def test_publishing_from_the_list_tells_the_group_in_english(client, organizer_client, organizers, mailoutbox, run_worker):
    client.post("/local/add/", {**SENT_IN, "description": "The police asked for a pilot."})
    submission = Submission.objects.get()
    assert submission.language == "en"
    organizer_client.post("/admin/local_actions/submission/", {"action": "approve", "_selected_action": [submission.pk]})
    action = LocalAction.objects.get(city="Tulsa")
    organizer_client.post("/admin/local_actions/localaction/", {"action": "publish", "_selected_action": [action.pk]})
    run_worker()
    told = [m for m in mailoutbox if m.to == ["ana@example.org"]]
    assert len(told) == 1
    assert told[0].subject == "Tulsa, OK is on the map of local fights"
    assert told[0].body.startswith("Hello Ana Ruiz,")
    assert "/local/tulsa-ok/" in told[0].body and "/es/" not in told[0].body
    entry = AuditEntry.objects.filter(action="local_actions.publish").get()
    assert entry.rows == 1


def test_the_submissions_list_shows_review_and_the_draft(client, organizer_client):
    client.post("/local/add/", SENT_IN)
    submission = Submission.objects.get()
    html = organizer_client.get("/admin/local_actions/submission/").content.decode()
    assert "column-review" in html and "Waiting for review" in html
    organizer_client.post("/admin/local_actions/submission/", {"action": "approve", "_selected_action": [submission.pk]})
    html = organizer_client.get("/admin/local_actions/submission/").content.decode()
    assert "draft: edit and publish" in html
