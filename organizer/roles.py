"""Volunteer roles shipped as groups: give a person a role by adding them to its group.

The groups are brought up to date after every `migrate` (and by `manage.py setup_roles`):
a permission added or removed here reaches every deployment. Make a group of your own
for anything in between; these three are reset to what this file says.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Apps whose models are the organizers' work (not the technical ones: auth, axes, OTP, tasks).
ORGANIZER_APPS = [
    "pages", "press", "local_actions", "evidence", "letters", "signatures", "defence", "contact", "updates",
    "delivery", "audit", "api",
]  # fmt: skip

EDITOR = "Editor"
MODERATOR = "Moderator"
COORDINATOR = "Coordinator"

# What each role is for, shown in the README and on the organizer home.
DESCRIPTIONS = {
    EDITOR: _("Edits the site's content: pages, press, local fights and their letters and fact sheets."),
    MODERATOR: _("Reviews signatures, submitted local fights and contact messages; cannot erase or export."),
    COORDINATOR: _("Does everything organizers do, erasure and exports included; cannot manage users."),
}


def _all(*apps):
    return Q(content_type__app_label__in=apps)


def _codenames(app, *codenames):
    return Q(content_type__app_label=app, codename__in=codenames)


def wanted() -> dict[str, Q]:
    editor = _all("pages", "press", "local_actions", "evidence", "letters") & ~Q(codename="export_letters")
    editor |= _codenames("signatures", "view_campaign") | _codenames("audit", "view_auditentry")
    moderator = (
        _codenames("signatures", "view_signature", "change_signature", "view_campaign")
        | _codenames("local_actions", "view_submission", "change_submission", "view_localaction")
        | _codenames("contact", "view_contactmessage", "change_contactmessage")
        | _codenames("defence", "view_ratelimit", "view_listentry", "view_invalidation")
        | _codenames("audit", "view_auditentry")
    )
    # Coordinators: everything in the organizers' apps. The API tokens hand data to partners: kept too,
    # since coordinators run the partnerships; users and groups stay with administrators.
    coordinator = _all(*ORGANIZER_APPS) & ~Q(codename__in=["add_auditentry", "change_auditentry", "delete_auditentry"])
    return {EDITOR: editor, MODERATOR: moderator, COORDINATOR: coordinator}


def sync() -> dict[str, int]:
    """Create the three groups and give each exactly its permissions; returns how many each has."""
    done = {}
    for name, query in wanted().items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = list(Permission.objects.filter(query))
        group.permissions.set(permissions)
        done[name] = len(permissions)
    return done


def sync_after_migrate(sender, using="default", **kwargs):
    if using == "default":
        sync()
