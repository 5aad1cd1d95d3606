"""Reads for the jobcoach pages: the lists, the jobseeker timeline and the home page's to-do list.

Every function starts from ``municipalities.access`` (``visible`` to show rows, ``editable`` for
the to-do list: it is work for the people who may act on the rows), so a jobcoach only ever meets
the rows of their own municipalities. Each function issues a fixed number of queries, whatever the
number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Least, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from coaching.models import Entrepreneur
from kernel.dates import add_months
from kernel.models import PilotSettings
from municipalities.access import (
    access_for,
    editable,
    municipalities_matching,
    visible,
    writable_municipality_ids,
)
from municipalities.db_scope import current_scope, pilot_wide
from municipalities.enums import RecordKind
from municipalities.history import HistoryEntry, history_entries
from municipalities.models import Correction

from .consents import with_research_consent
from .enums import ENDED_STATUSES, BenefitCheckMonths, PlacementStatus
from .models import (
    BenefitCheck,
    BenefitPeriod,
    HostEvaluation,
    Jobseeker,
    Placement,
    PlacementStateChange,
    ProgressReview,
)

REMINDER_WINDOW_DAYS = 14
HOLDS_A_PLACE = (PlacementStatus.PROPOSED, PlacementStatus.AGREED, PlacementStatus.ACTIVE)
REVIEW_INTERVAL_DAYS = 28
BENEFIT_CHECK_MONTHS = tuple(BenefitCheckMonths.values)
# "N months after D" is clamped to the month's last day, so D + N months can land up to three
# days earlier than a plain day count suggests: widen the database pre-filter by that much.
_CLAMP_SLACK = timedelta(days=3)


# --- lists ------------------------------------------------------------------------------------


def _latest_placement(field_name: str) -> Subquery:
    """A column of the jobseeker's latest placement: the one planned to start last."""
    return Subquery(
        Placement.objects.filter(jobseeker_id=OuterRef("pk"))
        .order_by("-planned_start", "-id")
        .values(field_name)[:1]
    )


def jobseeker_list_rows(queryset: QuerySet[Jobseeker]) -> QuerySet[Jobseeker]:
    """The jobseeker list's rows, with ``latest_status`` (the latest placement's status, or
    None when the person has no placement yet) and the research consent as of today
    (``research_consent_status``) computed in the same query."""
    return with_research_consent(
        queryset.select_related("municipality").annotate(latest_status=_latest_placement("status"))
    )


def placement_list_rows(queryset: QuerySet[Placement]) -> QuerySet[Placement]:
    return queryset.select_related("jobseeker", "entrepreneur", "municipality").order_by(
        "-planned_start", "ref"
    )


def sees_several_municipalities(user) -> bool:
    """Lists name the municipality (and offer it as a filter) only to users who see several."""
    access = access_for(user)
    return access.is_programme_admin or len(access.jobcoach_municipality_ids) > 1


def municipalities_for_filter(*, user, text: str):
    """The municipalities a list's typed municipality filter means, among the user's visible
    ones (``access.municipalities_matching``)."""
    return municipalities_matching(user, text)


def places_taken(statuses=HOLDS_A_PLACE):
    """An entrepreneur query's expression: their placements in ``statuses``, in every
    municipality (a place taken by an intern of another municipality is just as taken).

    Row-level security hides other municipalities' placements from a scoped request, so there
    the count is the database function ``pilot_places_taken`` (placements 0006), which counts
    in a pilot-wide scope of its own and returns the number only. In a pilot-wide scope, and
    on the demo's SQLite (which has no such wall), a plain subquery counts the same.
    """
    from django.db import connection
    from django.db.models import Func, IntegerField, Value
    from django.db.models.functions import Coalesce

    if connection.vendor == "postgresql" and not current_scope().all_municipalities:
        return Func(
            F("pk"),
            Value(",".join(str(s) for s in statuses)),
            function="pilot_places_taken",
            output_field=IntegerField(),
        )
    return Coalesce(
        Subquery(
            Placement.objects.filter(entrepreneur_id=OuterRef("pk"), status__in=statuses)
            .order_by()
            .values("entrepreneur_id")
            .annotate(n=Count("id"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def entrepreneurs_with_free_place(*, user, municipality_id: int | None = None):
    """Entrepreneurs a jobcoach may propose a placement with: in a municipality the user may
    write to, and with fewer proposed, agreed or running internships than the pilot allows at
    a time (a proposal holds its place until it is cancelled).

    The proposal's dates are not known yet, so this counts what holds a place now or later;
    the placement service then checks the exact period when the proposal is saved.
    """
    limit = PilotSettings.load().interns_per_entrepreneur
    rows = visible(user, Entrepreneur).select_related("municipality")
    writable = writable_municipality_ids(user)
    if writable is not None:
        rows = rows.filter(municipality_id__in=writable)
    if municipality_id is not None:
        rows = rows.filter(municipality_id=municipality_id)
    return (
        rows.annotate(running=places_taken(HOLDS_A_PLACE))
        .filter(running__lt=limit)
        .order_by("trade_name", "ref")
    )


def next_placement_ref(jobseeker: Jobseeker) -> str:
    """A new placement's reference: "<jobseeker ref>-P<n>", the first n not yet taken.

    References are unique across the whole pilot, so this looks at every placement, not only
    the visible ones; it reads references only, never the rows behind them.
    """
    with pilot_wide("references are unique across the pilot"):
        n = Placement.objects.filter(jobseeker_id=jobseeker.pk).count() + 1
        while True:
            suffix = f"-P{n}"
            ref = f"{jobseeker.ref[: 64 - len(suffix)]}{suffix}"
            if not Placement.objects.filter(ref=ref).exists():
                return ref
            n += 1


# --- the jobseeker page -----------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    on: date
    # Orders events of one day: later steps of a day come first in a newest-first list.
    at: datetime
    kind: str  # placement, state_change, review, benefit, benefit_check, correction
    title: str
    detail: str = ""
    url_name: str = ""
    url_pk: int | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def jobseeker_placements(*, user, jobseeker: Jobseeker) -> list[Placement]:
    return list(
        visible(user, Placement)
        .filter(jobseeker_id=jobseeker.pk)
        .select_related("entrepreneur")
        .order_by("-planned_start", "-id")
    )


def jobseeker_benefit_periods(*, user, jobseeker: Jobseeker) -> list[BenefitPeriod]:
    return list(
        visible(user, BenefitPeriod).filter(jobseeker_id=jobseeker.pk).order_by("-start_date")
    )


# The records whose corrections the jobcoach pages show, by the kind the history names them.
CORRECTED_MODELS = {
    RecordKind.BENEFIT_PERIOD: BenefitPeriod,
    RecordKind.PLACEMENT: Placement,
    RecordKind.PROGRESS_REVIEW: ProgressReview,
    RecordKind.HOST_EVALUATION: HostEvaluation,
}


def _corrections(user, q: Q) -> list[HistoryEntry]:
    rows = (
        visible(user, Correction)
        .filter(q, record_kind__in=list(CORRECTED_MODELS))
        .select_related("changed_by", "changed_by_client")
        .order_by("changed_at", "id")
    )
    return history_entries(rows, models_by_kind=CORRECTED_MODELS)


def jobseeker_corrections(
    *, user, jobseeker: Jobseeker, placements: list[Placement]
) -> list[HistoryEntry]:
    """Corrections and withdrawals of this jobseeker's benefit periods, placements and
    reviews, oldest first. One query."""
    return _corrections(
        user,
        Q(subject_kind=RecordKind.JOBSEEKER, subject_id=jobseeker.pk)
        | Q(subject_kind=RecordKind.PLACEMENT, subject_id__in=[p.pk for p in placements]),
    )


def placement_corrections(*, user, placement: Placement) -> list[HistoryEntry]:
    """Corrections of this placement (dates, steps undone) and of its reviews. One query."""
    return _corrections(user, Q(subject_kind=RecordKind.PLACEMENT, subject_id=placement.pk))


def jobseeker_timeline(
    *,
    user,
    jobseeker: Jobseeker,
    placements: list[Placement],
    periods: list[BenefitPeriod],
    corrections: list[HistoryEntry] = (),
) -> list[TimelineEvent]:
    """Everything that happened to one jobseeker, newest first: the internships' actual start
    and end, every recorded state change (with who recorded it), the progress reviews, the
    benefit checks, the start and end of every benefit period, and every correction (what
    changed, who, why).

    ``placements``, ``periods`` and ``corrections`` are the page's own lists (passed in so
    that they are read once); state changes, reviews and checks cost one query each.
    """
    events: list[TimelineEvent] = []
    for entry in corrections:
        correction = entry.correction
        changes = "; ".join(
            _("%(field)s: changed") % {"field": line.label}
            if line.text_only
            else f"{line.label}: {line.old} → {line.new}"
            for line in entry.lines
        )
        events.append(
            TimelineEvent(
                on=timezone.localtime(correction.changed_at).date(),
                at=correction.changed_at,
                kind="correction",
                title=entry.title,
                detail="\n".join(
                    [
                        changes,
                        _("Reason: %(reason)s") % {"reason": correction.reason},
                        _("recorded by %(who)s (%(source)s)")
                        % {"who": entry.who, "source": correction.get_source_display()},
                    ]
                ),
            )
        )
    for p in placements:
        where = p.entrepreneur.trade_name
        if p.actual_start:
            events.append(
                TimelineEvent(
                    on=p.actual_start,
                    at=_day_start(p.actual_start),
                    kind="placement",
                    title=_("Internship at %(where)s started") % {"where": where},
                    detail=p.ref,
                    url_name="placements:placement_detail",
                    url_pk=p.pk,
                )
            )
        if p.actual_end:
            title = (
                _("Internship at %(where)s completed")
                if p.status == PlacementStatus.COMPLETED
                else _("Internship at %(where)s terminated")
            ) % {"where": where}
            events.append(
                TimelineEvent(
                    on=p.actual_end,
                    at=_day_start(p.actual_end),
                    kind="placement",
                    title=title,
                    detail=p.get_end_reason_display() if p.end_reason else p.ref,
                    url_name="placements:placement_detail",
                    url_pk=p.pk,
                )
            )
    changes = (
        visible(user, PlacementStateChange)
        .filter(placement__jobseeker_id=jobseeker.pk)
        .select_related("placement", "changed_by", "changed_by_client")
    )
    for change in changes:
        local = timezone.localtime(change.changed_at)
        if change.changed_by:
            who = change.changed_by.get_full_name()
        elif change.changed_by_client:
            who = _("API client %(name)s") % {"name": change.changed_by_client.name}
        else:
            who = _("the system")
        events.append(
            TimelineEvent(
                on=local.date(),
                at=change.changed_at,
                kind="state_change",
                title=_("Placement %(ref)s: %(status)s")
                % {"ref": change.placement.ref, "status": change.get_to_status_display()},
                detail=_("recorded by %(who)s (%(source)s)")
                % {"who": who, "source": change.get_source_display()},
                url_name="placements:placement_detail",
                url_pk=change.placement_id,
            )
        )
    reviews = (
        visible(user, ProgressReview)
        .filter(placement__jobseeker_id=jobseeker.pk)
        .select_related("placement")
    )
    for review in reviews:
        events.append(
            TimelineEvent(
                on=review.held_on,
                at=_day_start(review.held_on),
                kind="review",
                title=_("Progress review (%(ref)s)") % {"ref": review.placement.ref},
                detail=review.notes,
                url_name="placements:placement_detail",
                url_pk=review.placement_id,
            )
        )
    checks = (
        visible(user, BenefitCheck)
        .filter(placement__jobseeker_id=jobseeker.pk)
        .select_related("placement", "recorded_by")
    )
    for check in checks:
        who = check.recorded_by.get_full_name() if check.recorded_by else _("the system")
        recorded = _("recorded by %(who)s") % {"who": who}
        events.append(
            TimelineEvent(
                on=check.checked_on,
                at=check.created_at,
                kind="benefit_check",
                title=_("Benefit check %(months)s months after %(ref)s: %(outcome)s")
                % {
                    "months": check.months,
                    "ref": check.placement.ref,
                    "outcome": check.get_outcome_display(),
                },
                detail=f"{check.reason}\n{recorded}" if check.reason else recorded,
                url_name="placements:placement_detail",
                url_pk=check.placement_id,
            )
        )
    for period in periods:
        label = period.get_benefit_type_display()
        events.append(
            TimelineEvent(
                on=period.start_date,
                at=_day_start(period.start_date),
                kind="benefit",
                title=_("Benefit started: %(type)s") % {"type": label},
            )
        )
        if period.end_date:
            events.append(
                TimelineEvent(
                    on=period.end_date,
                    at=_day_start(period.end_date),
                    kind="benefit",
                    title=_("Benefit ended: %(type)s") % {"type": label},
                    detail=period.get_end_reason_display(),
                )
            )
    events.sort(key=lambda e: (e.on, e.at), reverse=True)
    return events


# --- the placement page -----------------------------------------------------------------------


def placement_state_changes(*, user, placement: Placement) -> list[PlacementStateChange]:
    return list(
        visible(user, PlacementStateChange)
        .filter(placement_id=placement.pk)
        .select_related("changed_by", "changed_by_client")
        .order_by("changed_at", "id")
    )


def placement_reviews(*, user, placement: Placement) -> list[ProgressReview]:
    return list(
        visible(user, ProgressReview)
        .filter(placement_id=placement.pk)
        .select_related("author")
        .order_by("-held_on", "-id")
    )


@dataclass(frozen=True)
class PlacementBenefitCheck:
    """One of an ended placement's three check moments, recorded or not."""

    months: int
    check_on: date
    recorded: BenefitCheck | None
    overdue: bool


def placement_evaluation(*, user, placement: Placement) -> HostEvaluation | None:
    return visible(user, HostEvaluation).filter(placement_id=placement.pk).first()


def placement_benefit_checks(
    *, user, placement: Placement, today: date
) -> list[PlacementBenefitCheck]:
    """The 3, 6 and 12-month checks of an ended placement (none for any other), with the
    recorded check where there is one; ``overdue`` as on the to-do list."""
    if placement.status not in ENDED_STATUSES or placement.actual_end is None:
        return []
    recorded = {
        check.months: check
        for check in visible(user, BenefitCheck)
        .filter(placement_id=placement.pk)
        .select_related("recorded_by")
    }
    overdue_before = today - timedelta(days=REMINDER_WINDOW_DAYS)
    rows = []
    for months in BENEFIT_CHECK_MONTHS:
        check_on = add_months(placement.actual_end, months)
        rows.append(
            PlacementBenefitCheck(
                months=months,
                check_on=check_on,
                recorded=recorded.get(months),
                overdue=months not in recorded and check_on < overdue_before,
            )
        )
    return rows


# --- the home page's to-do list ---------------------------------------------------------------


def placements_ending_soon(*, user, today: date) -> list[Placement]:
    """Active placements whose planned end is at most 14 days after ``today``.

    Those whose planned end has already passed are included (oldest first): they are still
    running in the system and need to be completed or terminated.
    """
    return list(
        editable(user, Placement)
        .filter(
            status=PlacementStatus.ACTIVE,
            planned_end__lte=today + timedelta(days=REMINDER_WINDOW_DAYS),
        )
        .select_related("jobseeker", "entrepreneur")
        .order_by("planned_end", "ref")
    )


def _due_for_review(placements: QuerySet[Placement], *, today: date) -> QuerySet[Placement]:
    """The active ``placements`` whose next progress review is due on or before ``today``, with
    their latest review's date (``last_review_on``) and planned next one (``planned_review_on``):
    the one rule ``reviews_due`` and the home page's bounded list share."""
    latest = ProgressReview.objects.filter(placement_id=OuterRef("pk")).order_by("-held_on", "-id")
    four_weeks_ago = today - timedelta(days=REVIEW_INTERVAL_DAYS)
    return (
        placements.filter(status=PlacementStatus.ACTIVE)
        .annotate(
            last_review_on=Subquery(latest.values("held_on")[:1]),
            planned_review_on=Subquery(latest.values("next_review_on")[:1]),
        )
        .filter(
            Q(planned_review_on__lte=today)
            | Q(planned_review_on__isnull=True, last_review_on__lte=four_weeks_ago)
            | Q(
                planned_review_on__isnull=True,
                last_review_on__isnull=True,
                actual_start__lte=four_weeks_ago,
            )
        )
    )


def reviews_due(
    *, user, today: date, placements: QuerySet[Placement] | None = None
) -> list[Placement]:
    """Active placements whose next progress review is due on or before ``today``.

    The due date (set on each row as ``review_due_on``) is the latest review's "next review"
    date when the jobcoach gave one; otherwise 28 days (4 weeks) after the latest review, or
    after the actual start when there has been no review yet. "Latest" is the review with the
    latest date.

    ``placements`` replaces the user's editable placements as the rows looked at: the
    completeness figures (reporting) pass rows they scoped themselves.
    """
    rows = _due_for_review(
        editable(user, Placement) if placements is None else placements, today=today
    ).select_related("jobseeker__municipality", "entrepreneur")
    result = []
    for placement in rows:
        placement.review_due_on = placement.planned_review_on or (
            (placement.last_review_on or placement.actual_start)
            + timedelta(days=REVIEW_INTERVAL_DAYS)
        )
        result.append(placement)
    result.sort(key=lambda p: (p.review_due_on, p.ref))
    return result


@dataclass(frozen=True)
class DueBenefitCheck:
    jobseeker: Jobseeker
    # The internship the check follows: the jobseeker's latest ended placement.
    placement_id: int
    internship_end: date
    months: int
    check_on: date
    overdue: bool


def benefit_checks_due(
    *, user, today: date, jobseekers: QuerySet[Jobseeker] | None = None
) -> list[DueBenefitCheck]:
    """Benefit checks that are due or coming up and have not been recorded yet.

    The internship end E is the latest actual end of the jobseeker's completed or terminated
    placements; a jobseeker with a placement still active has no E yet (as in the outflow
    rules). The check dates are E + 3, E + 6 and E + 12 months (same day of the month, clamped
    to the month's end). A check is listed from 14 days before its date until a check for that
    placement and moment is recorded (a ``BenefitCheck``); it is ``overdue`` once its date lies
    more than 14 days before ``today`` (the reminder window has passed without a record). An
    overdue check stays listed, however old: a forgotten check must remain visible.

    ``jobseekers`` replaces the user's editable jobseekers as the rows looked at: the
    completeness figures (reporting) pass rows they scoped themselves.
    """
    window_end = today + timedelta(days=REMINDER_WINDOW_DAYS)
    latest_end = add_months(window_end, -min(BENEFIT_CHECK_MONTHS)) + _CLAMP_SLACK
    latest_ended = Placement.objects.filter(
        jobseeker_id=OuterRef("pk"), status__in=ENDED_STATUSES
    ).order_by("-actual_end", "-id")
    rows = list(
        (editable(user, Jobseeker) if jobseekers is None else jobseekers)
        .exclude(placements__status=PlacementStatus.ACTIVE)
        .annotate(
            internship_end=Subquery(latest_ended.values("actual_end")[:1]),
            placement_id=Subquery(latest_ended.values("id")[:1]),
        )
        .filter(internship_end__lte=latest_end)
        .select_related("municipality")
        .order_by()
    )
    done = set(
        BenefitCheck.objects.filter(placement_id__in=[j.placement_id for j in rows]).values_list(
            "placement_id", "months"
        )
    )
    overdue_before = today - timedelta(days=REMINDER_WINDOW_DAYS)
    checks = []
    for jobseeker in rows:
        for months in BENEFIT_CHECK_MONTHS:
            check_on = add_months(jobseeker.internship_end, months)
            if check_on <= window_end and (jobseeker.placement_id, months) not in done:
                checks.append(
                    DueBenefitCheck(
                        jobseeker=jobseeker,
                        placement_id=jobseeker.placement_id,
                        internship_end=jobseeker.internship_end,
                        months=months,
                        check_on=check_on,
                        overdue=check_on < overdue_before,
                    )
                )
    checks.sort(key=lambda c: (c.check_on, c.jobseeker.ref, c.months))
    return checks


def proposals_waiting(*, user, today: date) -> list[Placement]:
    """Proposed placements that still wait for an agreement, the earliest planned start first;
    ``start_passed`` marks those whose planned start is already before ``today``."""
    rows = list(
        editable(user, Placement)
        .filter(status=PlacementStatus.PROPOSED)
        .select_related("jobseeker", "entrepreneur")
        .order_by("planned_start", "ref")
    )
    for placement in rows:
        placement.start_passed = placement.planned_start < today
    return rows


# The home page shows at most this many items of each to-do list (the most urgent first), with
# the exact number of all of them: at national scale a list can hold hundreds.
HOME_LIST_LIMIT = 10


@dataclass(frozen=True)
class Bounded:
    """The first ``rows`` of a to-do list (at most ``HOME_LIST_LIMIT``) and how many the whole
    list holds (``total``, one COUNT query)."""

    rows: list
    total: int

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def bounded(queryset: QuerySet, limit: int = HOME_LIST_LIMIT) -> Bounded:
    """The first ``limit`` rows of an ordered queryset and its count: two queries."""
    rows = list(queryset[:limit])
    total = len(rows) if len(rows) < limit else queryset.order_by().count()
    return Bounded(rows=rows, total=total)


def _with_review_due_on(placements: QuerySet[Placement]) -> QuerySet[Placement]:
    """``_due_for_review`` rows with their due date (``review_due_on``) computed by the
    database, as ``reviews_due`` computes it in Python."""
    return placements.annotate(
        review_due_on=Coalesce(
            "planned_review_on",
            _AddDays(
                Coalesce("last_review_on", "actual_start", output_field=DateField()),
                REVIEW_INTERVAL_DAYS,
            ),
            output_field=DateField(),
        )
    )


def _reviews_due_rows(*, user, today: date) -> QuerySet[Placement]:
    """``reviews_due`` as one query, the due date (``review_due_on``) computed by the database
    and ordered by it, so that the home page can read the first few and count the rest."""
    return (
        _with_review_due_on(_due_for_review(editable(user, Placement), today=today))
        .select_related("jobseeker", "entrepreneur")
        .order_by("review_due_on", "ref")
    )


class _AddMonths(Func):
    """``day + N months`` in the database: the same day of the month, clamped to the month's
    end, as ``kernel.dates.add_months``."""

    output_field = DateField()

    def __init__(self, expression, months: int):
        super().__init__(expression)
        self.months = int(months)

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL's month interval clamps to the month's end itself.
        template = f"(%(expressions)s + interval '{self.months} months')::date"
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # The demo's SQLite rolls 31 January + 1 month over into March: the earlier of that and
        # the target month's last day is the clamped day (ISO dates compare as text).
        # The day is compiled once and written twice, so are its parameters (a subquery's).
        day, params = compiler.compile(self.get_source_expressions()[0])
        n = self.months
        sql = (
            f"MIN(date({day}, '+{n} months'), "
            f"date({day}, 'start of month', '+{n + 1} months', '-1 day'))"
        )
        return sql, (*params, *params)


class _AddDays(Func):
    """``day + N days`` in the database (PostgreSQL adds an integer to a date; the demo's
    SQLite would add it to the year)."""

    output_field = DateField()

    def __init__(self, expression, days: int):
        super().__init__(expression)
        self.days = int(days)

    def as_sql(self, compiler, connection, **extra_context):
        template = f"(%(expressions)s + {self.days})"
        return super().as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        template = f"date(%(expressions)s, '+{self.days} days')"
        return super().as_sql(compiler, connection, template=template, **extra_context)


# Later than any check date: stands in for "no open check" where the earliest is taken.
_NO_DATE = date(9999, 12, 31)


def _earliest(*fields: str):
    """The earliest of the date ``fields`` that are not NULL, NULL when all are: PostgreSQL's
    LEAST skips NULLs, SQLite's MIN() of several values returns NULL for one."""
    return NullIf(
        Least(*(Coalesce(F(name), Value(_NO_DATE)) for name in fields)),
        Value(_NO_DATE),
        output_field=DateField(),
    )


def _open_checks(jobseekers: QuerySet[Jobseeker], *, today: date) -> QuerySet[Jobseeker]:
    """``jobseekers`` with an open check (``benefit_checks_due``'s rules), each with the day of
    its open check of every moment (``open_3``, ``open_6``, ``open_12``: NULL when that check
    is recorded or not yet in the reminder window) and the earliest of them (``first_due``),
    all computed by the database."""
    window_end = today + timedelta(days=REMINDER_WINDOW_DAYS)
    latest_end = add_months(window_end, -min(BENEFIT_CHECK_MONTHS)) + _CLAMP_SLACK
    latest_ended = Placement.objects.filter(
        jobseeker_id=OuterRef("pk"), status__in=ENDED_STATUSES
    ).order_by("-actual_end", "-id")
    rows = (
        jobseekers.exclude(placements__status=PlacementStatus.ACTIVE)
        .annotate(
            internship_end=Subquery(latest_ended.values("actual_end")[:1]),
            placement_id=Subquery(latest_ended.values("id")[:1]),
        )
        .filter(internship_end__lte=latest_end)
    )
    open_on = {}
    for months in BENEFIT_CHECK_MONTHS:
        rows = rows.annotate(
            **{
                f"due_{months}": _AddMonths(F("internship_end"), months),
                f"done_{months}": Exists(
                    BenefitCheck.objects.filter(
                        placement_id=OuterRef("placement_id"), months=months
                    )
                ),
            }
        )
        open_on[months] = Case(
            When(
                **{f"due_{months}__lte": window_end, f"done_{months}": False},
                then=F(f"due_{months}"),
            ),
            output_field=DateField(),
        )
    # The earliest open check, NULL when there is none.
    rows = rows.annotate(
        **{f"open_{months}": expression for months, expression in open_on.items()}
    ).annotate(first_due=_earliest(*(f"open_{months}" for months in BENEFIT_CHECK_MONTHS)))
    return rows.filter(first_due__isnull=False)


def benefit_checks_bounded(*, user, today: date, limit: int = HOME_LIST_LIMIT) -> Bounded:
    """The ``limit`` most urgent of ``benefit_checks_due`` (same rules, same order) and the
    exact number of all of them, without reading every jobseeker: the database computes each
    jobseeker's open checks in the reminder window and the earliest of them (``first_due``).

    The ``limit`` most urgent checks belong to at most ``limit`` jobseekers, those with the
    earliest ``first_due``: one query (the jobseekers with the counts, none per row).
    """
    rows = _open_checks(editable(user, Jobseeker), today=today)
    # The number of open checks of each moment over every jobseeker with one, counted in the
    # same query as the first few (a window over the whole list, before the LIMIT): the
    # query's expressions are built and run once, not again for a separate count.
    firsts = list(
        rows.annotate(
            **{
                f"n{months}": Window(Count("pk", filter=Q(**{f"open_{months}__isnull": False})))
                for months in BENEFIT_CHECK_MONTHS
            }
        ).order_by("first_due", "ref")[:limit]
    )
    total = sum(getattr(firsts[0], f"n{m}") for m in BENEFIT_CHECK_MONTHS) if firsts else 0
    overdue_before = today - timedelta(days=REMINDER_WINDOW_DAYS)
    checks = []
    for jobseeker in firsts:
        for months in BENEFIT_CHECK_MONTHS:
            check_on = getattr(jobseeker, f"open_{months}")
            if check_on is not None:
                checks.append(
                    DueBenefitCheck(
                        jobseeker=jobseeker,
                        placement_id=jobseeker.placement_id,
                        internship_end=jobseeker.internship_end,
                        months=months,
                        check_on=check_on,
                        overdue=check_on < overdue_before,
                    )
                )
    checks.sort(key=lambda c: (c.check_on, c.jobseeker.ref, c.months))
    return Bounded(rows=checks[:limit], total=total)


def overdue_checks_per_municipality(
    jobseekers: QuerySet[Jobseeker], *, today: date
) -> dict[int, int]:
    """Per municipality id, the number of ``benefit_checks_due(...)`` checks of ``jobseekers``
    that are ``overdue``, counted by the database (the completeness figures of a whole pilot
    would otherwise build every open check to count them).

    The same rules as ``_open_checks`` in one pass: each person's latest ended internship read
    once (DISTINCT ON), the three moments as rows (unnest), a check overdue when its day lies
    before ``today`` minus the reminder window (and so inside the window) and no check of that
    placement and moment is recorded. The ORM's form of it re-ran the latest-internship
    subquery inside every expression that used it: seconds at national scale."""
    from django.db import connection

    if connection.vendor != "postgresql":
        # The demo's SQLite (a few hundred people): the list itself, counted.
        counts: dict[int, int] = {}
        for check in benefit_checks_due(user=None, today=today, jobseekers=jobseekers):
            if check.overdue:
                municipality_id = check.jobseeker.municipality_id
                counts[municipality_id] = counts.get(municipality_id, 0) + 1
        return counts
    window_end = today + timedelta(days=REMINDER_WINDOW_DAYS)
    latest_end = add_months(window_end, -min(BENEFIT_CHECK_MONTHS)) + _CLAMP_SLACK
    overdue_before = today - timedelta(days=REMINDER_WINDOW_DAYS)
    people_sql, people_params = (
        jobseekers.order_by().values("pk", "municipality_id").query.sql_with_params()
    )
    placements = Placement._meta.db_table
    checks = BenefitCheck._meta.db_table
    sql = f"""
        WITH people (id, municipality_id) AS ({people_sql}),
        latest AS (
            SELECT DISTINCT ON (p.jobseeker_id) p.jobseeker_id, p.id, p.actual_end
            FROM {placements} p
            WHERE p.status = ANY(%s) AND p.jobseeker_id IN (SELECT id FROM people)
            ORDER BY p.jobseeker_id, p.actual_end DESC, p.id DESC
        )
        SELECT people.municipality_id, count(*)
        FROM people
        JOIN latest ON latest.jobseeker_id = people.id
        CROSS JOIN unnest(%s::integer[]) AS moment (months)
        WHERE latest.actual_end <= %s
          AND NOT EXISTS (
            SELECT 1 FROM {placements} running
            WHERE running.jobseeker_id = people.id AND running.status = %s
          )
          AND (latest.actual_end + make_interval(months => moment.months))::date < %s
          AND NOT EXISTS (
            SELECT 1 FROM {checks} c
            WHERE c.placement_id = latest.id AND c.months = moment.months
          )
        GROUP BY people.municipality_id
    """  # noqa: S608 - table names from the models, values as parameters
    params = [
        *people_params,
        list(ENDED_STATUSES),
        list(BENEFIT_CHECK_MONTHS),
        latest_end,
        PlacementStatus.ACTIVE,
        overdue_before,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def overdue_reviews_per_municipality(
    placements: QuerySet[Placement], *, today: date
) -> dict[int, int]:
    """Per municipality id, the number of ``reviews_due(..., placements=placements)`` rows
    whose review was due before ``today``, counted by the database."""
    counted = (
        _with_review_due_on(_due_for_review(placements, today=today))
        .filter(review_due_on__lt=today)
        .order_by()
        .values("municipality_id")
        .annotate(n=Count("pk"))
    )
    return {row["municipality_id"]: row["n"] for row in counted}


@dataclass
class JobcoachTodo:
    ending_soon: Bounded
    reviews_due: Bounded
    benefit_checks: Bounded
    proposals: Bounded

    @property
    def is_empty(self) -> bool:
        return not (self.ending_soon or self.reviews_due or self.benefit_checks or self.proposals)


def jobcoach_todo(*, user, today: date, limit: int = HOME_LIST_LIMIT) -> JobcoachTodo:
    """The home page's four lists for a jobcoach, for their municipalities only: of each the
    ``limit`` most urgent (in the order of the selectors above) and the number of all. A fixed
    number of queries, however long the lists are."""
    proposals = bounded(
        editable(user, Placement)
        .filter(status=PlacementStatus.PROPOSED)
        .select_related("jobseeker", "entrepreneur")
        .order_by("planned_start", "ref"),
        limit,
    )
    for placement in proposals:
        placement.start_passed = placement.planned_start < today
    return JobcoachTodo(
        ending_soon=bounded(
            editable(user, Placement)
            .filter(
                status=PlacementStatus.ACTIVE,
                planned_end__lte=today + timedelta(days=REMINDER_WINDOW_DAYS),
            )
            .select_related("jobseeker", "entrepreneur")
            .order_by("planned_end", "ref"),
            limit,
        ),
        reviews_due=bounded(_reviews_due_rows(user=user, today=today), limit),
        benefit_checks=benefit_checks_bounded(user=user, today=today, limit=limit),
        proposals=proposals,
    )
