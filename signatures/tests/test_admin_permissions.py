"""Who may do what to signatures in the admin, and the history each action leaves."""

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from audit.models import AuditEntry
from signatures.models import Signature

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/signatures/signature/"


def staff(client, *codenames):
    user = User.objects.create_user("volunteer", password="a long enough password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="signatures", codename__in=codenames))
    client.force_login(user)
    return user


def signature(campaign, **fields):
    values = {
        "campaign": campaign, "name": "Ana Ruiz", "email": "ana@example.org", "email_hash": f"h{Signature.objects.count()}",
        "state": "verified", "verified_at": timezone.now(), "checked": True, **fields,
    }  # fmt: skip
    return Signature.objects.create(**values)


def act(client, action, *rows):
    """Choose the action, and confirm it where the admin asks first (erase, invalidate)."""
    data = {"action": action, "_selected_action": [r.pk for r in rows]}
    response = client.post(CHANGELIST, data, follow=True)
    if 'name="confirmed"' in response.content.decode():
        response = client.post(CHANGELIST, {**data, "confirmed": "yes"}, follow=True)
    return response


@pytest.mark.parametrize("action", ["approve", "invalidate", "flag", "unflag", "erase"])
def test_a_staff_member_who_may_only_view_signatures_changes_nothing(client, letter, action):
    staff(client, "view_signature", "view_campaign")
    rows = [
        signature(letter, kind="organization", organization="Org", approved_at=None),
        signature(letter, state="flagged"),
    ]
    before = list(Signature.objects.order_by("pk").values())
    page = client.get(CHANGELIST).content.decode()
    assert "Ana Ruiz" in page and f'value="{action}"' not in page
    response = act(client, action, *rows)
    assert response.status_code == 200
    assert list(Signature.objects.order_by("pk").values()) == before
    assert not AuditEntry.objects.exists()


def test_moderating_needs_change_and_erasing_its_own_permission(client, petition):
    staff(client, "view_signature", "change_signature")
    row = signature(petition)
    page = client.get(CHANGELIST).content.decode()
    assert 'value="invalidate"' in page and 'value="erase"' not in page
    act(client, "erase", row)
    assert Signature.objects.get().name == "Ana Ruiz"
    assert "1 signature flagged." in act(client, "flag", row).content.decode()
    assert Signature.objects.get().state == "flagged"


def test_a_staff_member_with_the_erase_permission_erases_and_it_is_recorded(client, petition):
    user = staff(client, "view_signature", "erase_signature")
    rows = [signature(petition), signature(petition, name="Bo Li", email="bo@example.org")]
    assert "2 signatures erased." in act(client, "erase", *rows).content.decode()
    assert not Signature.objects.filter(name__in=["Ana Ruiz", "Bo Li"]).exists()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.rows) == (user, "signatures.erase", 2)
    assert "Ana" not in str(entry.data) + entry.object_repr  # the history keeps no erased data


@pytest.mark.parametrize(
    ("action", "fields", "expected"),
    [
        ("approve", {"kind": "organization", "organization": "Org"}, "signatures.approve"),
        ("invalidate", {}, "signatures.invalidate"),
        ("flag", {}, "signatures.flag"),
        ("unflag", {"state": "flagged"}, "signatures.unflag"),
    ],
)
def test_each_moderation_is_recorded_with_who_and_how_many(admin_client, admin_user, letter, action, fields, expected):
    rows = [signature(letter, **fields), signature(letter, **fields)]
    if action == "approve":  # one already approved: not counted again
        rows.append(signature(letter, kind="organization", approved_at=timezone.now()))
    act(admin_client, action, *rows)
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.rows, entry.object_repr) == (admin_user, expected, 2, "signatures")


def test_the_export_is_a_403_without_its_permission_and_recorded_with_it(client, petition):
    user = staff(client, "view_signature", "view_campaign", "change_campaign")
    url = f"/admin/signatures/campaign/{petition.pk}/export/"
    assert client.get(url).status_code == 403
    assert "Signers: " not in client.get("/admin/signatures/campaign/").content.decode()
    user.user_permissions.add(Permission.objects.get(codename="export_signature"))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_repr) == (user, "signatures.export", petition.title)


def test_closing_a_campaign_is_recorded(admin_client, admin_user, petition):
    response = admin_client.post(
        f"/admin/signatures/campaign/{petition.pk}/change/",
        {"kind": "petition", "title_en": petition.title, "title_es": "", "slug": petition.slug,
         "target_en": petition.target, "target_es": "", "summary_en": petition.summary, "summary_es": "",
         "body_en": petition.body, "body_es": "", "published": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    petition.refresh_from_db()
    assert not petition.is_open
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_repr) == (admin_user, "signatures.campaign.changed", petition.title)
    assert "is_open" in entry.data["fields"]
