"""Every organizer action that changes data leaves a history entry: who, what, on what, how many rows.

(Signature moderation and the export are in signatures/tests/test_admin_permissions.py.)
"""

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from audit.models import AuditEntry
from contact.models import ContactMessage
from defence.models import Invalidation, RateLimit
from local_actions.models import LocalAction, Submission
from pages.models import Page
from signatures.models import Signature

pytestmark = pytest.mark.django_db


def staff(client, *codenames):
    user = User.objects.create_user("volunteer", password="a long enough password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


def run_action(client, url, action, *objects):
    return client.post(url, {"action": action, "_selected_action": [o.pk for o in objects]}, follow=True)


def only_entry():
    (entry,) = AuditEntry.objects.all()
    return entry


def signatures(campaign, n, **fields):
    now = timezone.now()
    return Signature.objects.bulk_create(
        Signature(campaign=campaign, name=f"P{i}", email_hash=f"h{i}", state="verified", verified_at=now, checked=True,
                  ip_hash="abc123", **fields)
        for i in range(n)
    )  # fmt: skip


# Defence


def test_a_bulk_invalidation_is_recorded_with_its_criteria_and_rows(admin_client, admin_user, petition):
    signatures(petition, 3)
    form = {"campaign": petition.pk, "ip_hash": "abc123", "reason": "farm"}
    preview = admin_client.post("/admin/defence/invalidation/add/", form)
    assert "This matches 3 signatures" in preview.content.decode() and not AuditEntry.objects.exists()
    response = admin_client.post("/admin/defence/invalidation/add/", {**form, "previewed_count": 3})
    assert response.status_code == 302
    entry = only_entry()
    assert (entry.actor, entry.action, entry.rows) == (admin_user, "defence.invalidate_in_bulk", 3)
    assert entry.data == {"criteria": ["ip_hash"]}
    assert entry.object_id == str(Invalidation.objects.get().pk)


def test_a_bulk_invalidation_needs_the_right_to_change_signatures(client, petition):
    signatures(petition, 2)
    staff(client, "add_invalidation", "view_invalidation", "view_signature")
    response = client.post("/admin/defence/invalidation/add/", {"campaign": petition.pk, "ip_hash": "abc123", "reason": "x"})
    assert response.status_code == 403
    assert not Signature.objects.filter(state="invalidated").exists() and not AuditEntry.objects.exists()


def test_the_trending_page_is_for_those_who_may_see_signatures(client):
    staff(client, "view_ratelimit")
    assert client.get("/admin/defence/ratelimit/trending/").status_code == 403


def test_editing_a_rate_limit_is_recorded_with_the_fields_changed(admin_client, admin_user):
    limit = RateLimit.objects.create()
    data = {f.name: getattr(limit, f.name) for f in RateLimit._meta.fields if f.name not in ("id", "campaign")}
    data["network_burst"] = 99
    response = admin_client.post(f"/admin/defence/ratelimit/{limit.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = only_entry()
    assert (entry.actor, entry.action, entry.data) == (admin_user, "defence.ratelimit.changed", {"fields": ["network_burst"]})


def test_adding_to_a_block_list_is_recorded(admin_client, admin_user):
    response = admin_client.post(
        "/admin/defence/listentry/add/", {"action": "block", "kind": "domain", "value": "spam.example", "note": ""}
    )
    assert response.status_code == 302
    entry = only_entry()
    assert entry.action == "defence.listentry.added" and "spam.example" not in entry.object_repr


# Local fights


def test_publishing_local_actions_needs_change_and_is_recorded(client, default_content):
    user = staff(client, "view_localaction")
    chicago = LocalAction.objects.get(city="Chicago")
    LocalAction.objects.filter(pk=chicago.pk).update(published=False)
    run_action(client, "/admin/local_actions/localaction/", "publish", chicago)
    assert not LocalAction.objects.get(pk=chicago.pk).published and not AuditEntry.objects.exists()

    user.user_permissions.add(Permission.objects.get(codename="change_localaction"))
    response = run_action(client, "/admin/local_actions/localaction/", "publish", chicago)
    assert "1 local action published." in response.content.decode()
    entry = only_entry()
    assert (entry.actor, entry.action, entry.rows) == (user, "local_actions.publish", 1)


def submission(**fields):
    values = {"city": "Tulsa", "state": "OK", "status": "proposed", "description": "A pilot.",
              "contact_name": "Ana Ruiz", "contact_email": "ana@example.org", **fields}  # fmt: skip
    return Submission.objects.create(**values)


def test_approving_or_rejecting_a_submission_is_recorded_without_the_contact(admin_client, admin_user):
    first, second = submission(), submission(city="Reno", state="NV")
    run_action(admin_client, "/admin/local_actions/submission/", "approve", first)
    run_action(admin_client, "/admin/local_actions/submission/", "reject", second)
    entries = list(AuditEntry.objects.order_by("pk"))
    assert [(e.action, e.actor) for e in entries] == [("local_actions.approve", admin_user), ("local_actions.reject", admin_user)]
    assert entries[0].data == {"local_action": LocalAction.objects.get(city="Tulsa").pk, "draft": True}
    assert "Tulsa, OK" in entries[0].object_repr
    assert not any("Ana" in e.object_repr for e in entries)


def test_a_staff_member_who_may_only_view_submissions_cannot_approve_them(client):
    staff(client, "view_submission", "view_localaction")
    pending = submission()
    run_action(client, "/admin/local_actions/submission/", "approve", pending)
    assert Submission.objects.get().review == "pending" and not LocalAction.objects.exists()


def test_approving_needs_the_right_to_change_the_map_too(client):
    staff(client, "view_submission", "change_submission")
    run_action(client, "/admin/local_actions/submission/", "approve", submission())
    assert Submission.objects.get().review == "pending" and not LocalAction.objects.exists()


# Contact


def message(**fields):
    return ContactMessage.objects.create(name="Ana Ruiz", email="ana@example.org", message="Hello", **fields)


def test_closing_messages_needs_change_and_is_recorded(client):
    user = staff(client, "view_contactmessage")
    new = message()
    run_action(client, "/admin/contact/contactmessage/", "close", new)
    assert ContactMessage.objects.get().status == "new" and not AuditEntry.objects.exists()

    user.user_permissions.add(Permission.objects.get(codename="change_contactmessage"))
    run_action(client, "/admin/contact/contactmessage/", "close", new)
    assert ContactMessage.objects.get().status == "closed"
    entry = only_entry()
    assert (entry.actor, entry.action, entry.rows) == (user, "contact.close", 1)


def test_a_reply_is_recorded_without_naming_the_sender(admin_client, admin_user):
    new = message()
    response = admin_client.post(f"/admin/contact/contactmessage/{new.pk}/reply/", {"body": "Thanks!", "replies_seen": 0})
    assert response.status_code == 302
    entry = only_entry()
    assert (entry.actor, entry.action, entry.object_id) == (admin_user, "contact.answer", str(new.pk))
    assert "Ana" not in entry.object_repr


def test_deleting_a_message_is_recorded_without_naming_the_sender(admin_client):
    new = message()
    response = admin_client.post(f"/admin/contact/contactmessage/{new.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ContactMessage.objects.exists()
    entry = only_entry()
    assert entry.action == "contact.contactmessage.deleted" and "Ana" not in entry.object_repr


# Pages


def test_a_page_edit_and_its_sources_are_recorded(admin_client, admin_user):
    page = Page.objects.create(slug="x", title="X", body="Text")
    response = admin_client.post(
        f"/admin/pages/page/{page.pk}/change/",
        {"slug": "x", "kind": page.kind, "title_en": "Y", "title_es": "", "summary_en": "", "summary_es": "",
         "body_en": "Text", "body_es": "", "published": "on", "position": 0,
         "sources-TOTAL_FORMS": 1, "sources-INITIAL_FORMS": 0, "sources-0-position": 1, "sources-0-title": "A report",
         "sources-0-language": "en", "sources-0-outlet": "", "sources-0-date": "", "sources-0-url": "https://example.org/report"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "data"))
    (page_action, page_data), inline_entry = entries
    assert page_action == "pages.page.changed"
    # The English title changed (django-modeltranslation keeps one column per language); nothing else did.
    assert page_data["fields"] == ["title_en"]
    assert inline_entry == ("pages.page.changed", {"inline": "source", "added": 1, "changed": 0, "deleted": 0})
