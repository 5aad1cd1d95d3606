"""Who and what a research export covers, read across every municipality on purpose.

Like ``reporting.selectors``, these reads do not go through ``municipalities.access``: a
research export covers the whole pilot. What protects the people in it is decided here, once:

- only participants (outflow-metrics.md) whose research consent holds on the day the export is
  made (whatever its date A: a withdrawal removes a person from every later export) and their
  internships, benefit periods, progress reviews, host evaluations and entrepreneurs are read;
- only facts dated on or before the export date A are read.

Which columns leave is decided by the row sources (``rows.py``, ``long_tables.py``), which
select only the columns listed in ``variables.py``: no name, birth date (only the year), client
number, contact detail, KvK number, trade name, reference, note or remark is ever read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import NamedTuple

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from coaching.models import Entrepreneur, GuidanceSession
from municipalities.models import Municipality
from placements.consents import consent_holds_expression
from placements.enums import ConsentPurpose, PlacementStatus
from placements.models import BenefitPeriod, HostEvaluation, Jobseeker, Placement, ProgressReview

from .writers.safe import safe_cell

DEFAULT_BATCH_SIZE = 2000


class Batch(NamedTuple):
    rows: list[tuple]
    done: float  # share of the table read so far (0-1), estimated from the last key read


@dataclass(frozen=True, slots=True)
class ResearchScope:
    """What an export covers: the export date A and, for measurements, some municipalities.

    ``consent_on`` is the day the export is made: whose research consent holds on that day
    decides who is in it, whatever A is.
    """

    as_of: date
    municipality_ids: tuple[int, ...] | None = None  # None: every municipality
    batch_size: int = DEFAULT_BATCH_SIZE
    consent_on: date = field(default_factory=timezone.localdate)


def _research_consent_holds(scope: ResearchScope, jobseeker_field: str = "pk") -> Exists:
    return consent_holds_expression(
        ConsentPurpose.RESEARCH, on=scope.consent_on, jobseeker_field=jobseeker_field
    )


def all_municipalities_started_placements(scope: ResearchScope) -> QuerySet[Placement]:
    """Internships of consented jobseekers that started on or before A (never cancelled ones).

    Their jobseekers are exactly the consented participants
    (``all_municipalities_consented_participants``).
    """
    placements = (
        Placement.objects.filter(
            _research_consent_holds(scope, "jobseeker_id"), actual_start__lte=scope.as_of
        )
        .exclude(status=PlacementStatus.CANCELLED)
        .order_by()
    )
    if scope.municipality_ids is not None:
        # The jobseeker's municipality, as for the participants: the copy on the placement
        # (MunicipalityFromParent) keeps the old one when a jobseeker moves.
        placements = placements.filter(jobseeker__municipality_id__in=scope.municipality_ids)
    return placements


def all_municipalities_consented_participants(scope: ResearchScope) -> QuerySet[Jobseeker]:
    """Participants as of A (outflow-metrics.md) whose research consent holds on the day the
    export is made."""
    started = Placement.objects.filter(
        jobseeker=OuterRef("pk"), actual_start__lte=scope.as_of
    ).exclude(status=PlacementStatus.CANCELLED)
    jobseekers = Jobseeker.objects.filter(_research_consent_holds(scope)).filter(Exists(started))
    if scope.municipality_ids is not None:
        jobseekers = jobseekers.filter(municipality_id__in=scope.municipality_ids)
    return jobseekers.order_by()


def all_municipalities_consented_benefit_periods(
    scope: ResearchScope,
) -> QuerySet[BenefitPeriod]:
    return BenefitPeriod.objects.filter(
        start_date__lte=scope.as_of,
        jobseeker_id__in=all_municipalities_consented_participants(scope).values("id"),
    ).order_by()


def all_municipalities_consented_reviews(
    scope: ResearchScope,
) -> QuerySet[ProgressReview]:
    return ProgressReview.objects.filter(
        held_on__lte=scope.as_of,
        placement_id__in=all_municipalities_started_placements(scope).values("id"),
    ).order_by()


def all_municipalities_consented_entrepreneurs(
    scope: ResearchScope,
) -> QuerySet[Entrepreneur]:
    return Entrepreneur.objects.filter(
        id__in=all_municipalities_started_placements(scope).values("entrepreneur_id")
    ).order_by()


def all_municipalities_consented_sessions(
    scope: ResearchScope,
) -> QuerySet[GuidanceSession]:
    return GuidanceSession.objects.filter(
        held_on__lte=scope.as_of,
        entrepreneur_id__in=all_municipalities_started_placements(scope).values("entrepreneur_id"),
    ).order_by()


def all_municipalities_consented_evaluations(
    scope: ResearchScope,
) -> QuerySet[HostEvaluation]:
    """Host evaluations held on or before A of internships in the export that ended on or
    before A (an evaluation of an internship still running as of A does not exist yet)."""
    return HostEvaluation.objects.filter(
        evaluated_on__lte=scope.as_of,
        placement__actual_end__lte=scope.as_of,
        placement_id__in=all_municipalities_started_placements(scope).values("id"),
    ).order_by()


def max_id(model) -> int:
    # An index-only lookup; the keys are read in ascending order, so key / max key is the share
    # of the table passed (the rows of other municipalities or without consent are spread over
    # the same range).
    return model.objects.aggregate(last=Max("id"))["last"] or 1


def municipality_codes() -> dict[int, str]:
    # Neutralised here, once per municipality, so that the writers need not look at every
    # row's code (variables.MUNICIPALITY_CODE is formula_safe). A CBS code never needs it.
    return {
        id_: safe_cell(code)
        for id_, code in Municipality.objects.order_by().values_list("id", "code")
    }


def batched(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
