import pytest

from core.default_content import load_all
from letters.models import LetterAction, Official

pytestmark = pytest.mark.django_db


def test_two_fights_ship_a_letter_whose_officials_are_marked_examples(client):
    load_all()
    actions = LetterAction.objects.select_related("local_action")
    assert sorted(str(a.local_action) for a in actions) == ["Boston, MA", "Detroit, MI"]
    assert all(a.is_open() for a in actions)
    officials = Official.objects.all()
    assert officials and all(o.is_example and o.email.endswith("@example.org") for o in officials)
    page = client.get(actions[0].local_action.get_absolute_url()).content.decode()
    assert "letters are not emailed to them" in page
    load_all()  # loading again duplicates nothing
    assert LetterAction.objects.count() == 2
