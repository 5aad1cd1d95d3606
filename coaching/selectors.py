"""Reads for the coaching pages: entrepreneurs with their current intern, and guidance history.

Every function starts from rows the caller already scoped through ``municipalities.access``.
What an IMK coach may know of an intern is the given name and the placement's dates and status
(domain.md); these selectors load nothing more of the jobseeker for anyone, so that a template
cannot show what was never read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from kernel.models import PilotSettings
from municipalities.access import access_for, visible
from municipalities.enums import RecordKind
from municipalities.history import HistoryEntry, history_entries
from municipalities.models import Correction
from placements.enums import ENDED_STATUSES, PlacementStatus
from placements.models import HostEvaluation, Placement
from placements.selectors import HOME_LIST_LIMIT, Bounded, bounded, places_taken

from .enums import SessionMode
from .models import Entrepreneur, GuidanceSession

# A proposed or agreed match already holds the place: offering it again would double-book it.
OCCUPYING_STATUSES = (PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.ACTIVE)

# The fields of an entrepreneur that a jobcoach may see (domain.md: no KvK or contact details).
JOBCOACH_ENTREPRENEUR_FIELDS = ("id", "ref", "trade_name", "municipality__name")


def _current_placements(user) -> QuerySet:
    """The user's visible placements of the outer entrepreneur, the current one first: a running
    or upcoming internship, else the most recent one that ended. Cancelled ones never ran."""
    return (
        visible(user, Placement)
        .filter(entrepreneur_id=OuterRef("pk"))
        .exclude(status=PlacementStatus.CANCELLED)
        .annotate(
            _not_current=Case(
                When(status__in=OCCUPYING_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("_not_current", "-planned_start", "-id")
    )


def _occupied_places():
    # Counted over every placement, not only the visible ones: a place taken by an intern from
    # another municipality is just as taken. Only the number leaves the database.
    return places_taken(OCCUPYING_STATUSES)


def entrepreneurs_with_intern(*, user, entrepreneurs: QuerySet) -> QuerySet:
    """``entrepreneurs`` (already scoped) with their current intern in one query.

    Adds ``intern_given_name``, ``intern_status`` and ``intern_placement_ref`` (None without an
    intern), ``occupied_places`` and ``has_free_place``.
    """
    current = _current_placements(user)
    limit = PilotSettings.load().interns_per_entrepreneur
    rows = entrepreneurs.annotate(
        intern_given_name=Subquery(current.values("jobseeker__given_name")[:1]),
        # Not shown: for the processing log, which records whose data the page showed.
        intern_jobseeker_id=Subquery(current.values("jobseeker_id")[:1]),
        intern_status=Subquery(current.values("status")[:1]),
        intern_placement_ref=Subquery(current.values("ref")[:1]),
        occupied_places=_occupied_places(),
    ).annotate(
        has_free_place=Case(
            When(occupied_places__lt=limit, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    access = access_for(user)
    if access.is_programme_admin or access.is_imk_coach:
        return rows.select_related("municipality", "imk_coach")
    return rows.select_related("municipality").only(*JOBCOACH_ENTREPRENEUR_FIELDS)


def guidance_history(*, user, entrepreneur: Entrepreneur) -> QuerySet:
    """The guidance sessions of ``entrepreneur`` that ``user`` may read, newest first: an IMK
    coach their own, a programme admin all, anyone else none."""
    return (
        visible(user, GuidanceSession)
        .filter(entrepreneur=entrepreneur)
        .select_related("coach")
        .order_by("-held_on", "-id")
    )


def session_defaults(*, coach) -> dict:
    """Minutes and mode of the coach's latest session: most sessions look like the previous
    one, so the form starts there and a coach usually only ticks topics and types notes."""
    latest = (
        visible(coach, GuidanceSession)
        .filter(coach=coach)
        .order_by("-held_on", "-id")
        .values("minutes", "mode")
        .first()
    )
    return latest or {"minutes": 60, "mode": SessionMode.IN_PERSON}


def entrepreneur_evaluations(*, user, entrepreneur: Entrepreneur) -> list[Placement]:
    """The entrepreneur's ended internships that ``user`` may see, the latest end first, each
    with its host evaluation as ``evaluation`` (None while not recorded) and the intern's
    given name as ``intern_given_name`` (the only field of the jobseeker read)."""
    placements = list(
        visible(user, Placement)
        .filter(entrepreneur_id=entrepreneur.pk, status__in=ENDED_STATUSES)
        .annotate(intern_given_name=F("jobseeker__given_name"))
        .only(
            "id", "ref", "status", "actual_start", "actual_end", "entrepreneur_id", "jobseeker_id"
        )
        .order_by("-actual_end", "-id")
    )
    evaluations = {
        evaluation.placement_id: evaluation
        for evaluation in visible(user, HostEvaluation).filter(
            placement_id__in=[p.pk for p in placements]
        )
    }
    for placement in placements:
        placement.evaluation = evaluations.get(placement.pk)
    return placements


def entrepreneur_corrections(*, user, entrepreneur: Entrepreneur) -> list[HistoryEntry]:
    """Corrections and withdrawals of this entrepreneur's guidance sessions that ``user`` may
    read (the admin, and the IMK coach of the entrepreneur), oldest first. One query."""
    rows = (
        visible(user, Correction)
        .filter(subject_kind=RecordKind.ENTREPRENEUR, subject_id=entrepreneur.pk)
        .select_related("changed_by", "changed_by_client")
        .order_by("changed_at", "id")
    )
    return history_entries(rows, models_by_kind={RecordKind.GUIDANCE_SESSION: GuidanceSession})


# A coach sees each entrepreneur with a running internship at least every four weeks; interns
# starting or ending within two weeks are on the home page too.
SESSION_INTERVAL_DAYS = 28
SOON_DAYS = 14


@dataclass(frozen=True)
class ImkCoachTodo:
    # Each list: its first ``HOME_LIST_LIMIT`` rows (the most urgent) and the number of all.
    sessions_due: Bounded  # entrepreneurs: running internship, no session for four weeks
    evaluations_due: Bounded  # ended internship without the entrepreneur's evaluation
    starting_soon: Bounded  # agreed or proposed, starting within two weeks
    ending_soon: Bounded  # running, planned end within two weeks (or passed)

    @property
    def is_empty(self) -> bool:
        return not (
            self.sessions_due or self.evaluations_due or self.starting_soon or self.ending_soon
        )


def imk_coach_todo(*, user, today: date, limit: int = HOME_LIST_LIMIT) -> ImkCoachTodo:
    """The IMK coach's home page: what needs doing at their own entrepreneurs. Of an intern only
    the given name is read (``intern_given_name``), as on every coaching page. Of each list the
    ``limit`` most urgent and the number of all: a fixed number of queries."""
    soon = today + timedelta(days=SOON_DAYS)
    own = visible(user, Entrepreneur).filter(imk_coach=user)
    placements = (
        visible(user, Placement)
        .filter(entrepreneur__in=own)
        .annotate(intern_given_name=F("jobseeker__given_name"))
        .select_related("entrepreneur")
        .only(
            "id",
            "ref",
            # The processing log names the interns by this id (record_read on the home page):
            # deferred, it would cost a query per placement.
            "jobseeker",
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "entrepreneur__id",
            "entrepreneur__ref",
            "entrepreneur__trade_name",
        )
    )
    last_session = Subquery(
        GuidanceSession.objects.filter(entrepreneur_id=OuterRef("pk"))
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    running = placements.filter(status=PlacementStatus.ACTIVE)
    last_seen_before = today - timedelta(days=SESSION_INTERVAL_DAYS)
    sessions_due = (
        own.filter(pk__in=running.values("entrepreneur_id"))
        .annotate(last_session_on=last_session)
        .filter(Q(last_session_on__isnull=True) | Q(last_session_on__lte=last_seen_before))
        .order_by("trade_name", "ref")
    )
    evaluated = visible(user, HostEvaluation).values("placement_id")
    return ImkCoachTodo(
        sessions_due=bounded(sessions_due, limit),
        evaluations_due=bounded(
            placements.filter(status__in=ENDED_STATUSES, actual_end__lte=today)
            .exclude(pk__in=evaluated)
            .order_by("actual_end", "ref"),
            limit,
        ),
        starting_soon=bounded(
            placements.filter(
                status__in=(PlacementStatus.PROPOSED, PlacementStatus.AGREED),
                planned_start__lte=soon,
            ).order_by("planned_start", "ref"),
            limit,
        ),
        ending_soon=bounded(
            running.filter(planned_end__lte=soon).order_by("planned_end", "ref"), limit
        ),
    )
