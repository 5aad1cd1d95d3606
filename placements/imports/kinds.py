"""The five import files: their columns, their keys, and the service that saves their rows.

Only parsing lives here (types, formats); every rule is the model's or the service's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from coaching.models import Entrepreneur
from coaching.services import entrepreneur_save
from municipalities.history import ChangedBy
from municipalities.models import Municipality
from municipalities.services import municipality_save

from ..consents import answer_changes_consent, consent_apply_answer
from ..enums import ChangeSource, ConsentPurpose, ConsentSource
from ..models import BenefitPeriod, Jobseeker, Placement
from ..services import benefit_period_save, jobseeker_save, placement_save
from .reader import (
    parse_amount,
    parse_consent_answer,
    parse_date,
    parse_text,
    parse_whole_number,
)

# A file that changes a value already recorded corrects it: the history keeps the old and new
# values with this reason and source "import", as for a correction made on a page. The file has
# no column for a reason; the import itself is the why (and the audit log says which run).
IMPORT_REASON = _("Changed by a CSV import")


def _by_import() -> ChangedBy:
    return ChangedBy(actor=None, source=ChangeSource.IMPORT, reason=str(IMPORT_REASON))


def _consent_changes(jobseeker: Jobseeker, extra: dict) -> bool:
    return answer_changes_consent(
        jobseeker=jobseeker, purpose=ConsentPurpose.RESEARCH, answer=extra["research_consent"]
    )


def _consent_save(jobseeker: Jobseeker, extra: dict) -> None:
    # The answer counts on the day of the import: yes gives consent today (unless it holds),
    # no withdraws a consent that holds, unknown changes nothing (placements.consents).
    consent_apply_answer(
        jobseeker=jobseeker,
        purpose=ConsentPurpose.RESEARCH,
        answer=extra["research_consent"],
        source=ConsentSource.IMPORT,
    )


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    parse: Callable[[str], object] = parse_text
    # The file whose rows this column refers to by their key (a code or a ref).
    refers_to: str | None = None
    # False: not a field of the row's model but something saved alongside it (``save_extra``).
    model_field: bool = True


@dataclass(frozen=True)
class FileKind:
    file: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    # The columns that identify a row; the upsert key.
    key: tuple[str, ...]
    save: Callable[[models.Model], object]
    # Where errors go that belong to the row rather than to one column (and any field without
    # a column of its own, such as a municipality copied from the jobseeker).
    row_column: str
    # A row is processed in this field's order (see run.py); None keeps the file's order.
    process_order: str | None = None
    # Fields without a column of their own that follow one (a municipality copied from the
    # jobseeker), so that their errors land in that column.
    follows: tuple[tuple[str, str], ...] = ()
    # For the columns that are not model fields: whether they would change anything for the
    # row (for the "unchanged" count), and how they are saved after the row itself.
    extra_changes: Callable[[models.Model, dict], bool] | None = None
    save_extra: Callable[[models.Model, dict], object] | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column_for(self, field: str) -> str:
        for column in self.columns:
            if column.field == field:
                return column.name
        return dict(self.follows).get(field, self.row_column)

    @property
    def key_fields(self) -> tuple[str, ...]:
        by_name = {column.name: column.field for column in self.columns}
        return tuple(by_name[name] for name in self.key)


MUNICIPALITIES = FileKind(
    file="municipalities.csv",
    model=Municipality,
    columns=(
        Column("code", "code"),
        Column("name", "name"),
        Column("planned_places", "planned_places", parse_whole_number),
    ),
    key=("code",),
    save=lambda obj: municipality_save(municipality=obj),
    row_column="code",
)

ENTREPRENEURS = FileKind(
    file="entrepreneurs.csv",
    model=Entrepreneur,
    columns=(
        Column("ref", "ref"),
        Column("municipality_code", "municipality", refers_to=MUNICIPALITIES.file),
        Column("trade_name", "trade_name"),
        Column("kvk_number", "kvk_number"),
        Column("prior_support", "prior_support"),
    ),
    key=("ref",),
    save=lambda obj: entrepreneur_save(entrepreneur=obj),
    row_column="ref",
)

JOBSEEKERS = FileKind(
    file="jobseekers.csv",
    model=Jobseeker,
    columns=(
        Column("ref", "ref"),
        Column("municipality_code", "municipality", refers_to=MUNICIPALITIES.file),
        Column("given_name", "given_name"),
        Column("family_name", "family_name"),
        Column("birth_date", "birth_date", parse_date),
        Column("research_consent", "research_consent", parse_consent_answer, model_field=False),
    ),
    key=("ref",),
    save=lambda obj: jobseeker_save(jobseeker=obj),
    row_column="ref",
    extra_changes=_consent_changes,
    save_extra=_consent_save,
)

PLACEMENTS = FileKind(
    file="placements.csv",
    model=Placement,
    columns=(
        Column("ref", "ref"),
        Column("jobseeker_ref", "jobseeker", refers_to=JOBSEEKERS.file),
        Column("entrepreneur_ref", "entrepreneur", refers_to=ENTREPRENEURS.file),
        Column("status", "status"),
        Column("planned_start", "planned_start", parse_date),
        Column("planned_end", "planned_end", parse_date),
        Column("actual_start", "actual_start", parse_date),
        Column("actual_end", "actual_end", parse_date),
        Column("end_reason", "end_reason"),
    ),
    key=("ref",),
    # The steps between two imports happened outside the system, so a status may skip ahead
    # along the lifecycle (never back); the service records the change.
    save=lambda obj: placement_save(
        placement=obj,
        actor=None,
        source=ChangeSource.IMPORT,
        single_step=False,
        reason=str(IMPORT_REASON),
    ),
    row_column="ref",
    process_order="actual_start",
    follows=(("municipality", "jobseeker_ref"),),
)

BENEFIT_PERIODS = FileKind(
    file="benefit_periods.csv",
    model=BenefitPeriod,
    columns=(
        Column("jobseeker_ref", "jobseeker", refers_to=JOBSEEKERS.file),
        Column("benefit_type", "benefit_type"),
        Column("start_date", "start_date", parse_date),
        Column("end_date", "end_date", parse_date),
        Column("end_reason", "end_reason"),
        Column("monthly_amount", "monthly_amount", parse_amount),
    ),
    key=("jobseeker_ref", "benefit_type", "start_date"),
    save=lambda obj: benefit_period_save(period=obj, change=_by_import()),
    row_column="start_date",
    process_order="start_date",
    follows=(("municipality", "jobseeker_ref"),),
)

# The order data-exchange.md applies the files in: every file only refers to earlier ones.
KINDS: tuple[FileKind, ...] = (
    MUNICIPALITIES,
    ENTREPRENEURS,
    JOBSEEKERS,
    PLACEMENTS,
    BENEFIT_PERIODS,
)
KINDS_BY_FILE = {kind.file: kind for kind in KINDS}
