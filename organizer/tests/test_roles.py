import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_editor_edits_content_and_local_fights_only(member, client):
    user = member("Editor")
    for perm in ["pages.change_page", "press.add_pressitem", "local_actions.change_localaction",
                 "local_actions.add_localactionsource", "letters.change_letteraction"]:  # fmt: skip
        assert user.has_perm(perm), perm
    for perm in ["signatures.view_signature", "signatures.erase_signature", "signatures.export_signature",
                 "contact.view_contactmessage", "auth.change_user", "letters.export_letters"]:  # fmt: skip
        assert not user.has_perm(perm), perm
    client.force_login(user)
    assert client.get("/admin/pages/page/add/").status_code == 200
    assert client.get("/admin/signatures/signature/").status_code == 403


def test_moderator_reviews_but_cannot_erase_or_export(member, client, campaign):
    user = member("Moderator")
    for perm in ["signatures.change_signature", "local_actions.change_submission", "contact.change_contactmessage"]:
        assert user.has_perm(perm), perm
    for perm in ["signatures.erase_signature", "signatures.export_signature", "pages.change_page", "auth.view_user",
                 "updates.add_update"]:  # fmt: skip
        assert not user.has_perm(perm), perm
    client.force_login(user)
    assert client.get("/admin/signatures/signature/").status_code == 200
    assert client.get(f"/admin/signatures/campaign/{campaign.pk}/export/").status_code == 403
    assert client.get("/admin/local_actions/submission/").status_code == 200


def test_coordinator_does_everything_organizers_do_but_not_users(member, client, campaign):
    user = member("Coordinator")
    for perm in ["signatures.erase_signature", "signatures.export_signature", "updates.approve_update",
                 "pages.change_sitesettings", "defence.add_invalidation", "letters.export_letters"]:  # fmt: skip
        assert user.has_perm(perm), perm
    for perm in ["auth.change_user", "auth.add_group", "otp_totp.view_totpdevice", "axes.view_accessattempt"]:
        assert not user.has_perm(perm), perm
    client.force_login(user)
    assert client.get(f"/admin/signatures/campaign/{campaign.pk}/export/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403


def test_setup_roles_restores_a_role_someone_emptied(member):
    from django.contrib.auth.models import Group

    member("Editor")
    Group.objects.get(name="Editor").permissions.clear()
    call_command("setup_roles", stdout=io.StringIO())
    assert Group.objects.get(name="Editor").permissions.filter(codename="change_page").exists()


def test_only_coordinators_set_a_campaigns_goal(member, client, campaign):
    form = {"kind": "petition", "title_en": campaign.title, "title_es": "", "slug": campaign.slug,
            "target_en": campaign.target, "target_es": "", "summary_en": campaign.summary, "summary_es": "",
            "body_en": campaign.body, "body_es": "", "published": "on", "is_open": "on", "goal": "5000"}  # fmt: skip
    url = f"/admin/signatures/campaign/{campaign.pk}/change/"
    for role in ["Editor", "Moderator"]:
        client.force_login(member(role))
        client.post(url, form)
        campaign.refresh_from_db()
        assert campaign.goal is None, role
    client.force_login(member("Coordinator"))
    assert client.post(url, form).status_code == 302
    campaign.refresh_from_db()
    assert campaign.goal == 5000
