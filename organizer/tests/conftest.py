import pytest
from django.contrib.auth.models import Group, User

from organizer import roles
from signatures.models import Campaign


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(kind="petition", slug="stop-it", title="Stop it", target="Mayor", summary="s", body="b")


@pytest.fixture
def member(db):
    """member("Editor") -> a staff user in that shipped group."""

    roles.sync()  # what migrate does; the test database may have been flushed since

    def make(role):
        user = User.objects.create_user(role.lower(), password="a long enough password", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return User.objects.get(pk=user.pk)

    return make
