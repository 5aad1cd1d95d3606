"""Import a folder of CSV files as one unit: every row is written, or none is.

Each row is an upsert by its key, saved through the same service the forms use, inside a
savepoint of its own so that one failing row does not stop the others from being checked. The
whole run is rolled back when any row anywhere has a problem, and for a dry run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kernel.dates import same_day
from municipalities.access import ImportScope
from municipalities.models import Municipality
from municipalities.processing_log import gathered_writes
from municipalities.services import audit_record

from .bulk import BulkImport, Fallback
from .kinds import KINDS, KINDS_BY_FILE, FileKind
from .reader import NO_COLUMN, CellError, CsvFile, Problem, Row, read_csv

logger = logging.getLogger(__name__)

# Django's own codes for an empty required value; one message for both reads better in a CSV.
_EMPTY_CODES = frozenset({"null", "blank"})


@dataclass
class FileCounts:
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class ImportResult:
    files: list[FileCounts]
    problems: list[Problem]
    dry_run: bool


@dataclass
class _ParsedRow:
    row: Row
    # Model field -> value; a referenced row is its model instance.
    values: dict[str, object] = field(default_factory=dict)
    # The columns that are not model fields (FileKind.save_extra), by name.
    extra: dict[str, object] = field(default_factory=dict)
    # Columns that already have a problem of their own.
    bad_columns: set[str] = field(default_factory=set)
    # Some cell could not be read as its type, so the row's values are incomplete.
    unreadable: bool = False
    db_key: tuple | None = None


# Told how many rows of how many are done, while the rows are checked and saved.
Progress = Callable[[int, int], None]


def import_folder(
    folder: Path,
    *,
    dry_run: bool = False,
    scope: ImportScope | None = None,
    progress: Progress | None = None,
    actor=None,
    audit: dict | None = None,
    before_commit: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import the files of data-exchange.md found in ``folder``, all or nothing.

    Writes nothing when any problem is found or when ``dry_run`` is set; otherwise records the
    counts (no personal data) in the audit log, by ``actor`` with the ``audit`` details.

    ``scope`` (municipalities/access.py ``import_scope``) limits the rows to those a person
    may import: a row of another municipality is a problem at its line. None (the command, a
    programme admin) is every row. ``progress`` hears how far the run is. ``before_commit`` is
    called inside the transaction of a successful real import; if it raises, nothing is written.
    """
    progress = _Onwards(progress) if progress is not None else None
    result = _import_in_bulk(
        folder,
        dry_run=dry_run,
        scope=scope,
        progress=progress,
        actor=actor,
        audit=audit,
        before_commit=before_commit,
    )
    if result is not None:
        return result
    # Not a run of new and unchanged rows only (a problem somewhere, or an update): row by row,
    # which names every problem.
    importer = _Importer(scope=scope)
    files = [
        (kind, read_csv(folder / kind.file, columns=kind.column_names))
        for kind in KINDS
        if (folder / kind.file).is_file()
    ]
    total = sum(len(csv_file.rows) for _kind, csv_file in files)
    importer.start_progress(progress, total)
    with transaction.atomic():
        # One processing-log entry per kind of write for the whole run, as the set way writes.
        with gathered_writes():
            for kind, csv_file in files:
                importer.import_file(kind, csv_file)
        problems = importer.sorted_problems()
        result = ImportResult(files=importer.counts, problems=problems, dry_run=dry_run)
        if not problems and not dry_run:
            audit_record(
                actor=actor,
                action="import",
                object_type="pilot_data",
                files={counts.file: counts.as_dict() for counts in importer.counts},
                **(audit or {}),
            )
            if before_commit is not None:
                before_commit(result)
        if problems or dry_run:
            # Nothing of this run may remain: not its valid rows, not their state changes.
            transaction.set_rollback(True)
    return result


class _Onwards:
    """A progress that never goes back (when the bulk way hands a run to the row-by-row way)."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 0.0
        if share >= self._shown:
            self._shown = share
            self._progress(done, total)


def _import_in_bulk(
    folder: Path,
    *,
    dry_run: bool,
    scope: ImportScope | None,
    progress: Progress | None,
    actor,
    audit: dict | None,
    before_commit: Callable[[ImportResult], None] | None,
) -> ImportResult | None:
    """The run by the set way (bulk.py), or None when it is not one that way decides."""
    if connection.vendor != "postgresql":
        # The set way stages rows with PostgreSQL's COPY; the demo's SQLite imports row by row.
        return None
    importer = BulkImport(scope=scope, progress=progress)
    try:
        # One today for every row's "not after today" rules (see kernel.dates.same_day).
        with same_day():
            importer.check(folder)
        with transaction.atomic():
            counts = importer.write()
            result = ImportResult(
                files=[
                    FileCounts(file, created=created, unchanged=unchanged)
                    for file, (created, unchanged) in counts.items()
                ],
                problems=[],
                dry_run=dry_run,
            )
            if dry_run:
                transaction.set_rollback(True)
            else:
                audit_record(
                    actor=actor,
                    action="import",
                    object_type="pilot_data",
                    files={counts.file: counts.as_dict() for counts in result.files},
                    **(audit or {}),
                )
                if before_commit is not None:
                    before_commit(result)
        return result
    except (Fallback, IntegrityError) as exc:
        # Why only by its kind: a database refusal's detail names the row's key.
        logger.info("import: checked row by row (%s)", type(exc).__name__)
        return None
    finally:
        importer.close()


class _Importer:
    def __init__(self, *, scope: ImportScope | None = None) -> None:
        self.scope = scope
        self._progress: Progress | None = None
        self._total = 0
        self._done = 0
        self.counts: list[FileCounts] = []
        self._problems: dict[tuple[str, int, str, str], Problem] = {}
        self._header_positions: dict[str, dict[str, int]] = {}
        # Rows per file by their key ((code,), (ref,), or (jobseeker id, type, start date)):
        # read from the database once, or saved by this run. Saves a query per reference.
        self._known: dict[str, dict[tuple, models.Model]] = defaultdict(dict)
        # Codes and refs of rows with problems, so that rows referring to them say so.
        self._failed: dict[str, set[str]] = defaultdict(set)

    def sorted_problems(self) -> list[Problem]:
        file_rank = {kind.file: rank for rank, kind in enumerate(KINDS)}

        def order(problem: Problem) -> tuple[int, int, int]:
            positions = self._header_positions.get(problem.file, {})
            column = -1 if problem.column == NO_COLUMN else positions.get(problem.column, 10**6)
            return file_rank[problem.file], problem.line, column

        # sorted() is stable: problems of one cell keep the order they were found in.
        return sorted(self._problems.values(), key=order)

    def start_progress(self, progress: Progress | None, total: int) -> None:
        self._progress, self._total, self._done = progress, total, 0
        if progress is not None:
            progress(0, total)

    def _row_done(self) -> None:
        self._done += 1
        if self._progress is not None:
            self._progress(self._done, self._total)

    def import_file(self, kind: FileKind, csv_file: CsvFile) -> None:
        positions: dict[str, int] = {}
        for position, column in enumerate(csv_file.header):
            positions.setdefault(column, position)
        self._header_positions[kind.file] = positions
        for problem in csv_file.problems:
            self._add(problem)
        if not csv_file.rows_usable:
            for row in csv_file.rows:
                self._mark_failed(kind, row)
                self._row_done()
            return

        self._load_references(kind, csv_file.rows)
        first_line: dict[tuple[str, ...], int] = {}
        parsed_rows: list[_ParsedRow] = []
        for row in csv_file.rows:
            raw_key = tuple(row.cells.get(name, "") for name in kind.key)
            if all(raw_key) and not row.broken:
                if raw_key in first_line:
                    self._problem(
                        kind.file,
                        row.line,
                        kind.row_column,
                        _("Line %(line)s has the same %(key)s.")
                        % {"line": first_line[raw_key], "key": ", ".join(kind.key)},
                    )
                    self._row_done()
                    continue
                first_line[raw_key] = row.line
            parsed_rows.append(self._parse(kind, row))
        self._load_existing(kind, parsed_rows)

        counts = FileCounts(kind.file)
        # Rows of one file never refer to each other, but the rules that compare a row with
        # others (overlapping benefit periods, one internship at a time) see the database as
        # it is at that moment. Taking the rows in date order means an earlier period or
        # placement gets its end date before a later one is checked against it.
        if kind.process_order:
            parsed_rows.sort(key=lambda parsed: _date_order(parsed, kind.process_order))
        for parsed in parsed_rows:
            self._upsert(kind, parsed, counts)
            self._row_done()
        self.counts.append(counts)

    # Reading rows

    def _parse(self, kind: FileKind, row: Row) -> _ParsedRow:
        parsed = _ParsedRow(row=row, bad_columns=set(row.unreadable))
        if row.broken:
            return parsed
        parsed.unreadable = bool(row.unreadable)
        for column in kind.columns:
            if column.name in row.unreadable:
                continue
            try:
                value = column.parse(row.cells[column.name])
            except CellError as exc:
                self._problem(kind.file, row.line, column.name, str(exc))
                parsed.bad_columns.add(column.name)
                parsed.unreadable = True
                continue
            if column.refers_to is not None:
                value, message = self._resolve(column.refers_to, value)
                if message:
                    self._problem(kind.file, row.line, column.name, message)
                    parsed.bad_columns.add(column.name)
                    continue
            if not column.model_field:
                parsed.extra[column.field] = value
                continue
            parsed.values[column.field] = value
        key_values = [parsed.values.get(name) for name in kind.key_fields]
        if all(value not in (None, "") for value in key_values):
            parsed.db_key = tuple(_db_value(value) for value in key_values)
        return parsed

    def _load_references(self, kind: FileKind, rows: list[Row]) -> None:
        """Read every row this file refers to in one query per referenced file."""
        for column in kind.columns:
            if column.refers_to is None:
                continue
            target = KINDS_BY_FILE[column.refers_to]
            known = self._known[target.file]
            wanted = {
                row.cells.get(column.name)
                for row in rows
                if column.name not in row.unreadable and not row.broken
            } - {None, ""}
            missing = {key for key in wanted if (key,) not in known}
            if missing:
                found = self._in_scope(target.model).in_bulk(missing, field_name=target.key[0])
                for key, obj in found.items():
                    known[(key,)] = obj

    def _load_existing(self, kind: FileKind, parsed_rows: list[_ParsedRow]) -> None:
        known = self._known[kind.file]
        keys = [p.db_key for p in parsed_rows if p.db_key is not None and p.db_key not in known]
        if not keys:
            return
        attnames = [kind.model._meta.get_field(name).attname for name in kind.key_fields]
        for obj in self._in_scope(kind.model).filter(
            **{f"{attnames[0]}__in": {key[0] for key in keys}}
        ):
            known[tuple(getattr(obj, attname) for attname in attnames)] = obj

    def _in_scope(self, model: type[models.Model]) -> models.QuerySet:
        """The rows a scoped run may see: those of its municipalities. A row of another
        municipality is not there for it (a reference to it says so, as for a missing one).
        Municipalities themselves are public; their rows are checked in ``_refusal``."""
        rows = model._default_manager.all()
        if self.scope is None or self.scope.municipality_ids is None or model is Municipality:
            return rows
        return rows.filter(municipality_id__in=self.scope.municipality_ids)

    def _refusal(
        self, kind: FileKind, parsed: _ParsedRow, existing: models.Model | None
    ) -> tuple[str, str] | None:
        """Why a scoped run may not import this row (its column and message), or None."""
        scope = self.scope
        if scope is None:
            return None
        if kind.model is Municipality:
            municipality = existing
            column = kind.row_column
            code = parsed.values.get("code")
        else:
            municipality = parsed.values.get("municipality")
            column = kind.column_for("municipality")
            code = getattr(municipality, "code", "")
        outside = municipality is None or not scope.covers(municipality.pk)
        # A new municipality is nobody's yet: only an import of every municipality adds it.
        if (municipality is not None or kind.model is Municipality) and (
            scope.municipality_ids is not None and outside
        ):
            return column, _(
                "%(code)s is not one of your municipalities; you can only import rows of "
                "your own municipalities."
            ) % {"code": code}
        if not scope.may_write(kind.model) and (
            existing is None or _differs(existing, parsed.values)
        ):
            return kind.row_column, _(
                "You cannot create or change %(things)s with an import; only the programme "
                "admin can. Leave this row out, or keep it as it is."
            ) % {"things": kind.model._meta.verbose_name_plural}
        return None

    def _resolve(self, file: str, key: str | None) -> tuple[models.Model | None, str]:
        if not key:
            return None, ""
        target = KINDS_BY_FILE[file]
        noun = target.model._meta.verbose_name
        if key in self._failed[file]:
            return None, capfirst(
                _("%(noun)s %(key)s has errors in %(file)s.")
                % {"noun": noun, "key": key, "file": file}
            )
        obj = self._known[file].get((key,))
        if obj is None:
            return None, _("No %(noun)s with %(column)s %(key)s.") % {
                "noun": noun,
                "column": target.key[0],
                "key": key,
            }
        return obj, ""

    # Writing rows

    def _upsert(self, kind: FileKind, parsed: _ParsedRow, counts: FileCounts) -> None:
        if parsed.row.broken:
            self._mark_failed(kind, parsed.row)
            return
        existing = self._known[kind.file].get(parsed.db_key) if parsed.db_key else None
        if parsed.bad_columns:
            self._check_rest(kind, parsed, existing)
            self._mark_failed(kind, parsed.row)
            return
        refusal = self._refusal(kind, parsed, existing)
        if refusal is not None:
            self._problem(kind.file, parsed.row.line, *refusal)
            self._mark_failed(kind, parsed.row)
            return
        row_changes = existing is None or _differs(existing, parsed.values)
        obj = existing if existing is not None else kind.model()
        extra_changes = kind.extra_changes is not None and kind.extra_changes(obj, parsed.extra)
        if not row_changes and not extra_changes:
            counts.unchanged += 1
            return
        for name, value in parsed.values.items():
            setattr(obj, name, value)
        try:
            # A savepoint per row: a failed row leaves nothing behind, and the rows after it
            # are still checked.
            with transaction.atomic():
                if row_changes:
                    kind.save(obj)
                if extra_changes:
                    kind.save_extra(obj, parsed.extra)
        except ValidationError as exc:
            self._report(kind, parsed.row.line, exc, skip=set())
            self._mark_failed(kind, parsed.row)
            return
        if existing is None:
            counts.created += 1
            self._known[kind.file][parsed.db_key] = obj
        else:
            counts.updated += 1

    def _check_rest(
        self, kind: FileKind, parsed: _ParsedRow, existing: models.Model | None
    ) -> None:
        """Report the problems of the cells that could be read, in a row that cannot be saved.

        When a cell could not be read its value is unknown, so only the per-field rules run
        (a rule across fields would complain about the missing value); when only a reference
        failed, the row's own rules still apply.
        """
        obj = existing if existing is not None else kind.model()
        for name, value in parsed.values.items():
            setattr(obj, name, value)
        exclude = [f.name for f in kind.model._meta.fields if f.name not in parsed.values]
        try:
            if parsed.unreadable:
                obj.clean_fields(exclude=exclude)
            else:
                obj.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as exc:
            self._report(kind, parsed.row.line, exc, skip=parsed.bad_columns)

    def _report(self, kind: FileKind, line: int, exc: ValidationError, *, skip: set[str]) -> None:
        for name, errors in exc.update_error_dict({}).items():
            column = kind.column_for(name)
            if column in skip:
                continue
            for error in errors:
                if error.code in _EMPTY_CODES:
                    self._problem(kind.file, line, column, _("This field is required."))
                    continue
                for message in error.messages:
                    self._problem(kind.file, line, column, message)

    def _mark_failed(self, kind: FileKind, row: Row) -> None:
        if len(kind.key) == 1 and row.cells.get(kind.key[0]):
            self._failed[kind.file].add(row.cells[kind.key[0]])

    def _problem(self, file: str, line: int, column: str, message: str) -> None:
        self._add(Problem(file, line, column, str(message)))

    def _add(self, problem: Problem) -> None:
        # Two rules may say the same thing about one cell; say it once.
        key = (problem.file, problem.line, problem.column, problem.message)
        self._problems.setdefault(key, problem)


def _db_value(value: object) -> object:
    return value.pk if isinstance(value, models.Model) else value


def _differs(obj: models.Model, values: dict[str, object]) -> bool:
    meta = obj._meta
    return any(
        getattr(obj, meta.get_field(name).attname) != _db_value(value)
        for name, value in values.items()
    )


def _date_order(parsed: _ParsedRow, name: str) -> tuple[bool, date, int]:
    value = parsed.values.get(name)
    return value is None, value or date.min, parsed.row.line
