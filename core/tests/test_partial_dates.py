import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core import partial_dates


def test_it_keeps_the_precision_it_was_given():
    with translation.override("en"):
        assert partial_dates.display("2024-06-20") == "June 20, 2024"
        assert partial_dates.display("2024-06") == "June 2024"
        assert partial_dates.display("2024") == "2024"
        assert partial_dates.display("") == ""


def test_it_parses_to_the_first_day_covered():
    assert partial_dates.parse("2024-06") == datetime.date(2024, 6, 1)


@pytest.mark.parametrize("bad", ["2024-13", "2024-02-30", "June 2024", "24-01-01"])
def test_it_rejects_what_is_not_a_date(bad):
    with pytest.raises(ValidationError):
        partial_dates.validate(bad)
