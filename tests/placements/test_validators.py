"""The review and benefit-check rules of placements/validators.py, as pure functions."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from placements.validators import validate_benefit_check, validate_progress_review

D = datetime.date


def _codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def _review(**overrides):
    kwargs = {
        "held_on": D(2025, 4, 1),
        "next_review_on": D(2025, 5, 1),
        "actual_start": D(2025, 3, 3),
        "actual_end": None,
    }
    kwargs.update(overrides)
    validate_progress_review(**kwargs)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"held_on": D(2025, 3, 3)},  # the first day counts
        {"actual_end": D(2025, 4, 1)},  # so does the last
        {"next_review_on": None},
    ],
)
def test_validate_progress_review_accepts_a_review_inside_the_internship(overrides):
    _review(**overrides)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"actual_start": None}, {"held_on": ["review_not_started"]}),
        ({"held_on": D(2025, 3, 2)}, {"held_on": ["review_before_internship"]}),
        (
            {"held_on": D(2025, 6, 2), "actual_end": D(2025, 6, 1), "next_review_on": None},
            {"held_on": ["review_after_internship"]},
        ),
        ({"next_review_on": D(2025, 4, 1)}, {"next_review_on": ["next_review_not_after"]}),
        (
            {"held_on": D(2025, 3, 1), "next_review_on": D(2025, 2, 1)},
            {"held_on": ["review_before_internship"], "next_review_on": ["next_review_not_after"]},
        ),
    ],
)
def test_validate_progress_review_refuses(overrides, expected):
    with pytest.raises(ValidationError) as info:
        _review(**overrides)
    assert _codes(info.value) == expected


def test_validate_progress_review_names_the_internship_start():
    with pytest.raises(ValidationError) as info:
        _review(held_on=D(2025, 3, 2))
    assert info.value.messages == [
        "The review cannot be before the internship started (March 3, 2025)."
    ]


def _check(**overrides):
    kwargs = {
        "placement_status": "completed",
        "internship_end": D(2025, 3, 16),
        "checked_on": D(2025, 6, 16),
        "outcome": "still_on_benefits",
        "reason": "",
    }
    kwargs.update(overrides)
    validate_benefit_check(**kwargs)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"placement_status": "terminated", "checked_on": D(2025, 3, 16)},
        {"outcome": "benefits_ended"},
        {"outcome": "could_not_check", "reason": "Not reachable by phone or letter."},
    ],
)
def test_validate_benefit_check_accepts(overrides):
    _check(**overrides)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"placement_status": "active"}, {"placement": ["check_placement_not_ended"]}),
        ({"checked_on": D(2025, 3, 15)}, {"checked_on": ["check_before_internship_end"]}),
        ({"outcome": "could_not_check"}, {"reason": ["check_reason_required"]}),
        ({"outcome": "could_not_check", "reason": "   "}, {"reason": ["check_reason_required"]}),
        ({"reason": "Phoned."}, {"reason": ["unexpected_check_reason"]}),
    ],
)
def test_validate_benefit_check_refuses(overrides, expected):
    with pytest.raises(ValidationError) as info:
        _check(**overrides)
    assert _codes(info.value) == expected
