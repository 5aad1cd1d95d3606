"""Consent per purpose: the one way to give and withdraw it, and whose consent holds.

A consent is a ``ConsentRecord``: given on a day, on a version of the information letter, by
someone or through a way in (page, admin, import, API, demo). Giving consent adds a row;
withdrawing closes the open row; rows are never changed otherwise nor deleted, so the history is
the rows themselves. The pages, the admin, the CSV import and the demo all write through
``consent_give`` and ``consent_withdraw`` here; the research export reads
``consent_holds_expression`` (whose consent holds on the day it is made).

The rules: at most one open consent per person and purpose (checked here with a clear message
and guarded by a unique constraint); a withdrawal is not before the day it was given; a new
consent is not dated before the last withdrawal of the same purpose (the history does not
overlap); dates are never in the future (``kernel.validators``, through the model's ``clean``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, Max, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kernel.versioning import lock_current, save_next_version
from municipalities.access import visible
from municipalities.processing_enums import Action
from municipalities.processing_log import record_write

from .enums import ConsentPurpose, ConsentSource, ResearchConsent
from .models import ConsentRecord, Jobseeker


def current_information_version(purpose: str) -> str:
    """The version of the information letter a jobseeker gets now for ``purpose``
    (settings.CONSENT_INFORMATION_VERSIONS)."""
    return settings.CONSENT_INFORMATION_VERSIONS[purpose]


def _user(actor):
    # The import, the API client without a person, the demo: no user, the source says who.
    return actor if getattr(actor, "pk", None) else None


def _lock_person(jobseeker_id: int) -> None:
    # Two grants for one person at once: the second waits here, then sees the first's row.
    list(Jobseeker.objects.select_for_update().filter(pk=jobseeker_id))


def _merge(errors: dict[str, list], exc: ValidationError) -> None:
    for field, field_errors in exc.update_error_dict({}).items():
        errors.setdefault(field, []).extend(field_errors)


def consent_give(
    *,
    jobseeker: Jobseeker,
    purpose: str,
    source: str,
    actor=None,
    given_on: date | None = None,
    information_version: str | None = None,
) -> ConsentRecord:
    """Record that ``jobseeker`` gave consent for ``purpose`` on ``given_on`` (today when not
    given), on ``information_version`` (the current letter when not given).

    Refused while a consent for the purpose is open, and when dated before its last withdrawal.
    """
    record = ConsentRecord(
        jobseeker=jobseeker,
        purpose=purpose,
        given_on=given_on,
        information_version=information_version or "",
    )
    return consent_give_record(record=record, source=source, actor=actor)


def consent_give_record(*, record: ConsentRecord, source: str, actor=None) -> ConsentRecord:
    """``consent_give`` for a new record already filled in (the admin's form): an empty date is
    today, an empty information version the current one."""
    record.given_on = record.given_on or timezone.localdate()
    if not record.information_version and record.purpose in ConsentPurpose.values:
        record.information_version = current_information_version(record.purpose)
    record.recorded_by = _user(actor)
    record.source = source
    record.recorded_at = timezone.now()
    with transaction.atomic():
        _lock_person(record.jobseeker_id)
        errors: dict[str, list] = {}
        try:
            record.full_clean()
        except ValidationError as exc:
            _merge(errors, exc)
        if "purpose" not in errors and "jobseeker" not in errors:
            _check_history(record, errors)
        if errors:
            raise ValidationError(errors)
        try:
            with transaction.atomic():
                save_next_version(record)
        except IntegrityError:
            # Only possible without the person's lock (a raw write); say it as the rule does.
            raise ValidationError(
                {"purpose": _("Consent for this purpose has already been recorded.")},
                code="consent_holds",
            ) from None
        record_write(Action.CREATE, [record.jobseeker_id])
    return record


def _check_history(record: ConsentRecord, errors: dict[str, list]) -> None:
    """The rules that need the person's other records (under the person's lock)."""
    same = ConsentRecord.objects.filter(jobseeker_id=record.jobseeker_id, purpose=record.purpose)
    holding = same.filter(withdrawn_on__isnull=True).first()
    if holding is not None:
        errors.setdefault("purpose", []).append(
            ValidationError(
                _("Consent for %(purpose)s already holds since %(date)s.")
                % {
                    "purpose": holding.get_purpose_display(),
                    "date": date_format(holding.given_on, "j F Y"),
                },
                code="consent_holds",
            )
        )
        return
    last_withdrawal = same.aggregate(last=Max("withdrawn_on"))["last"]
    if last_withdrawal and record.given_on and record.given_on < last_withdrawal:
        errors.setdefault("given_on", []).append(
            ValidationError(
                _(
                    "This consent was withdrawn on %(date)s: a new consent is given on or "
                    "after that day."
                )
                % {"date": date_format(last_withdrawal, "j F Y")},
                code="given_before_withdrawal",
            )
        )


def consent_withdraw(
    *, record: ConsentRecord, source: str, actor=None, withdrawn_on: date | None = None
) -> ConsentRecord:
    """Withdraw the open consent ``record`` on ``withdrawn_on`` (today when not given).

    Based on the version the caller read (``kernel.versioning``): a record withdrawn meanwhile
    raises ``StaleEdit``. The row stays, closed: from that day on the consent no longer holds.
    """
    with transaction.atomic():
        _lock_person(record.jobseeker_id)
        current = lock_current(record)
        if current.withdrawn_on is not None:
            raise ValidationError(
                {
                    "withdrawn_on": _("This consent was already withdrawn on %(date)s.")
                    % {"date": date_format(current.withdrawn_on, "j F Y")}
                },
                code="already_withdrawn",
            )
        record.withdrawn_on = withdrawn_on or timezone.localdate()
        record.withdrawn_by = _user(actor)
        record.withdrawal_source = source
        record.withdrawn_at = timezone.now()
        try:
            record.full_clean()
        except ValidationError:
            record.withdrawn_on = None
            record.withdrawn_by = None
            record.withdrawal_source = ""
            record.withdrawn_at = None
            raise
        save_next_version(record)
        record_write(Action.UPDATE, [record.jobseeker_id])
    return record


def open_consent(*, jobseeker_id: int, purpose: str) -> ConsentRecord | None:
    return ConsentRecord.objects.filter(
        jobseeker_id=jobseeker_id, purpose=purpose, withdrawn_on__isnull=True
    ).first()


def answer_changes_consent(*, jobseeker: Jobseeker, purpose: str, answer: str) -> bool:
    """Whether ``consent_apply_answer`` would write anything (the import's "unchanged")."""
    if answer == ResearchConsent.UNKNOWN:
        return False
    holding = (
        jobseeker.pk is not None
        and open_consent(jobseeker_id=jobseeker.pk, purpose=purpose) is not None
    )
    return holding != (answer == ResearchConsent.YES)


def consent_apply_answer(
    *, jobseeker: Jobseeker, purpose: str, answer: str, source: str, actor=None
) -> ConsentRecord | None:
    """A yes/no/unknown answer as the CSV import (and the API) give it, on the day it arrives:

    - yes: consent given today on the current information version, unless one holds already;
    - no: the open consent is withdrawn today, if there is one (otherwise nothing);
    - unknown: nothing.

    Returns the record written, or None when nothing changed.
    """
    if answer not in ResearchConsent.values:
        raise ValueError(f"unknown consent answer {answer!r}")
    if not answer_changes_consent(jobseeker=jobseeker, purpose=purpose, answer=answer):
        return None
    if answer == ResearchConsent.YES:
        return consent_give(jobseeker=jobseeker, purpose=purpose, source=source, actor=actor)
    holding = open_consent(jobseeker_id=jobseeker.pk, purpose=purpose)
    return consent_withdraw(record=holding, source=source, actor=actor)


# --- reads ----------------------------------------------------------------------------------


def consent_holds_expression(purpose: str, *, on: date, jobseeker_field: str = "pk") -> Exists:
    """For a queryset whose rows lead to a jobseeker (``jobseeker_field``): whether that
    jobseeker's consent for ``purpose`` holds on day ``on`` (given on or before it, and not
    withdrawn on or before it)."""
    return Exists(
        ConsentRecord.objects.filter(
            jobseeker_id=OuterRef(jobseeker_field), purpose=purpose, given_on__lte=on
        ).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
    )


def with_research_consent(queryset: QuerySet[Jobseeker]) -> QuerySet[Jobseeker]:
    """Annotate ``research_consent_status`` (yes, no or unknown as of today), which
    ``Jobseeker.research_consent`` then reads without a query per row."""
    research = ConsentRecord.objects.filter(
        jobseeker_id=OuterRef("pk"), purpose=ConsentPurpose.RESEARCH
    )
    return queryset.annotate(
        research_consent_status=Case(
            When(Exists(research.filter(withdrawn_on__isnull=True)), then=Value("yes")),
            When(Exists(research), then=Value("no")),
            default=Value("unknown"),
        )
    )


@dataclass(frozen=True)
class ConsentLine:
    """One consent record as the page shows it, with who recorded it and its withdrawal."""

    record: ConsentRecord
    recorded_by: str
    withdrawn_by: str


@dataclass(frozen=True)
class PurposeConsent:
    """One purpose on the jobseeker's page: the consent that holds (if any) and the history."""

    purpose: str
    label: str
    holding: ConsentLine | None
    history: list[ConsentLine]
    current_version: str


def _who(user, source: str) -> str:
    """Who recorded a consent (or its withdrawal): the person, or the way in without one."""
    if user is not None:
        return user.get_full_name()
    return str(ConsentSource(source).label) if source else "–"


def jobseeker_consents(*, user, jobseeker: Jobseeker) -> list[PurposeConsent]:
    """Every purpose with its open consent and its records (newest first), read through the
    access rules: one query."""
    records = list(
        visible(user, ConsentRecord)
        .filter(jobseeker_id=jobseeker.pk)
        .select_related("recorded_by", "withdrawn_by")
        .order_by("-given_on", "-id")
    )
    result = []
    for purpose in ConsentPurpose:
        lines = [
            ConsentLine(
                record=r,
                recorded_by=_who(r.recorded_by, r.source),
                withdrawn_by=_who(r.withdrawn_by, r.withdrawal_source) if r.withdrawn_on else "",
            )
            for r in records
            if r.purpose == purpose
        ]
        result.append(
            PurposeConsent(
                purpose=purpose.value,
                label=str(purpose.label),
                holding=next((line for line in lines if line.record.is_open), None),
                history=lines,
                current_version=current_information_version(purpose),
            )
        )
    return result
