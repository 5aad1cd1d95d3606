"""The data-completeness pages: exact gaps per kind, links to fix them, and who sees which."""

import datetime
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kernel.dates import add_months
from municipalities.enums import Role
from placements.enums import PlacementStatus
from placements.models import Placement
from reporting.completeness import (
    GAP_KINDS,
    all_municipalities_completeness_counts,
    completeness_gaps,
    gap_counts,
    visible_rows,
)
from reporting.models import SnapshotMunicipality
from reporting.snapshots import snapshot_compute
from tests.factories import (
    BenefitCheckFactory,
    BenefitPeriodFactory,
    HostEvaluationFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def _running(municipality, ref, *, today, started_days_ago=100, planned_end_in=-10):
    start = today - timedelta(days=started_days_ago)
    return PlacementFactory(
        jobseeker=JobseekerFactory(municipality=municipality, ref=f"JS-{ref}"),
        ref=ref,
        status=PlacementStatus.ACTIVE,
        planned_start=start,
        planned_end=today + timedelta(days=planned_end_in),
        actual_start=start,
        actual_end=None,
    )


def _ended(municipality, ref, *, today, ended_days_ago):
    end = today - timedelta(days=ended_days_ago)
    start = end - timedelta(days=150)
    return PlacementFactory(
        jobseeker=JobseekerFactory(municipality=municipality, ref=f"JS-{ref}"),
        ref=ref,
        planned_start=start,
        planned_end=end,
        actual_start=start,
        actual_end=end,
    )


@pytest.fixture
def pilot():
    """Heerlen has one gap of every kind; Kerkrade one running placement past its end."""
    today = timezone.localdate()
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    kerkrade = MunicipalityFactory(code="GM0928", name="Kerkrade")
    # Running 100 days, planned end passed, never reviewed, no benefit period, untouched.
    stale = _running(heerlen, "HRL-1", today=today)
    Placement.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=90))
    # Ended 120 days ago: its 3-month benefit check fell a month ago (overdue: the to-do list's
    # two weeks have passed without a record); no evaluation.
    unevaluated = _ended(heerlen, "HRL-2", today=today, ended_days_ago=120)
    BenefitPeriodFactory(jobseeker=unevaluated.jobseeker)
    # Ended long ago and evaluated, but the benefit ended with an unknown reason.
    evaluated = _ended(heerlen, "HRL-3", today=today, ended_days_ago=400)
    HostEvaluationFactory(placement=evaluated, evaluated_on=evaluated.actual_end)
    for months in (3, 6, 12):
        BenefitCheckFactory(
            placement=evaluated, months=months, checked_on=add_months(evaluated.actual_end, months)
        )
    BenefitPeriodFactory(
        jobseeker=evaluated.jobseeker, end_date=today - timedelta(days=300), end_reason="other"
    )
    # Running, reviewed recently... by nobody: but it started only a week ago.
    fresh = _running(heerlen, "HRL-4", today=today, started_days_ago=7, planned_end_in=90)
    BenefitPeriodFactory(jobseeker=fresh.jobseeker)
    elsewhere = _running(kerkrade, "KRK-1", today=today, started_days_ago=20, planned_end_in=-1)
    BenefitPeriodFactory(jobseeker=elsewhere.jobseeker)
    return {
        "today": today,
        "heerlen": heerlen,
        "kerkrade": kerkrade,
        "stale": stale,
        "unevaluated": unevaluated,
        "evaluated": evaluated,
        "elsewhere": elsewhere,
        "jobcoach": user_with_role(Role.JOBCOACH, heerlen),
    }


def _refs(response) -> dict[str, list[str]]:
    return {kind: [gap.ref for gap in gaps] for kind, _label, gaps in response.context["sections"]}


def test_completeness_lists_every_gap_of_the_municipality_exactly(client, pilot):
    client.force_login(pilot["jobcoach"])

    response = client.get(reverse("reporting:completeness_detail", args=[pilot["heerlen"].pk]))

    assert response.status_code == 200
    assert _refs(response) == {
        "no_benefit_period": ["JS-HRL-1"],
        "benefit_check_overdue": ["JS-HRL-2"],
        "review_overdue": ["HRL-1"],
        "past_planned_end": ["HRL-1"],
        "untouched": ["HRL-1"],
        "evaluation_missing": ["HRL-2"],
        "unknown_end_reason": ["JS-HRL-3"],
    }
    assert response.context["total"] == 7


def test_completeness_lines_link_to_the_record_to_fix(client, pilot):
    client.force_login(pilot["jobcoach"])

    response = client.get(reverse("reporting:completeness_detail", args=[pilot["heerlen"].pk]))

    html = response.content.decode()
    links = {
        reverse("placements:jobseeker_detail", args=[pilot["stale"].jobseeker_id]),
        reverse("placements:placement_detail", args=[pilot["stale"].pk]),
        reverse("placements:placement_evaluation", args=[pilot["unevaluated"].pk]),
        reverse("placements:jobseeker_detail", args=[pilot["evaluated"].jobseeker_id]),
    }
    assert all(f'href="{link}"' in html for link in links)


def test_completeness_gap_disappears_once_fixed(client, pilot):
    HostEvaluationFactory(
        placement=pilot["unevaluated"], evaluated_on=pilot["unevaluated"].actual_end
    )
    client.force_login(pilot["jobcoach"])

    response = client.get(reverse("reporting:completeness_detail", args=[pilot["heerlen"].pk]))

    assert _refs(response)["evaluation_missing"] == []


def test_completeness_jobcoach_of_one_municipality_goes_straight_to_its_lists(client, pilot):
    client.force_login(pilot["jobcoach"])

    response = client.get(reverse("reporting:completeness"))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "reporting:completeness_detail", args=[pilot["heerlen"].pk]
    )


def test_completeness_jobcoach_never_sees_another_municipalitys_rows(client, pilot):
    client.force_login(pilot["jobcoach"])

    other = client.get(reverse("reporting:completeness_detail", args=[pilot["kerkrade"].pk]))
    own = client.get(reverse("reporting:completeness_detail", args=[pilot["heerlen"].pk]))

    assert other.status_code == 404
    refs = {ref for found in _refs(own).values() for ref in found}
    assert refs == {"JS-HRL-1", "JS-HRL-2", "JS-HRL-3", "HRL-1", "HRL-2"}
    assert "KRK" not in own.content.decode()


def test_completeness_jobcoach_of_two_municipalities_sees_both_side_by_side(client, pilot):
    client.force_login(user_with_role(Role.JOBCOACH, pilot["heerlen"], pilot["kerkrade"]))

    response = client.get(reverse("reporting:completeness"))

    assert [
        (m.name, [c for _l, c in counts], total) for m, counts, total in response.context["rows"]
    ] == [
        ("Heerlen", [1, 1, 1, 1, 1, 1, 1], 7),
        ("Kerkrade", [0, 0, 0, 1, 0, 0, 0], 1),
    ]


def test_completeness_programme_admin_sees_every_municipality_side_by_side(client, pilot):
    MunicipalityFactory(code="GM0935", name="Maastricht")
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))

    response = client.get(reverse("reporting:completeness"))

    assert response.status_code == 200
    assert [(m.name, total) for m, _counts, total in response.context["rows"]] == [
        ("Heerlen", 7),
        ("Kerkrade", 1),
        ("Maastricht", 0),
    ]
    assert [c for _l, c in response.context["totals"]] == [1, 1, 1, 2, 1, 1, 1]
    detail = client.get(reverse("reporting:completeness_detail", args=[pilot["kerkrade"].pk]))
    assert _refs(detail)["past_planned_end"] == ["KRK-1"]


@pytest.mark.parametrize("role", [Role.FUNDER, Role.RESEARCHER, Role.IMK_COACH])
def test_completeness_pages_refuse_other_roles(client, pilot, role):
    client.force_login(user_with_role(role))

    overview = client.get(reverse("reporting:completeness"))
    detail = client.get(reverse("reporting:completeness_detail", args=[pilot["heerlen"].pk]))

    assert (overview.status_code, detail.status_code) == (403, 403)


def test_completeness_counts_for_the_snapshot_are_per_municipality_code(pilot):
    counts = all_municipalities_completeness_counts(as_of=pilot["today"])

    assert counts == {
        "GM0917": dict.fromkeys(GAP_KINDS, 1),
        "GM0928": {**dict.fromkeys(GAP_KINDS, 0), "past_planned_end": 1},
    }


def test_completeness_as_of_an_earlier_date_counts_what_was_due_then(pilot):
    # 200 days ago only the long-ended internship had ended (and been evaluated), and its
    # benefit had ended with an unknown reason; nothing else had started yet.
    counts = all_municipalities_completeness_counts(as_of=pilot["today"] - timedelta(days=200))
    # 99 days ago HRL-2 had ended three weeks before: its evaluation was missing, no check was
    # due yet; HRL-1 had just started, without a benefit period.
    later = all_municipalities_completeness_counts(as_of=pilot["today"] - timedelta(days=99))

    assert counts["GM0917"] == {**dict.fromkeys(GAP_KINDS, 0), "unknown_end_reason": 1}
    assert counts["GM0928"] == dict.fromkeys(GAP_KINDS, 0)
    assert later["GM0917"] == {
        **dict.fromkeys(GAP_KINDS, 0),
        "no_benefit_period": 1,
        "evaluation_missing": 1,
        "unknown_end_reason": 1,
    }


@pytest.mark.parametrize("extra", [0, 2])
def test_completeness_page_queries_do_not_grow_with_rows(client, pilot, extra):
    for n in range(extra):
        _running(pilot["heerlen"], f"HRL-X{n}", today=pilot["today"])
    client.force_login(pilot["jobcoach"])
    url = reverse("reporting:completeness_detail", args=[pilot["heerlen"].pk])
    client.get(url)  # sessions, settings and the like, once

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert response.context["total"] == 7 + 3 * extra
    # Fixed, whatever the rows; the recorded benefit checks are one of them; the database
    # scope set and put back are two; the processing log's three (the people behind the
    # placements' references, the entry, its people).
    assert len(queries) == 18


def _lengths(gaps, municipality_ids) -> dict[int, dict[str, int]]:
    counts = {m: dict.fromkeys(GAP_KINDS, 0) for m in municipality_ids}
    for kind, found in gaps.items():
        for gap in found:
            counts[gap.municipality_id][kind] += 1
    return counts


def test_the_counts_are_the_lengths_of_the_lists_on_every_day(pilot):
    # Internships that ended on the last days of months (31 January, 29 February, 30 November):
    # their check days are clamped to shorter months' ends, which the database computes for the
    # counts and Python for the lists. Two with a check recorded, one running again.
    heerlen, today = pilot["heerlen"], pilot["today"]
    ends = [
        datetime.date(2025, 1, 31),
        datetime.date(2024, 2, 29),
        datetime.date(2024, 11, 30),
        datetime.date(2025, 8, 31),
        datetime.date(2024, 5, 31),
    ]
    for n, end in enumerate(ends):
        placement = _ended(heerlen, f"HRL-E{n}", today=today, ended_days_ago=(today - end).days)
        if n < 2:
            BenefitCheckFactory(
                placement=placement, months=6, checked_on=add_months(placement.actual_end, 6)
            )
    again = _ended(heerlen, "HRL-AG", today=today, ended_days_ago=(today - ends[0]).days)
    _running(heerlen, "HRL-AG2", today=today, started_days_ago=10, planned_end_in=60)
    Placement.objects.filter(ref="HRL-AG2").update(jobseeker=again.jobseeker)
    ids = [heerlen.pk, pilot["kerkrade"].pk]
    rows = visible_rows(user_with_role(Role.PROGRAMME_ADMIN))

    # Every few days over two years, each day's counts against the lists of that day.
    day, last, days = datetime.date(2024, 1, 1), datetime.date(2026, 3, 1), 0
    while day <= last:
        assert gap_counts(rows, ids, on=day) == _lengths(completeness_gaps(rows, on=day), ids), day
        day += timedelta(days=5)
        days += 1
    assert days > 100
    # The day of this test: every kind has gaps.
    counts = gap_counts(rows, ids, on=today)
    assert counts == _lengths(completeness_gaps(rows, on=today), ids)
    assert counts[heerlen.pk]["benefit_check_overdue"] > 5


@pytest.mark.parametrize("extra", [0, 3])
def test_the_overview_queries_do_not_grow_with_rows(client, pilot, extra):
    for n in range(extra):
        _running(pilot["kerkrade"], f"KRK-X{n}", today=pilot["today"])
        _ended(pilot["heerlen"], f"HRL-X{n}", today=pilot["today"], ended_days_ago=200 + n)
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    url = reverse("reporting:completeness")
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    totals = dict(response.context["totals"])
    assert totals[GAP_KINDS["past_planned_end"]] == 2 + extra
    # The session, the user and their roles; the municipalities (twice: is there more than one,
    # then the rows); the change counters and today's snapshot (there is none); and one count
    # per kind of gap, whatever the rows.
    assert len(queries) == 7 + len(GAP_KINDS)


# --- The overview from today's snapshot (issue 17) --------------------------------------------


def _overview_rows(response) -> list[tuple[str, list[int]]]:
    return [(m.name, [c for _l, c in counts]) for m, counts, _total in response.context["rows"]]


HEERLEN_ROW = ("Heerlen", [1, 1, 1, 1, 1, 1, 1])
KERKRADE_ROW = ("Kerkrade", [0, 0, 0, 1, 0, 0, 0])


def test_the_admin_overview_shows_the_counts_of_todays_snapshot_while_nothing_changed(
    client, pilot, settings
):
    snapshot, _created = snapshot_compute(as_of=pilot["today"], trigger="on_demand")
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    url = reverse("reporting:completeness")
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    # The live counts, exactly, without counting: the session, the user and their roles; the
    # municipalities twice; the change counters, the snapshot and its parts.
    assert _overview_rows(response) == [HEERLEN_ROW, KERKRADE_ROW]
    assert len(queries) == 8
    counted = response.context["counted"]
    assert (counted.counted_at, counted.changed_since) == (snapshot.computed_at, False)
    time = timezone.localtime(snapshot.computed_at).strftime("%H:%M")
    assert f"Counted at {time}; no records have changed since." in response.content.decode()
    settings.LANGUAGE_CODE = "nl"  # the site's own language (tests/conftest.py sets English)
    page = client.get(url).content.decode()
    assert f"Geteld om {time}; sindsdien zijn er geen gegevens gewijzigd." in page
    assert "count=now" not in page
    # And they are read from the stored parts: a part's counts are what the page shows.
    SnapshotMunicipality.objects.filter(snapshot=snapshot, code="GM0928").update(
        figures_as_of={"completeness": {**dict.fromkeys(GAP_KINDS, 0), "untouched": 5}}
    )
    assert _overview_rows(client.get(url))[1] == ("Kerkrade", [0, 0, 0, 0, 5, 0, 0])


def test_after_a_change_the_overview_says_when_it_counted_and_counts_live_on_request(client, pilot):
    snapshot, _created = snapshot_compute(as_of=pilot["today"], trigger="on_demand")
    # A second running internship in Kerkrade past its planned end, saved after the snapshot.
    _running(pilot["kerkrade"], "KRK-2", today=pilot["today"])
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    url = reverse("reporting:completeness")

    stored = client.get(url)
    live = client.get(url, {"count": "now"})

    assert _overview_rows(stored) == [HEERLEN_ROW, KERKRADE_ROW]
    assert (stored.context["counted"].counted_at, stored.context["counted"].changed_since) == (
        snapshot.computed_at,
        True,
    )
    page = stored.content.decode()
    time = timezone.localtime(snapshot.computed_at).strftime("%H:%M")
    assert f"These numbers were counted at {time}. Records have changed since then" in page
    assert f'href="{url}?count=now"' in page
    # Counted in the request: the new internship's three gaps (no benefit period, overdue
    # review, past its planned end; untouched is 60 days) are in, and nothing is said of a time.
    assert _overview_rows(live) == [HEERLEN_ROW, ("Kerkrade", [1, 0, 1, 2, 0, 0, 0])]
    assert live.context["counted"].counted_at is None
    assert 'id="counts-from-snapshot"' not in live.content.decode()
    # A municipality's own page is always live.
    detail = client.get(reverse("reporting:completeness_detail", args=[pilot["kerkrade"].pk]))
    assert _refs(detail)["past_planned_end"] == ["KRK-2", "KRK-1"]


def test_a_jobcoachs_overview_always_counts_live(client, pilot):
    # A jobcoach does not see restricted people, whom the snapshot counts: their few
    # municipalities count live even when today's snapshot is current.
    snapshot, _created = snapshot_compute(as_of=pilot["today"], trigger="on_demand")
    SnapshotMunicipality.objects.filter(snapshot=snapshot).update(
        figures_as_of={"completeness": dict.fromkeys(GAP_KINDS, 9)}
    )
    client.force_login(user_with_role(Role.JOBCOACH, pilot["heerlen"], pilot["kerkrade"]))

    response = client.get(reverse("reporting:completeness"))

    assert _overview_rows(response) == [HEERLEN_ROW, KERKRADE_ROW]
    assert response.context["counted"].counted_at is None


def test_an_earlier_days_snapshot_or_a_municipality_it_lacks_is_counted_live(client, pilot):
    snapshot_compute(as_of=pilot["today"] - timedelta(days=1), trigger="on_demand")
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    url = reverse("reporting:completeness")

    yesterdays = client.get(url)
    snapshot_compute(as_of=pilot["today"], trigger="on_demand")
    MunicipalityFactory(code="GM0935", name="Maastricht")
    newer_municipality = client.get(url)

    assert _overview_rows(yesterdays) == [HEERLEN_ROW, KERKRADE_ROW]
    assert yesterdays.context["counted"].counted_at is None
    assert _overview_rows(newer_municipality) == [
        HEERLEN_ROW,
        KERKRADE_ROW,
        ("Maastricht", [0] * 7),
    ]
    assert newer_municipality.context["counted"].counted_at is None
