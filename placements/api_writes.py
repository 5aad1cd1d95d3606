"""The write API of api-write.md: one row from a JSON body, with the CSV import's columns,
parsers, keys and services (one rule, every way in).

``api_put`` takes the key from the path and the body's columns, reads the cells with the
import's parsers (``placements.imports.kinds``: a JSON string is a CSV cell, ``null`` an empty
one), resolves references by their keys, checks the client's municipalities through
``municipalities.access``, and saves through the same service as the import and the pages
(``placements.services``, ``coaching.services``), in one transaction with the audit record.
Nothing is written when anything is refused.

``api_write_recorded`` is the one place where a write through the API and the client that
made it are known together: the audit log is written there (and any other log of who
changed what belongs there too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coaching.models import Entrepreneur
from coaching.services import entrepreneur_save
from kernel.versioning import StaleEdit
from municipalities.access import editable, writable_municipality_ids
from municipalities.api_clients import client_of
from municipalities.db_scope import pilot_wide
from municipalities.enums import ChangeSource
from municipalities.history import ChangedBy
from municipalities.models import ApiClient, Municipality
from municipalities.services import audit_record

from .consents import answer_changes_consent, consent_apply_answer
from .enums import ConsentPurpose, ConsentSource
from .imports.kinds import BENEFIT_PERIODS, ENTREPRENEURS, JOBSEEKERS, PLACEMENTS, FileKind
from .imports.reader import CellError
from .models import Jobseeker
from .services import benefit_period_save, jobseeker_save, placement_save

# A change of an already recorded value is a correction, which needs a reason: the API has no
# field for one (as the CSV has no column), so the reason is the way in, and the audit log
# names the client.
API_REASON = gettext_lazy("Changed through the API")

# Django's codes for an empty required value: one message, as in the import.
_EMPTY_CODES = frozenset({"null", "blank"})
# Text PostgreSQL cannot store (NUL) or that is not Unicode text (lone surrogates from JSON).
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
# A concurrent first write of the same key by another way in: the request is tried again.
_ATTEMPTS = 3


@dataclass(frozen=True)
class FieldError:
    field: str | None
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


class WriteRefused(Exception):
    """The request writes nothing: 400 (invalid), 403 (another municipality) or 404."""

    def __init__(self, status: int, errors: list[FieldError]):
        super().__init__(status)
        self.status = status
        self.errors = errors


@dataclass(frozen=True)
class WriteResult:
    obj: models.Model
    created: bool
    changed: bool


@dataclass(frozen=True)
class Resource:
    """One kind of row of the API: the import file it shares columns with and how it saves."""

    name: str  # as in the audit log
    kind: FileKind

    @property
    def body_columns(self):
        return tuple(c for c in self.kind.columns if c.name not in self.kind.key)


ENTREPRENEUR = Resource("entrepreneur", ENTREPRENEURS)
JOBSEEKER = Resource("jobseeker", JOBSEEKERS)
PLACEMENT = Resource("placement", PLACEMENTS)
BENEFIT_PERIOD = Resource("benefit_period", BENEFIT_PERIODS)


def _save(resource: Resource, obj: models.Model, change: ChangedBy) -> None:
    """The service each import file saves through, with the API as the way in. As for the
    import, a placement may skip ahead along its lifecycle (the steps in between happened in
    the municipality's own system), never back."""
    if resource is ENTREPRENEUR:
        entrepreneur_save(entrepreneur=obj)
    elif resource is JOBSEEKER:
        jobseeker_save(jobseeker=obj)
    elif resource is PLACEMENT:
        placement_save(
            placement=obj,
            actor=None,
            client=change.client,
            source=change.source,
            single_step=False,
            reason=change.reason,
        )
    else:
        benefit_period_save(period=obj, change=change)


def _extra_changes(resource: Resource, obj: models.Model, extra: dict) -> bool:
    if resource is JOBSEEKER:
        return answer_changes_consent(
            jobseeker=obj, purpose=ConsentPurpose.RESEARCH, answer=extra["research_consent"]
        )
    return False


def _save_extra(resource: Resource, obj: models.Model, extra: dict) -> None:
    # The answer counts on the day it arrives, as for the import (placements.consents).
    if resource is JOBSEEKER:
        consent_apply_answer(
            jobseeker=obj,
            purpose=ConsentPurpose.RESEARCH,
            answer=extra["research_consent"],
            source=ConsentSource.API,
        )


def api_put(*, resource: Resource, key: dict[str, str], body: object, user) -> WriteResult:
    """Create or update the row of ``resource`` with ``key`` (the path's values by column) from
    ``body``, for the API client that ``user`` stands for. Raises ``WriteRefused``."""
    client = client_of(user)
    if client is None:
        raise WriteRefused(403, [FieldError(None, _("Only API clients write through the API."))])
    for attempt in range(_ATTEMPTS):
        try:
            with transaction.atomic():
                return _put(resource, key, body, user, client)
        except (IntegrityError, StaleEdit):
            # Another way in (a page, the import) wrote the same row between our read and
            # our write: read it again and apply the body to it.
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _put(resource, key, body, user, client) -> WriteResult:
    kind = resource.kind
    _lock_key(resource, key)
    existing = _existing(resource, key, user)
    cells = _cells(resource, body)
    values, errors = _values(resource, key, cells, user)
    if errors:
        raise WriteRefused(400, errors)
    # Columns saved beside the row rather than in it (a jobseeker's research consent becomes a
    # consent record), exactly as the import saves them.
    extra_names = {c.field for c in kind.columns if not c.model_field}
    extra = {name: values.pop(name) for name in extra_names & values.keys()}
    obj = existing if existing is not None else kind.model()
    row_changes = existing is None or _differs(existing, values)
    extra_changes = bool(extra) and existing is not None and _extra_changes(resource, obj, extra)
    if existing is not None and not row_changes and not extra_changes:
        return WriteResult(existing, created=False, changed=False)
    for name, value in values.items():
        setattr(obj, name, value)
    change = ChangedBy(actor=None, source=ChangeSource.API, reason=str(API_REASON), client=client)
    try:
        # A savepoint: a refused row leaves nothing behind, not even a state change.
        with transaction.atomic():
            if row_changes:
                _save(resource, obj, change)
            if extra:
                _save_extra(resource, obj, extra)
    except ValidationError as exc:
        raise WriteRefused(400, _errors_of(kind, exc)) from None
    created = existing is None
    api_write_recorded(client=client, resource=resource, obj=obj, created=created)
    return WriteResult(obj, created=created, changed=True)


def api_write_recorded(
    *, client: ApiClient, resource: Resource, obj: models.Model, created: bool
) -> None:
    """A write through the API happened (inside its transaction): record it as done by
    ``client``. Keys and codes only, never personal data."""
    if resource is BENEFIT_PERIOD:
        ref = obj.jobseeker.ref
        detail = {"benefit_type": obj.benefit_type, "start_date": obj.start_date.isoformat()}
    else:
        ref, detail = obj.ref, {}
    audit_record(
        actor=None,
        api_client=client,
        action="api_create" if created else "api_update",
        object_type=resource.name,
        object_ref=ref,
        municipality=obj.municipality,
        **detail,
    )


# --- the row's key ---------------------------------------------------------------------------


def _lock_key(resource: Resource, key: dict[str, str]) -> None:
    """Serialise the writes of one key (also its first, when there is no row yet to lock)
    until the transaction ends. SQLite (the demo) writes one transaction at a time anyway."""
    if connection.vendor != "postgresql":
        return
    text = "|".join([resource.name, *(key[name] for name in resource.kind.key)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [text])


def _existing(resource: Resource, key: dict[str, str], user) -> models.Model | None:
    """The stored row of this key, locked; 404 when it belongs to a municipality the client
    does not write (or, for a benefit period, its jobseeker is not the client's)."""
    model = resource.kind.model
    if not all(_is_text(value) for value in key.values()):
        return None  # reported with the other problems
    if resource is BENEFIT_PERIOD:
        jobseeker = _visible_jobseeker(key["jobseeker_ref"], user)
        try:
            start = date.fromisoformat(key["start_date"])
        except ValueError:
            return None  # reported with the other problems
        rows = model._default_manager.filter(
            jobseeker=jobseeker, benefit_type=key["benefit_type"], start_date=start
        )
    else:
        rows = model._default_manager.filter(ref=key["ref"])
    # Found in every municipality, so that another municipality's row answers 404 instead of
    # looking free (row-level security hides it from the client's scope); the access rule
    # below, in the client's scope, decides.
    with pilot_wide("the write API tells another municipality's row (404) from a new one"):
        row = rows.select_for_update().first()
    if row is not None and not editable(user, model).filter(pk=row.pk).exists():
        raise WriteRefused(404, [FieldError(None, _("Not found."))])
    return row


def _visible_jobseeker(ref: str, user) -> Jobseeker:
    jobseeker = editable(user, Jobseeker).filter(ref=ref).first() if _is_text(ref) else None
    if jobseeker is None:
        raise WriteRefused(404, [FieldError(None, _("Not found."))])
    return jobseeker


# --- the body --------------------------------------------------------------------------------


def _is_text(value: str) -> bool:
    return not _NOT_TEXT.search(value)


def _cells(resource: Resource, body: object) -> dict[str, str]:
    """The body as CSV cells: every column present, each a string or null (an empty cell)."""
    if not isinstance(body, dict):
        raise WriteRefused(400, [FieldError(None, _("The body must be a JSON object."))])
    names = [c.name for c in resource.body_columns]
    errors = []
    for name in body:
        if name not in names:
            errors.append(
                FieldError(
                    None,
                    _("Unknown field %(field)s; the fields are %(fields)s.")
                    % {"field": repr(name)[:80], "fields": ", ".join(names)},
                )
            )
    cells: dict[str, str] = {}
    for name in names:
        if name not in body:
            errors.append(FieldError(name, _("This field is required (null when empty).")))
            continue
        value = body[name]
        if value is None:
            cells[name] = ""
        elif not isinstance(value, str):
            errors.append(FieldError(name, _("Give a string, or null when empty.")))
        elif not _is_text(value):
            errors.append(FieldError(name, _("This contains a character that is not text.")))
        else:
            cells[name] = value.strip()
    if errors:
        raise WriteRefused(400, errors)
    return cells


def _values(resource: Resource, key: dict[str, str], cells: dict[str, str], user):
    """Model field -> value, as the import reads a row. Refers to rows through the client's
    scope: a municipality, jobseeker or entrepreneur of another municipality is 403."""
    kind = resource.kind
    errors: list[FieldError] = []
    forbidden: list[FieldError] = []
    values: dict[str, object] = {}
    # The key as the path gives it (not stripped: the row is found and stored under it).
    row = {**cells, **key}
    for column in kind.columns:
        if column.name == "jobseeker_ref" and resource is BENEFIT_PERIOD:
            values[column.field] = _visible_jobseeker(key["jobseeker_ref"], user)
            continue
        cell = row[column.name]
        if not _is_text(cell):
            errors.append(FieldError(column.name, _("This contains a character that is not text.")))
            continue
        try:
            value = column.parse(cell)
        except CellError as exc:
            errors.append(FieldError(column.name, str(exc)))
            continue
        if column.refers_to is not None and value:
            value, message, is_forbidden = _refer(column, value, user)
            if message:
                (forbidden if is_forbidden else errors).append(FieldError(column.name, message))
                continue
        values[column.field] = value
    if forbidden:
        raise WriteRefused(403, forbidden)
    return values, errors


_REFERRED = {
    "municipalities.csv": (Municipality, "code"),
    "jobseekers.csv": (Jobseeker, "ref"),
    "entrepreneurs.csv": (Entrepreneur, "ref"),
}


def _refer(column, value: str, user) -> tuple[models.Model | None, str, bool]:
    """The row a cell refers to by its key, or why not: (row, message, forbidden)."""
    model, key_field = _REFERRED[column.refers_to]
    # Looked up in every municipality (row-level security would hide another municipality's
    # row from this client's scope): a row of another municipality is 403, not "no such row".
    with pilot_wide("the write API tells another municipality's row (403) from none"):
        obj = model._default_manager.filter(**{key_field: value}).first()
    noun = model._meta.verbose_name
    if obj is None:
        # The import's own words for a reference to nothing.
        message = _("No %(noun)s with %(column)s %(key)s.") % {
            "noun": noun,
            "column": key_field,
            "key": value,
        }
        return None, message, False
    municipality_id = obj.pk if model is Municipality else obj.municipality_id
    allowed = writable_municipality_ids(user)
    if allowed is not None and municipality_id not in allowed:
        if model is Municipality:
            message = _("This client does not write rows of municipality %(code)s.")
            return None, message % {"code": value}, True
        message = _("This client does not write rows of the municipality of %(noun)s %(key)s.")
        return None, message % {"noun": noun, "key": value}, True
    return obj, "", False


def _differs(obj: models.Model, values: dict[str, object]) -> bool:
    meta = obj._meta
    for name, value in values.items():
        stored = getattr(obj, meta.get_field(name).attname)
        given = value.pk if isinstance(value, models.Model) else value
        if stored != given:
            return True
    return False


def _errors_of(kind: FileKind, exc: ValidationError) -> list[FieldError]:
    """A service's ValidationError as the error body's list: field by column name (as in the
    import's messages), null for a problem of the row as a whole."""
    follows = dict(kind.follows)
    by_field = {c.field: c.name for c in kind.columns}
    result: list[FieldError] = []
    for name, errors in exc.update_error_dict({}).items():
        field = None if name == NON_FIELD_ERRORS else by_field.get(name, follows.get(name))
        for error in errors:
            if error.code in _EMPTY_CODES:
                messages = [_("This field is required.")]
            else:
                messages = error.messages
            for message in messages:
                item = FieldError(field, str(message))
                if item not in result:
                    result.append(item)
    return result
