"""The dashboard's figures, read from a stored metrics snapshot (never computed from the raw
rows during a request) plus two aggregate counts (placements per status, guidance per
entrepreneur).

Person-level data never leaves this module: the snapshot's participant list (refs only) is
reduced here to counts and curves. A jobcoach's figures come from the participants of their own
municipalities only, filtered by municipality code.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Count, Sum
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from coaching.models import Entrepreneur, GuidanceSession
from municipalities.access import Access
from municipalities.models import Municipality
from pilot.dates import add_months
from pilot.models import PilotSettings
from placements.enums import PlacementStatus
from placements.models import Placement

from .charts import (
    Chart,
    cumulative_outflow_chart,
    funnel_chart,
    guidance_chart,
    municipality_outflow_chart,
    time_to_outflow_chart,
)
from .models import MetricsSnapshot

# A snapshot never changes, so its dashboard never goes stale for the outflow figures; the
# status and guidance counts are read from the live tables, so the cached page is rebuilt
# after this long.
CACHE_SECONDS = 15 * 60
DAYS_PER_MONTH = 365.25 / 12
GUIDANCE_BUCKETS = ((0, 0, "0"), (1, 2, "1-2"), (3, 5, "3-5"), (6, 10, "6-10"), (11, None, "11+"))
FUNNEL_ORDER = (
    PlacementStatus.PROPOSED,
    PlacementStatus.AGREED,
    PlacementStatus.ACTIVE,
    PlacementStatus.COMPLETED,
    PlacementStatus.TERMINATED,
    PlacementStatus.CANCELLED,
)


# --- Who sees what ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The municipalities whose figures a user may see; ``codes`` None means the whole pilot."""

    codes: frozenset[str] | None
    ids: frozenset[int] | None
    names: tuple[str, ...] = ()

    @property
    def whole_pilot(self) -> bool:
        return self.codes is None

    @property
    def key(self) -> str:
        return "all" if self.codes is None else ",".join(sorted(self.codes))


WHOLE_PILOT = Scope(codes=None, ids=None)


def dashboard_scope(access: Access) -> Scope | None:
    """None when the user may not see the dashboard (the IMK coach and users without a role)."""
    if access.is_programme_admin or access.is_funder or access.is_researcher:
        return WHOLE_PILOT
    if access.is_jobcoach:
        return municipality_scope(access.jobcoach_municipality_ids)
    return None


def municipality_scope(ids: Collection[int]) -> Scope:
    rows = list(
        Municipality.objects.filter(id__in=list(ids)).order_by("name").values_list("code", "name")
    )
    return Scope(
        codes=frozenset(code for code, _name in rows),
        ids=frozenset(ids),
        names=tuple(name for _code, name in rows),
    )


# --- Figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    as_of: date
    computed_at: datetime
    planned_places: int
    target_outflow: float
    participants: int
    outflow: int
    outflow_to_work: int
    sustained_outflow: int
    open: int
    no_outflow: int
    budget_eur: Decimal | None
    cost_per_outflow: Decimal | None  # None without outflow or outside the whole pilot


@dataclass(frozen=True)
class KaplanMeier:
    curve: list[tuple[float, float]]  # (months, cumulative share flowed out) at each event time
    table: list[tuple[int, int, int, int, float]]  # month, at risk, events, censored, share
    participants: int
    events: int
    censored: int


@dataclass(frozen=True)
class Guidance:
    buckets: list[tuple[str, int, int, float]]  # label, entrepreneurs, sessions, hours
    entrepreneurs: int
    sessions: int
    hours: float
    per_municipality: list[tuple[str, str, int, int, float]]  # code, name, entrepreneurs, ...


@dataclass(frozen=True)
class DashboardData:
    snapshot_id: int
    headline: Headline
    municipalities: list[dict]  # the snapshot's per-municipality figures within the scope
    cumulative: list[tuple[date, int]]
    km: KaplanMeier
    funnel: list[tuple[str, int]]
    guidance: Guidance

    def charts(self) -> list[Chart]:
        return dashboard_charts(self)


def snapshot_for_dashboard(*, as_of: date) -> MetricsSnapshot | None:
    """The latest snapshot for ``as_of`` without its (large) figures: a cache hit never needs
    them."""
    return (
        MetricsSnapshot.objects.filter(as_of=as_of)
        .order_by("-computed_at")
        .only("id", "as_of", "computed_at")
        .first()
    )


def dashboard_figures_html(*, snapshot: MetricsSnapshot, scope: Scope) -> SafeString:
    """The dashboard's headline and charts as HTML, cached per snapshot, scope and language.

    Rendering five charts with their tables (342 rows at national scale) costs far more than
    the rest of the page; a snapshot never changes, so neither does this fragment.
    """
    key = f"reporting:dashboard-html:v1:{snapshot.pk}:{scope.key}:{get_language()}"
    html = cache.get(key)
    if html is None:
        if "figures" in snapshot.get_deferred_fields():
            snapshot.refresh_from_db(fields=["figures"])
        data = build_dashboard_data(snapshot=snapshot, scope=scope)
        html = render_to_string(
            "reporting/_dashboard_figures.html",
            {"headline": data.headline, "charts": data.charts(), "whole_pilot": scope.whole_pilot},
        )
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our own autoescaping template


def build_dashboard_data(*, snapshot: MetricsSnapshot, scope: Scope) -> DashboardData:
    figures = snapshot.figures
    as_of = snapshot.as_of
    participants = _participants_in(figures["participants"], scope)
    municipalities = [
        m for m in figures["municipalities"] if scope.codes is None or m["code"] in scope.codes
    ]
    return DashboardData(
        snapshot_id=snapshot.pk,
        headline=_headline(snapshot, municipalities, scope),
        municipalities=municipalities,
        cumulative=cumulative_outflow(participants, as_of=as_of),
        km=kaplan_meier(participants, as_of=as_of),
        funnel=all_municipalities_placement_funnel(municipality_ids=scope.ids),
        guidance=all_municipalities_guidance(as_of=as_of, municipality_ids=scope.ids),
    )


def _participants_in(participants: Iterable[dict], scope: Scope) -> list[dict]:
    if scope.codes is None:
        return list(participants)
    return [p for p in participants if p["municipality_code"] in scope.codes]


def _headline(snapshot: MetricsSnapshot, municipalities: list[dict], scope: Scope) -> Headline:
    if scope.whole_pilot:
        totals = snapshot.figures["totals"]
    else:
        keys = (
            "planned_places",
            "target_outflow",
            "participants",
            "outflow",
            "outflow_to_work",
            "sustained_outflow",
            "open",
            "no_outflow",
        )
        totals = {k: sum(m[k] for m in municipalities) for k in keys}
    budget = PilotSettings.load().budget_eur if scope.whole_pilot else None
    return Headline(
        as_of=snapshot.as_of,
        computed_at=snapshot.computed_at,
        planned_places=totals["planned_places"],
        target_outflow=totals["target_outflow"],
        participants=totals["participants"],
        outflow=totals["outflow"],
        outflow_to_work=totals["outflow_to_work"],
        sustained_outflow=totals["sustained_outflow"],
        open=totals["open"],
        no_outflow=totals["no_outflow"],
        budget_eur=budget,
        cost_per_outflow=cost_per_outflow(budget, totals["outflow"]),
    )


def cost_per_outflow(budget: Decimal | None, outflow: int) -> Decimal | None:
    """The budget divided by the outflow, in whole euros; None when there is no outflow yet."""
    if budget is None or outflow <= 0:
        return None
    return (Decimal(budget) / outflow).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from ``first``'s month up to ``last`` (which ends the list)."""
    ends: list[date] = []
    cursor = date(first.year, first.month, 1)
    while True:
        end = add_months(cursor, 1) - timedelta(days=1)
        if end >= last:
            ends.append(last)
            return ends
        ends.append(end)
        cursor = add_months(cursor, 1)


def cumulative_outflow(participants: Sequence[dict], *, as_of: date) -> list[tuple[date, int]]:
    """Outflow so far at the end of each month from the first internship start to ``as_of``."""
    if not participants:
        return [(as_of, 0)]
    first = min(date.fromisoformat(p["internship_start"]) for p in participants)
    outflow_dates = sorted(
        date.fromisoformat(p["outflow_date"]) for p in participants if p["outflow_date"]
    )
    points = []
    index = 0
    for end in month_ends(first, as_of):
        while index < len(outflow_dates) and outflow_dates[index] <= end:
            index += 1
        points.append((end, index))
    return points


def kaplan_meier(participants: Sequence[dict], *, as_of: date) -> KaplanMeier:
    """Time from the internship's end E to outflow, as a Kaplan-Meier estimate.

    Only participants whose internship has ended (E known) are at risk: the clock starts at E.
    Outflow during the internship counts as time 0. A participant without outflow is censored
    at A - E while still in their window (status open) and at W - E once the window has closed
    (status no_outflow): outflow after W does not count. Ties: events at t come before
    censorings at t (the usual convention), so a participant censored at t is at risk at t.
    """
    times: list[tuple[int, bool]] = []  # (days after E, event?)
    for p in participants:
        if not p["internship_end"]:
            continue
        end = date.fromisoformat(p["internship_end"])
        if p["status"] == "outflow":
            times.append((max(0, (date.fromisoformat(p["outflow_date"]) - end).days), True))
        elif p["status"] == "open":
            times.append(((as_of - end).days, False))
        else:
            times.append(((date.fromisoformat(p["window_end"]) - end).days, False))
    events_at = Counter(t for t, event in times if event)
    censored_at = Counter(t for t, event in times if not event)
    at_risk = len(times)
    survival = 1.0
    curve: list[tuple[float, float]] = []
    share_by_day: list[tuple[int, float]] = []
    for day in sorted(set(events_at) | set(censored_at)):
        deaths = events_at.get(day, 0)
        if deaths:
            survival *= 1 - deaths / at_risk
            curve.append((day / DAYS_PER_MONTH, 1 - survival))
            share_by_day.append((day, 1 - survival))
        at_risk -= deaths + censored_at.get(day, 0)
    all_times = sorted(t for t, _e in times)
    event_times = sorted(t for t, e in times if e)
    censored_times = sorted(t for t, e in times if not e)
    event_days = [day for day, _share in share_by_day]
    table = []
    for month in (0, 1, 2, 3, 6, 9, 12):
        limit = month * DAYS_PER_MONTH
        steps = bisect_right(event_days, limit)
        table.append(
            (
                month,
                len(all_times) - bisect_left(all_times, limit),  # at risk: time >= limit
                bisect_right(event_times, limit),
                bisect_right(censored_times, limit),
                share_by_day[steps - 1][1] if steps else 0.0,
            )
        )
    events = sum(1 for _t, e in times if e)
    return KaplanMeier(
        curve=curve,
        table=table,
        participants=len(times),
        events=events,
        censored=len(times) - events,
    )


# --- Aggregates read from the live tables (counts only) --------------------------------------


def all_municipalities_placement_funnel(
    *, municipality_ids: Collection[int] | None = None
) -> list[tuple[str, int]]:
    """Placements per current status, in lifecycle order: one GROUP BY query."""
    placements = Placement.objects.order_by()
    if municipality_ids is not None:
        placements = placements.filter(municipality_id__in=list(municipality_ids))
    counts = dict(placements.values_list("status").annotate(n=Count("id")))
    return [(str(PlacementStatus(s).label), counts.get(s, 0)) for s in FUNNEL_ORDER]


def all_municipalities_guidance(
    *, as_of: date, municipality_ids: Collection[int] | None = None
) -> Guidance:
    """Guidance sessions held on or before ``as_of``, per entrepreneur: one query.

    Returns a distribution (entrepreneurs by number of sessions) and totals per municipality;
    never an entrepreneur's name or reference.
    """
    entrepreneurs = Entrepreneur.objects.order_by()
    sessions = GuidanceSession.objects.order_by().filter(held_on__lte=as_of)
    if municipality_ids is not None:
        entrepreneurs = entrepreneurs.filter(municipality_id__in=list(municipality_ids))
        sessions = sessions.filter(municipality_id__in=list(municipality_ids))
    # Two GROUP BY queries: entrepreneurs per municipality, and sessions per entrepreneur for
    # those who had any (a join over every entrepreneur costs more at national scale).
    per_entrepreneur = sessions.values_list("municipality_id", "entrepreneur_id").annotate(
        n=Count("id"), minutes=Sum("minutes")
    )
    municipalities = entrepreneurs.values_list(
        "municipality_id", "municipality__code", "municipality__name"
    ).annotate(n=Count("id"))
    buckets = {label: [0, 0, 0] for _lo, _hi, label in GUIDANCE_BUCKETS}
    per_municipality: dict[int, list] = {
        id_: [code, name, count, 0, 0] for id_, code, name, count in municipalities
    }

    def bucket_for(count: int) -> list[int]:
        for low, high, label in GUIDANCE_BUCKETS:
            if count >= low and (high is None or count <= high):
                return buckets[label]
        raise AssertionError(count)

    with_sessions = 0
    for municipality_id, _entrepreneur_id, count, minutes in per_entrepreneur:
        bucket = bucket_for(count)
        bucket[0] += 1
        bucket[1] += count
        bucket[2] += minutes
        with_sessions += 1
        totals = per_municipality.get(municipality_id)
        if totals is not None:
            totals[3] += count
            totals[4] += minutes
    buckets[GUIDANCE_BUCKETS[0][2]][0] = (
        sum(row[2] for row in per_municipality.values()) - with_sessions
    )
    return Guidance(
        buckets=[(label, e, s, m / 60) for label, (e, s, m) in buckets.items()],
        entrepreneurs=sum(b[0] for b in buckets.values()),
        sessions=sum(b[1] for b in buckets.values()),
        hours=sum(b[2] for b in buckets.values()) / 60,
        per_municipality=sorted(
            (code, name, e, n, m / 60) for code, name, e, n, m in per_municipality.values()
        ),
    )


# --- Charts ----------------------------------------------------------------------------------


def dashboard_charts(data: DashboardData) -> list[Chart]:
    headline = data.headline
    return [
        cumulative_outflow_chart(
            points=data.cumulative, target=headline.target_outflow, as_of=headline.as_of
        ),
        municipality_outflow_chart(
            rows=[
                (m["code"], m["name"], m["outflow"], m["target_outflow"])
                for m in data.municipalities
            ]
        ),
        funnel_chart(counts=data.funnel),
        time_to_outflow_chart(
            curve=data.km.curve,
            table=data.km.table,
            participants=data.km.participants,
            events=data.km.events,
            censored=data.km.censored,
        ),
        guidance_chart(
            buckets=data.guidance.buckets,
            entrepreneurs=data.guidance.entrepreneurs,
            sessions=data.guidance.sessions,
            hours=data.guidance.hours,
        ),
    ]
