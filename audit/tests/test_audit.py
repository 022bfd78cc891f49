"""Organizer actions leave a history that organizers can read and nobody can edit."""

import pytest
from django.contrib.auth.models import Permission, User

from audit import services
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_record_names_who_what_and_how_many(admin_user):
    users = User.objects.all()
    entry = services.record(admin_user, "signatures.erase", users, rows=3, data={"reason": "on request"})
    entry.refresh_from_db()
    assert (entry.actor_name, entry.action, entry.rows, entry.data) == ("admin", "signatures.erase", 3, {"reason": "on request"})
    assert entry.object_repr == "users"


def test_record_on_one_object_is_found_in_its_history(admin_user):
    services.record(admin_user, "auth.user.changed", admin_user, data={"fields": ["email"]})
    assert [e.action for e in services.history_of(admin_user)] == ["auth.user.changed"]


def test_name_survives_the_account(admin_user):
    services.record(admin_user, "x.y", admin_user)
    admin_user.delete()
    entry = AuditEntry.objects.get()
    assert entry.actor is None and entry.actor_name == "admin"


def test_history_is_read_only_in_the_admin(admin_client, admin_user):
    entry = services.record(admin_user, "signatures.flag", admin_user)
    assert admin_client.get("/admin/audit/auditentry/").status_code == 200
    assert admin_client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
    assert admin_client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/audit/auditentry/add/").status_code == 403
    assert AuditEntry.objects.count() == 1


def test_staff_without_view_permission_cannot_read_it(client, admin_user):
    staff = User.objects.create_user("volunteer", password="a long enough password", is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/audit/auditentry/").status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    assert client.get("/admin/audit/auditentry/").status_code == 200
