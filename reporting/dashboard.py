"""The dashboard's figures, read from a stored metrics snapshot only (never computed from the
raw rows during a request): the outflow metrics, and the placement funnel, guidance and
data-completeness counts the snapshot keeps as of the same date (``as_of_figures``).

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
from django.db.models.fields.json import KeyTextTransform
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from kernel.dates import add_months
from kernel.models import PilotSettings
from municipalities.access import Access
from municipalities.models import Municipality
from placements.enums import PlacementStatus
from reporting.small_cells import explanation as small_cells_explanation
from reporting.small_cells import shown_count

from .charts import (
    Chart,
    cumulative_outflow_chart,
    funnel_chart,
    guidance_chart,
    municipality_outflow_chart,
    time_to_outflow_chart,
)
from .completeness import GAP_KINDS
from .models import MetricsSnapshot
from .savings_figures import snapshot_savings
from .snapshots import current_snapshots

# A snapshot never changes and every figure comes from it, so its dashboard never goes stale;
# the expiry only keeps the cache from filling up with old dates.
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
    if access.is_api_client:
        # An API client reads the figures of its own rows (api-write.md), as their jobcoach.
        if access.client_municipality_ids is None:
            return WHOLE_PILOT
        return municipality_scope(access.client_municipality_ids)
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
    completeness: list[dict]  # per municipality: code, name and the count of each gap kind

    def charts(self) -> list[Chart]:
        return dashboard_charts(self)


SNAPSHOT_DOCUMENTS = (
    "figures",
    "figures_as_of",
    "savings",
    "pilot_figures",
    "pilot_savings",
    "dashboard_html",
)


def snapshot_for_dashboard(*, as_of: date) -> MetricsSnapshot | None:
    """The latest snapshot for ``as_of`` without its (large) figures: a cache hit never needs
    them."""
    return (
        current_snapshots(as_of=as_of).order_by("-computed_at").defer(*SNAPSHOT_DOCUMENTS).first()
    )


def dashboard_figures_html(
    *, snapshot: MetricsSnapshot, scope: Scope, suppress_small: bool = False
) -> SafeString:
    """The dashboard's headline and charts as HTML, cached per snapshot, scope and language.

    Rendering five charts with their tables (342 rows at national scale) costs far more than
    the rest of the page; a snapshot never changes, so neither does this fragment. The snapshot
    task renders it for the whole pilot and for each municipality alone when it stores the
    snapshot (reporting.snapshot_parts), so that a cold cache reads it from there; only a scope
    of several municipalities is rendered here, from those municipalities' parts.
    """
    key = (
        f"reporting:dashboard-html:v4:{snapshot.pk}:{scope.key}:{int(suppress_small)}:"
        f"{get_language()}"
    )
    html = cache.get(key)
    if html is None:
        html = stored_dashboard_html(snapshot=snapshot, scope=scope, suppress_small=suppress_small)
        if html is None:
            html = render_dashboard_figures(
                snapshot=scoped_snapshot(snapshot, scope),
                scope=scope,
                suppress_small=suppress_small,
            )
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our own autoescaping template


def stored_dashboard_html(*, snapshot: MetricsSnapshot, scope: Scope, suppress_small: bool):
    """The figures the snapshot task rendered for this scope and language, or None."""
    from .models import SnapshotMunicipality
    from .snapshot_parts import DASHBOARD_VERSION

    if _older_document(snapshot):
        return None
    stored_key = f"{DASHBOARD_VERSION}:{get_language()}:{int(suppress_small)}"
    if scope.whole_pilot:
        found = (
            MetricsSnapshot.objects.filter(pk=snapshot.pk)
            .values_list(KeyTextTransform(stored_key, "dashboard_html"), flat=True)
            .first()
        )
        return found
    if len(scope.codes) != 1:
        return None
    return (
        SnapshotMunicipality.objects.filter(snapshot_id=snapshot.pk, code__in=scope.codes)
        .values_list(KeyTextTransform(stored_key, "dashboard_html"), flat=True)
        .first()
    )


def scoped_snapshot(snapshot: MetricsSnapshot, scope: Scope) -> MetricsSnapshot:
    """The snapshot with the document ``scope`` reads: the municipalities' parts for a set of
    them (their rows only), the whole document otherwise (and for one stored without parts)."""
    from .models import SnapshotMunicipality
    from .snapshot_parts import sliced_snapshot

    if not scope.whole_pilot and not _older_document(snapshot):
        parts = SnapshotMunicipality.objects.filter(
            snapshot_id=snapshot.pk, code__in=sorted(scope.codes)
        ).defer("dashboard_html")
        snapshot.refresh_from_db(fields=["pilot_figures", "pilot_savings"])
        if snapshot.pilot_figures:
            return sliced_snapshot(snapshot, list(parts))
    deferred = snapshot.get_deferred_fields() & {"figures", "figures_as_of", "savings"}
    if deferred:
        snapshot.refresh_from_db(fields=sorted(deferred))
    return snapshot


def _older_document(snapshot: MetricsSnapshot) -> bool:
    """Whether the snapshot's document, where it was read, lacks what the stored parts were
    made with (the costs and the rollout's basis, the funnel): then the parts are not its own
    and the document is read instead. One that was not read came from ``current_snapshots``
    or has no parts."""
    unread = snapshot.get_deferred_fields()
    return ("savings" not in unread and "rollout" not in snapshot.savings) or (
        "figures_as_of" not in unread and not snapshot.figures_as_of
    )


def render_dashboard_figures(
    *, snapshot: MetricsSnapshot, scope: Scope, suppress_small: bool = False
) -> str:
    """The dashboard's headline and charts as HTML, from a snapshot with its document."""
    data = build_dashboard_data(snapshot=snapshot, scope=scope)
    savings = snapshot_savings(snapshot, scope)
    return render_to_string(
        "reporting/_dashboard_figures.html",
        {
            "headline": data.headline,
            "charts": data.charts(),
            "whole_pilot": scope.whole_pilot,
            "completeness": small_cells_suppressed(data.completeness, suppress_small),
            "small_cells_note": small_cells_explanation() if suppress_small else "",
            "gap_kinds": list(GAP_KINDS.items()),
            "savings": savings,
            "savings_chart": savings.chart(),
        },
    )


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
        funnel=snapshot_funnel(snapshot, scope),
        guidance=snapshot_guidance(snapshot, scope),
        completeness=snapshot_completeness(snapshot, scope),
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
    # The budget the snapshot was computed with, so that a report rendered again agrees.
    budget = None
    if scope.whole_pilot:
        stored = snapshot.savings.get("budget")
        budget = Decimal(stored) if stored is not None else PilotSettings.load().budget_eur
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


# --- The snapshot's funnel, guidance and completeness (counts only) -------------------------


def _in_scope(per_code: dict, scope: Scope) -> list[tuple[str, object]]:
    return sorted(
        (code, value)
        for code, value in per_code.items()
        if scope.codes is None or code in scope.codes
    )


def snapshot_funnel(snapshot: MetricsSnapshot, scope: Scope) -> list[tuple[str, int]]:
    """Placements per status as of the snapshot's date, in lifecycle order."""
    counts: Counter = Counter()
    for _code, per_status in _in_scope(snapshot.figures_as_of["funnel"], scope):
        counts.update(per_status)
    return [(str(PlacementStatus(s).label), counts.get(s, 0)) for s in FUNNEL_ORDER]


def snapshot_completeness(snapshot: MetricsSnapshot, scope: Scope) -> list[dict]:
    """Per municipality in the scope (by code): its name and the count of each gap kind."""
    names = {m["code"]: m["name"] for m in snapshot.figures["municipalities"]}
    rows = []
    for code, counts in _in_scope(snapshot.figures_as_of["completeness"], scope):
        per_kind = {kind: counts.get(kind, 0) for kind in GAP_KINDS}
        # ``cells``: (heading, count) in the order of GAP_KINDS, for the templates' columns.
        cells = [(GAP_KINDS[kind], n) for kind, n in per_kind.items()]
        rows.append({"code": code, "name": names.get(code, code), **per_kind, "cells": cells})
    return rows


def small_cells_suppressed(completeness: list[dict], suppress: bool) -> list[dict]:
    """The completeness rows with each count as the viewer may see it (reporting.small_cells):
    the gaps per municipality and kind are finer than the headline per municipality."""
    if not suppress:
        return completeness
    return [
        {
            **row,
            "cells": [(label, shown_count(n, suppress=True)) for label, n in row["cells"]],
        }
        for row in completeness
    ]


def snapshot_guidance(snapshot: MetricsSnapshot, scope: Scope) -> Guidance:
    """Guidance sessions held on or before the snapshot's date, per entrepreneur.

    Returns a distribution (entrepreneurs by number of sessions) and totals per municipality;
    never an entrepreneur's name or reference.
    """
    buckets = {label: [0, 0, 0] for _lo, _hi, label in GUIDANCE_BUCKETS}

    def bucket_for(count: int) -> list[int]:
        for low, high, label in GUIDANCE_BUCKETS:
            if count >= low and (high is None or count <= high):
                return buckets[label]
        raise AssertionError(count)

    per_municipality = []
    for code, municipality in _in_scope(snapshot.figures_as_of["guidance"], scope):
        sessions = minutes = 0
        for count, spent in municipality["sessions"]:
            bucket = bucket_for(count)
            bucket[0] += 1
            bucket[1] += count
            bucket[2] += spent
            sessions += count
            minutes += spent
        # Entrepreneurs without any session yet.
        buckets[GUIDANCE_BUCKETS[0][2]][0] += municipality["entrepreneurs"] - len(
            municipality["sessions"]
        )
        per_municipality.append(
            (code, municipality["name"], municipality["entrepreneurs"], sessions, minutes / 60)
        )
    return Guidance(
        buckets=[(label, e, s, m / 60) for label, (e, s, m) in buckets.items()],
        entrepreneurs=sum(b[0] for b in buckets.values()),
        sessions=sum(b[1] for b in buckets.values()),
        hours=sum(b[2] for b in buckets.values()) / 60,
        per_municipality=sorted(per_municipality),
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
