"""A signature's own admin page: its actions and the name correction, without going back to the list."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from audit.models import AuditEntry
from organizer import roles
from signatures.models import Signature

pytestmark = pytest.mark.django_db


def signature(campaign, **fields):
    values = {"state": "verified", "verified_at": timezone.now(), "checked": True, "name": "Jose Nunez",
              "email_hash": f"h{Signature.objects.count()}"}  # fmt: skip
    values.update(fields)
    return Signature.objects.create(campaign=campaign, **values)


def page(client, sig):
    return client.get(f"/admin/signatures/signature/{sig.pk}/change/").content.decode()


def act(client, sig, action, **extra):
    return client.post(f"/admin/signatures/signature/{sig.pk}/act/", {"action": action, **extra})


def in_role(client, role):
    roles.sync()
    user = User.objects.create_user(role.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def test_the_page_offers_only_what_applies_to_this_signature(admin_client, petition, letter):
    verified = page(admin_client, signature(petition))
    assert 'value="flag"' in verified and 'value="erase"' in verified and 'value="invalidate"' in verified
    assert 'value="unflag"' not in verified and 'value="approve"' not in verified
    flagged = page(admin_client, signature(petition, state="flagged"))
    assert 'value="unflag"' in flagged and 'value="flag"' not in flagged
    organization = page(admin_client, signature(letter, kind="organization", organization="Oakland Privacy"))
    assert 'value="approve"' in organization


def test_flag_and_unflag_from_the_page_come_back_to_it_and_are_recorded(admin_client, admin_user, petition):
    sig = signature(petition)
    response = act(admin_client, sig, "flag")
    assert response.status_code == 302 and response["Location"].endswith(f"/signature/{sig.pk}/change/")
    sig.refresh_from_db()
    assert sig.state == "flagged"
    act(admin_client, sig, "unflag")
    sig.refresh_from_db()
    assert sig.state == "verified"
    assert list(AuditEntry.objects.order_by("id").values_list("action", "rows")) == [
        ("signatures.flag", 1), ("signatures.unflag", 1)
    ]  # fmt: skip


def test_approving_an_organization_from_its_page(admin_client, letter):
    sig = signature(letter, kind="organization", organization="Oakland Privacy")
    act(admin_client, sig, "approve")
    sig.refresh_from_db()
    assert sig.approved_at is not None
    assert AuditEntry.objects.get().action == "signatures.approve"


def test_erasing_from_the_page_asks_first_then_erases(admin_client, petition):
    sig = signature(petition, name="Forget Me", counted=True)
    asked = act(admin_client, sig, "erase")
    text = asked.content.decode()
    assert "This affects 1 signature." in text and "Yes, erase their data" in text
    assert f"/signature/{sig.pk}/change/" in text  # "No, take me back" goes back to the signature
    assert Signature.objects.get(pk=sig.pk).name == "Forget Me"
    done = act(admin_client, sig, "erase", confirmed="yes", _selected_action=sig.pk)
    assert done.status_code == 302
    assert Signature.objects.get(pk=sig.pk).name == ""  # counted: an anonymous row stays until the counters run
    assert AuditEntry.objects.get().action == "signatures.erase"


def test_an_action_that_does_not_apply_or_is_not_allowed_is_refused(client, admin_client, petition):
    sig = signature(petition)
    assert act(admin_client, sig, "unflag").status_code == 403  # not flagged
    assert act(admin_client, sig, "delete_selected").status_code == 403
    assert admin_client.get(f"/admin/signatures/signature/{sig.pk}/act/").status_code == 405
    in_role(client, "Moderator")
    assert act(client, sig, "erase").status_code == 403  # moderators do not erase
    assert act(client, sig, "flag").status_code == 302


def test_a_moderator_corrects_a_misspelt_name_and_the_history_keeps_no_names(client, petition):
    sig = signature(petition, name="Jose Nunz")
    user = in_role(client, "Moderator")
    assert "Correct a misspelt name" in page(client, sig)
    response = client.post(f"/admin/signatures/signature/{sig.pk}/name/", {"name": "José Núñez"}, follow=True)
    assert "The name is corrected." in response.content.decode()
    sig.refresh_from_db()
    assert sig.name == "José Núñez" and sig.state == "verified"
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_id, entry.data) == (user, "signatures.correct_name", str(sig.pk),
                                                                        {"field": "name"})  # fmt: skip
    assert "Nu" not in entry.object_repr and "Nu" not in str(entry.data)


def test_an_organization_name_is_corrected_not_its_contact(admin_client, letter):
    sig = signature(letter, kind="organization", organization="Oakland Privasy", name="Tracy Rosenberg")
    admin_client.post(f"/admin/signatures/signature/{sig.pk}/name/", {"name": "Oakland Privacy"})
    sig.refresh_from_db()
    assert (sig.organization, sig.name) == ("Oakland Privacy", "Tracy Rosenberg")


def test_a_bad_name_is_refused_with_a_message(admin_client, petition):
    sig = signature(petition)
    for bad in ["", "<b>Jose</b>", "x" * 101]:
        response = admin_client.post(f"/admin/signatures/signature/{sig.pk}/name/", {"name": bad}, follow=True)
        assert response.status_code == 200
        assert "class=\"error\"" in response.content.decode()
    sig.refresh_from_db()
    assert sig.name == "Jose Nunez"
    assert not AuditEntry.objects.exists()


def test_an_erased_signature_has_no_name_to_correct(admin_client, petition):
    sig = signature(petition, state="withdrawn", name="")
    assert "Correct a misspelt name" not in page(admin_client, sig)
    response = admin_client.post(f"/admin/signatures/signature/{sig.pk}/name/", {"name": "Someone"}, follow=True)
    assert "no name left to correct" in response.content.decode()
    assert Signature.objects.get(pk=sig.pk).name == ""


def test_who_may_correct_a_name(client, petition):
    sig = signature(petition)
    url = f"/admin/signatures/signature/{sig.pk}/name/"
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_signature"))
    client.force_login(viewer)
    assert "Correct a misspelt name" not in page(client, sig)
    assert client.post(url, {"name": "Changed"}).status_code == 403
    in_role(client, "Editor")
    assert client.post(url, {"name": "Changed"}).status_code == 403
    in_role(client, "Coordinator")
    assert client.post(url, {"name": "Changed"}).status_code == 302
    assert Signature.objects.get(pk=sig.pk).name == "Changed"
