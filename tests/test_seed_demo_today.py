"""``manage.py seed_demo`` on the day someone tries it: the pilot's timeline is placed
relative to today (demo/timeline.py), so the to-do lists have real items."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from coaching.models import GuidanceSession
from demo.credentials import jobcoach_email
from municipalities.models import Municipality, User
from placements.models import BenefitCheck, BenefitPeriod, Placement, ProgressReview

LISTS = ("ending_soon", "reviews_due", "benefit_checks", "proposals")


@pytest.mark.django_db
def test_seed_demo_is_alive_on_the_day_it_is_tried(db):
    """Built today: no fact after today, and each role's home page has real items."""
    from django.utils import timezone

    from placements.selectors import jobcoach_todo

    today = timezone.localdate()
    call_command("seed_demo", stdout=StringIO())

    facts = [
        *Placement.objects.exclude(actual_end=None).values_list("actual_end", flat=True),
        *BenefitPeriod.objects.values_list("start_date", flat=True),
        *ProgressReview.objects.values_list("held_on", flat=True),
        *GuidanceSession.objects.values_list("held_on", flat=True),
        *BenefitCheck.objects.values_list("checked_on", flat=True),
    ]
    assert today - timedelta(days=30) < max(facts) <= today
    found = dict.fromkeys(LISTS, 0)
    per_jobcoach = {}
    for municipality in Municipality.objects.all():
        jobcoach = User.objects.get(email=jobcoach_email(municipality.code))
        todo = jobcoach_todo(user=jobcoach, today=today)
        for name in LISTS:
            found[name] += len(getattr(todo, name))
        per_jobcoach[municipality.code] = sum(len(getattr(todo, name)) for name in LISTS)
    assert min(per_jobcoach.values()) >= 1, per_jobcoach
    # Across the pilot every list of the jobcoach's home page has a few real items.
    assert all(count >= 2 for count in found.values()), found
