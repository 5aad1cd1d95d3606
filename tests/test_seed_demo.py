"""``manage.py seed_demo``: a believable, valid and reproducible demo pilot.

Seeding takes seconds, so the module seeds once inside a transaction of its own that is rolled
back at the end; every test runs in a savepoint inside it (the ``db`` fixture) and so sees the
demo and leaves it as it found it.
"""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction

from coaching.models import Entrepreneur, GuidanceSession
from demo.credentials import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_accounts, jobcoach_email
from demo.plan import build_plan
from demo.timeline import DATA_UNTIL
from kernel.dates import add_months
from kernel.models import PilotSettings
from municipalities.enums import Role
from municipalities.models import AuditEvent, Municipality, RoleAssignment, User
from placements.enums import (
    ENDED_STATUSES,
    NEXT_STATUSES,
    BenefitCheckOutcome,
    BenefitEndReason,
    ChangeSource,
    PlacementEndReason,
    PlacementStatus,
)
from placements.models import (
    BenefitCheck,
    BenefitPeriod,
    ConsentRecord,
    HostEvaluation,
    Jobseeker,
    Placement,
    PlacementStateChange,
    ProgressReview,
)
from placements.selectors import benefit_checks_due

CBS_CODES = {
    "GM0917": "Heerlen",
    "GM0193": "Zwolle",
    "GM0363": "Amsterdam",
    "GM0599": "Rotterdam",
    "GM0344": "Utrecht",
    "GM0014": "Groningen",
    "GM0772": "Eindhoven",
    "GM0855": "Tilburg",
    "GM0153": "Enschede",
    "GM0080": "Leeuwarden",
}

ALL_MODELS = [
    Municipality,
    User,
    RoleAssignment,
    Entrepreneur,
    GuidanceSession,
    Jobseeker,
    ConsentRecord,
    BenefitPeriod,
    Placement,
    BenefitCheck,
    PlacementStateChange,
    ProgressReview,
]


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """Seed once for the module; roll it all back afterwards."""
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            out = StringIO()
            # On the fixed calendar (the demo's day moves it as a whole: see the tests below).
            call_command("seed_demo", "--today", DATA_UNTIL.isoformat(), stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)


def _rows(queryset, *fields):
    # repr as the sort key: rows mix None with dates and strings.
    return sorted(queryset.values_list(*fields), key=repr)


def canonical_dump() -> dict[str, list[tuple]]:
    """Every table's rows by natural keys, without ids, hashes or write timestamps."""
    return {
        "settings": _rows(
            PilotSettings.objects,
            "name",
            "target_ratio",
            "follow_up_months",
            "internship_min_months",
            "internship_max_months",
            "interns_per_entrepreneur",
            "budget_eur",
        ),
        "municipalities": _rows(Municipality.objects, "code", "name", "planned_places"),
        "users": _rows(
            User.objects,
            "email",
            "full_name",
            "is_active",
            "is_staff",
            "is_superuser",
            "date_joined",
        ),
        "roles": _rows(RoleAssignment.objects, "user__email", "role", "municipality__code"),
        "entrepreneurs": _rows(
            Entrepreneur.objects,
            "ref",
            "municipality__code",
            "trade_name",
            "kvk_number",
            "prior_support",
            "imk_coach__email",
            "contact_name",
            "contact_phone",
            "contact_email",
        ),
        "sessions": _rows(
            GuidanceSession.objects,
            "entrepreneur__ref",
            "municipality__code",
            "coach__email",
            "held_on",
            "minutes",
            "mode",
            "topics",
            "notes",
        ),
        "jobseekers": _rows(
            Jobseeker.objects,
            "ref",
            "municipality__code",
            "given_name",
            "family_name",
            "birth_date",
            "client_number",
            "email",
            "phone",
        ),
        "consents": _rows(
            ConsentRecord.objects,
            "jobseeker__ref",
            "municipality__code",
            "purpose",
            "given_on",
            "information_version",
            "recorded_by__email",
            "source",
            "withdrawn_on",
            "withdrawn_by__email",
            "withdrawal_source",
        ),
        "benefits": _rows(
            BenefitPeriod.objects,
            "jobseeker__ref",
            "municipality__code",
            "benefit_type",
            "start_date",
            "end_date",
            "end_reason",
            "monthly_amount",
        ),
        "placements": _rows(
            Placement.objects,
            "ref",
            "municipality__code",
            "jobseeker__ref",
            "entrepreneur__ref",
            "status",
            "planned_start",
            "planned_end",
            "hours_per_week",
            "actual_start",
            "actual_end",
            "end_reason",
        ),
        "state_changes": _rows(
            PlacementStateChange.objects,
            "placement__ref",
            "municipality__code",
            "from_status",
            "to_status",
            "changed_by__email",
            "changed_at",
            "source",
        ),
        "reviews": _rows(
            ProgressReview.objects,
            "placement__ref",
            "municipality__code",
            "author__email",
            "held_on",
            "notes",
            "next_review_on",
        ),
        "audit": _rows(AuditEvent.objects, "action", "object_type", "object_ref"),
    }


def test_seed_demo_creates_the_ten_municipalities(demo_output, db):
    assert dict(Municipality.objects.values_list("code", "name")) == CBS_CODES
    assert set(Municipality.objects.values_list("planned_places", flat=True)) == {10}
    assert Municipality.objects.get(code="GM0917").name == "Heerlen"


def test_seed_demo_creates_ten_entrepreneurs_and_ten_jobseekers_per_municipality(demo_output, db):
    assert Entrepreneur.objects.count() == 100
    assert Jobseeker.objects.count() == 100
    for municipality in Municipality.objects.all():
        assert municipality.entrepreneurs.count() == 10
        assert municipality.jobseekers.count() == 10
    heerlen_refs = Jobseeker.objects.filter(municipality__code="GM0917").values_list(
        "ref", flat=True
    )
    assert sorted(heerlen_refs) == [f"HRL-{n:03d}" for n in range(1, 11)]
    assert len(set(Entrepreneur.objects.values_list("kvk_number", flat=True))) == 100
    assert len(set(Entrepreneur.objects.values_list("trade_name", flat=True))) == 100
    assert set(Entrepreneur.objects.values_list("prior_support", flat=True)) == {
        "bbz_start",
        "bbz_restart",
        "other",
    }
    coaches = User.objects.filter(role_assignments__role=Role.IMK_COACH)
    assert Entrepreneur.objects.exclude(imk_coach__in=coaches).count() == 0
    assert {jobseeker.research_consent for jobseeker in Jobseeker.objects.all()} == {
        "yes",
        "no",
        "unknown",
    }
    # Recorded by the municipality's jobcoach, never dated after the demo's calendar.
    consents = ConsentRecord.objects.select_related("recorded_by", "jobseeker__municipality")
    assert {c.recorded_by.email for c in consents} == {jobcoach_email(code) for code in CBS_CODES}
    assert max(c.given_on for c in consents) <= DATA_UNTIL
    assert {(c.purpose, c.withdrawn_on is None) for c in consents} == {
        ("research", True),
        ("research", False),
        ("follow_up", True),
    }


def test_seed_demo_uses_every_placement_status(demo_output, db):
    assert set(Placement.objects.values_list("status", flat=True)) == set(PlacementStatus.values)


def test_seed_demo_uses_every_end_reason_for_terminated_placements(demo_output, db):
    reasons = Placement.objects.filter(status=PlacementStatus.TERMINATED).values_list(
        "end_reason", flat=True
    )
    assert set(reasons) == set(PlacementEndReason.values)


def test_seed_demo_uses_every_benefit_end_reason(demo_output, db):
    reasons = BenefitPeriod.objects.exclude(end_reason="").values_list("end_reason", flat=True)
    assert set(reasons) == set(BenefitEndReason.values)


def test_seed_demo_rows_pass_full_clean(demo_output, db):
    for model in ALL_MODELS:
        for row in model.objects.all():
            row.full_clean()


def test_seed_demo_keeps_internships_one_at_a_time(demo_output, db):
    started = Placement.objects.exclude(actual_start=None).order_by("actual_start", "ref")
    for key in ("jobseeker_id", "entrepreneur_id"):
        last_end: dict[int, date] = {}
        for placement in started:
            owner = getattr(placement, key)
            assert owner not in last_end or last_end[owner] < placement.actual_start, placement.ref
            last_end[owner] = placement.actual_end or date.max
    for placement in started.exclude(actual_end=None):
        length_ok = placement.actual_end < add_months(placement.actual_start, 3)
        assert length_ok == (placement.status == PlacementStatus.TERMINATED), placement.ref


def test_seed_demo_records_every_step_of_every_placement(demo_output, db):
    jobcoaches = dict(
        RoleAssignment.objects.filter(role=Role.JOBCOACH).values_list("municipality_id", "user_id")
    )
    for placement in Placement.objects.prefetch_related("state_changes"):
        changes = list(placement.state_changes.all())
        assert changes[0].from_status == ""
        assert changes[-1].to_status == placement.status
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.to_status in NEXT_STATUSES[before.to_status]
            assert after.changed_at > before.changed_at
        assert {c.source for c in changes} == {ChangeSource.DEMO}
        assert {c.changed_by_id for c in changes} == {jobcoaches[placement.municipality_id]}


def test_seed_demo_holds_no_fact_after_its_timeline(demo_output, db):
    # Only upcoming internships and planned next reviews lie beyond DATA_UNTIL.
    facts = [
        *Placement.objects.exclude(actual_start=None).values_list("actual_start", flat=True),
        *Placement.objects.exclude(actual_end=None).values_list("actual_end", flat=True),
        *BenefitPeriod.objects.values_list("start_date", flat=True),
        *BenefitPeriod.objects.exclude(end_date=None).values_list("end_date", flat=True),
        *ProgressReview.objects.values_list("held_on", flat=True),
        *GuidanceSession.objects.values_list("held_on", flat=True),
        *BenefitCheck.objects.values_list("checked_on", flat=True),
        *HostEvaluation.objects.values_list("evaluated_on", flat=True),
        *(
            moment.date()
            for moment in PlacementStateChange.objects.values_list("changed_at", flat=True)
        ),
    ]
    assert max(facts) <= DATA_UNTIL


def test_seed_demo_records_benefit_checks_and_leaves_some_overdue(demo_output, db):
    assert set(BenefitCheck.objects.values_list("outcome", flat=True)) == set(
        BenefitCheckOutcome.values
    )
    overdue = [
        check.overdue
        for municipality in Municipality.objects.all()
        for check in benefit_checks_due(
            user=User.objects.get(email=jobcoach_email(municipality.code)), today=DATA_UNTIL
        )
    ]
    assert 0 < overdue.count(True) < len(overdue)


def test_seed_demo_evaluates_most_ended_internships_by_their_imk_coach(demo_output, db):
    ended = Placement.objects.filter(status__in=ENDED_STATUSES)
    evaluations = HostEvaluation.objects.select_related("placement__entrepreneur")

    assert 0 < evaluations.count() < ended.count()
    assert all(e.recorded_by_id == e.placement.entrepreneur.imk_coach_id for e in evaluations)
    assert all(e.evaluated_on >= e.placement.actual_end for e in evaluations)


def test_seed_demo_has_logins_for_every_role(demo_output, db):
    for account in demo_accounts():
        user = authenticate(username=account.email, password=DEMO_PASSWORD)
        assert user is not None, account.email
        assert account.email in demo_output
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    heerlen = RoleAssignment.objects.get(user__email="jobcoach.heerlen@pilot.example")
    assert (heerlen.role, heerlen.municipality.code) == (Role.JOBCOACH, "GM0917")
    assert DEMO_PASSWORD in demo_output


def test_seed_demo_logins_have_the_printed_second_factor(demo_output, db):
    from allauth.mfa.models import Authenticator

    from tests.factories import totp_code

    secrets = {
        a.user.email: a.data["secret"]
        for a in Authenticator.objects.filter(type="totp").select_related("user")
    }
    assert secrets == {account.email: DEMO_TOTP_SECRET for account in demo_accounts()}
    assert f"authenticator app, the same for every demo sign-in): {DEMO_TOTP_SECRET}" in (
        demo_output
    )
    out = StringIO()
    before = totp_code(DEMO_TOTP_SECRET)
    call_command("demo_totp_code", stdout=out, stderr=StringIO())
    # The 30-second step may turn during the command.
    assert out.getvalue().strip() in {before, totp_code(DEMO_TOTP_SECRET)}


def test_seed_demo_second_run_changes_nothing(demo_output, db):
    before = canonical_dump()
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert canonical_dump() == before
    assert "already holds pilot data" in out.getvalue()
    assert "beheer@pilot.example" in out.getvalue()


def test_seed_demo_reset_is_the_owners_the_application_role_may_not_delete_the_audit_log(
    demo_output, db
):
    # tests/test_seed_demo_reset.py resets as the owner.
    before = canonical_dump()
    events = AuditEvent.objects.count()

    with pytest.raises(CommandError, match="deletes the audit log, which this database role"):
        call_command("seed_demo", "--reset", "--seed", "2026", stdout=StringIO())

    assert canonical_dump() == before
    assert AuditEvent.objects.count() == events


def test_build_plan_depends_on_the_seed_only():
    assert build_plan(2026) == build_plan(2026)
    assert build_plan(7) != build_plan(2026)


def test_build_plan_draws_the_pilot_on_a_calendar_moved_to_the_week_before_today():
    fixed = build_plan(2026)
    today = date(2027, 5, 19)  # a Wednesday; DATA_UNTIL is a Saturday

    moved = build_plan(2026, today)

    assert moved == build_plan(2026, today)  # the same seed and day: the same demo
    assert build_plan(2026, DATA_UNTIL) == fixed
    assert moved.data_until == date(2027, 5, 15)
    assert (fixed.data_until, DATA_UNTIL) == (date(2026, 10, 31), date(2026, 10, 31))
    delta = moved.data_until - DATA_UNTIL
    # The same people and internships, on the moved calendar; the module's dates restored.
    assert [p.ref for p in moved.placements] == [p.ref for p in fixed.placements]
    assert [p.status for p in moved.placements] == [p.status for p in fixed.placements]
    starts = [p.planned_start - delta for p in moved.placements]
    assert (
        max(
            abs((a - b).days)
            for a, b in zip(starts, [p.planned_start for p in fixed.placements], strict=True)
        )
        <= 7
    )
    facts = [m.date() for p in moved.placements for _s, m in p.steps]
    assert max(facts) <= moved.data_until
    assert max(c.checked_on for c in moved.checks) <= moved.data_until
