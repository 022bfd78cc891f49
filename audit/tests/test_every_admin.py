"""Every admin of the project: a staff member who may only view changes nothing, and every edit is recorded.

These walk the admin site's registry, so an admin added later is held to the same rules.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.test import RequestFactory

from audit.admin import AuditedAdmin

pytestmark = pytest.mark.django_db

# Admins that change nothing by hand: what they show is written by services (each records it).
READ_ONLY = {"audit.AuditEntry", "signatures.Signature", "defence.Invalidation", "defence.NetworkAllowance"}


def project_admins():
    ours = {app.split(".")[0] for app in settings.INSTALLED_APPS if (settings.BASE_DIR / app.split(".")[0]).is_dir()}
    return [
        (f"{model._meta.app_label}.{model.__name__}", model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ours
    ]


@pytest.fixture
def viewer():
    """A staff member who may view everything and change nothing."""
    user = User.objects.create_user("viewer", password="a long enough password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return User.objects.get(pk=user.pk)  # fresh, without a stale permission cache


def test_the_project_has_admins_to_check():
    names = {name for name, _ in project_admins()}
    assert {"signatures.Signature", "contact.ContactMessage", "local_actions.Submission", "pages.Page"} <= names


def test_a_view_only_staff_member_is_offered_no_action_anywhere(viewer):
    offered = {}
    for model, model_admin in admin.site._registry.items():
        request = RequestFactory().get("/admin/")
        request.user = viewer
        actions = model_admin.get_actions(request)
        if actions:
            offered[f"{model._meta.app_label}.{model.__name__}"] = sorted(actions)
    assert offered == {}


@pytest.mark.parametrize(("name", "model_admin"), project_admins(), ids=[name for name, _ in project_admins()])
def test_every_admin_that_edits_records_its_edits(name, model_admin):
    assert isinstance(model_admin, AuditedAdmin) or name in READ_ONLY


def test_the_read_only_admins_are_read_only(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    for name in READ_ONLY:
        model_admin = admin.site._registry[apps.get_model(name)]
        assert not model_admin.has_change_permission(request), name
        assert not model_admin.has_delete_permission(request), name
