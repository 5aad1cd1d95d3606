"""The shared date rules, as pure functions: today is passed in, nothing touches the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kernel.validators import not_in_future, validate_not_before_1900, validate_not_in_future

D = datetime.date
TODAY = D(2026, 3, 15)


@pytest.mark.parametrize("value", [None, D(1900, 1, 1), D(2026, 3, 15), D(2999, 1, 1)])
def test_validate_not_before_1900_accepts_from_1_january_1900(value):
    validate_not_before_1900(value)


@pytest.mark.parametrize("value", [D(1899, 12, 31), D(202, 5, 1)])
def test_validate_not_before_1900_refuses_earlier_dates(value):
    with pytest.raises(ValidationError) as info:
        validate_not_before_1900(value)
    assert info.value.code == "date_before_1900"
    assert info.value.messages == ["A date before 1 January 1900 cannot be right; check the year."]


@pytest.mark.parametrize("value", [None, D(1900, 1, 1), D(2026, 3, 14), TODAY])
def test_validate_not_in_future_accepts_today_and_before(value):
    validate_not_in_future(value, today=TODAY)


def test_validate_not_in_future_refuses_tomorrow():
    with pytest.raises(ValidationError) as info:
        validate_not_in_future(D(2026, 3, 16), today=TODAY)
    assert info.value.code == "date_in_future"
    assert info.value.messages == [
        "This date lies in the future; record it on or after the day it happens."
    ]


def test_not_in_future_keys_each_future_field():
    errors = not_in_future(
        {"start_date": D(2026, 3, 16), "end_date": None, "held_on": TODAY}, today=TODAY
    )
    assert {name: error.code for name, error in errors.items()} == {"start_date": "date_in_future"}
