"""The import's set way: every row checked in one streaming pass, then written in bulk.

Each file is read once, row by row (``reader.CsvStream``): every cell is parsed and every row
checked by its model's own rules, and the parsed row goes by ``COPY`` into a TEMP staging table
of its file, so the process holds one batch of rows, never a file. Everything that compares a
row with other rows is then a set query on the staging tables and the stored rows: keys that
repeat, references to rows that are not there (or not in the run's scope), stored rows that the
file would change, consents that an answer would change, rows of another municipality, erased
references. Then one short transaction writes the new rows with ``INSERT ... SELECT`` from the
staging tables (so the row-level security policies check every row), with their versions,
state changes, consent records, processing-log entries and the audit entry, as the services
write them one by one. The rules that compare a new row with the people's other rows (one
internship at a time, the interns an entrepreneur hosts, overlapping benefit periods) are
checked in that transaction, after locking the people involved.

This way decides a run only when it is certain the row-by-row way (``run.py``) would accept
every row: a run of new and unchanged rows. Anything else (any problem, any row that changes a
stored one, anything the database refuses) raises ``Fallback``, and the row-by-row way runs the
import instead and names every problem exactly as it always has.
"""

# ruff: noqa: S608, S611 - the SQL names only model tables and columns and the staging tables;
# every value is a parameter.
from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from coaching.models import Entrepreneur
from kernel.figures import figures_changed
from kernel.models import PilotSettings
from municipalities.access import ImportScope
from municipalities.db_scope import pilot_wide
from municipalities.models import Municipality
from municipalities.processing_enums import Action
from municipalities.processing_log import entry_author, entry_models

from ..consents import current_information_version
from ..enums import ChangeSource, ConsentPurpose, ConsentSource, PlacementStatus, ResearchConsent
from ..models import BenefitPeriod, ConsentRecord, Placement, PlacementStateChange
from ..services import (
    CROSS_MUNICIPALITY_RULES,
    REFS_REFUSED_CHECKS,
    _busiest_day,
    _held,
    _meets,
)
from .kinds import JOBSEEKERS, KINDS, KINDS_BY_FILE, Column, FileKind
from .reader import CellError, CsvStream, parse_amount, parse_date, parse_whole_number

# Rows per COPY while a file is staged, and refs per call of an erased-reference check.
BATCH = 5000

# Whole numbers as numeric: a number too large for its field is still staged (and refused by
# its model's rules), not a failed COPY.
_STAGE_TYPES = {parse_date: "date", parse_whole_number: "numeric", parse_amount: "numeric"}


class Fallback(Exception):
    """This run is not one the set way decides: the row-by-row way imports it."""


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _execute(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _analyze(table: str) -> None:
    """Statistics of a TEMP table (autovacuum never sees one): a sample big enough for the
    planner to join it sensibly, a tenth of the default one."""
    _execute("SET default_statistics_target = 10")
    try:
        _execute(f"ANALYZE {table}")
    finally:
        _execute("RESET default_statistics_target")


def _first(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


class _Stage:
    """A file's parsed rows in a TEMP table: its line, one column per file column (typed as
    parsed), and the id of the stored row it matches (NULL: a new row)."""

    def __init__(self, kind: FileKind) -> None:
        self.kind = kind
        self.table = "import_stage_" + kind.file.removesuffix(".csv")
        self.columns = [c.name for c in kind.columns]
        self._buffer = io.StringIO()
        self._rows = 0
        definitions = ", ".join(
            f"{_q(c.name)} {_STAGE_TYPES.get(c.parse, 'text')}" for c in kind.columns
        )
        _execute(f"DROP TABLE IF EXISTS {self.table}")
        _execute(
            f"CREATE TEMP TABLE {self.table} "
            f"(line integer, {definitions}, stored_id bigint, changed boolean) "
            # Room on each page, so that setting a row's match (columns without an index)
            # rewrites it in place instead of in a new page with new index entries.
            "WITH (fillfactor = 50)"
        )

    def add(self, cells: list[str]) -> None:
        """A row: its line and its cells, in COPY's text format."""
        self._buffer.write("\t".join(cells))
        self._buffer.write("\n")
        self._rows += 1
        if self._rows >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._rows:
            return
        self._buffer.seek(0)
        columns = ", ".join(["line", *map(_q, self.columns)])
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {self.table} ({columns}) FROM STDIN", self._buffer)
        self._buffer = io.StringIO()
        self._rows = 0

    def col(self, name: str, alias: str = "s") -> str:
        return f"{alias}.{_q(name)}"

    def drop(self) -> None:
        _execute(f"DROP TABLE IF EXISTS {self.table}")


class _RowRules:
    """The model's own rules for one row (``clean_fields`` and ``clean``), on one instance per
    file that each row's values are set on: references are resolved by key (a set query), and
    the unique keys and constraints are the database's (a refusal falls back)."""

    def __init__(self, kind: FileKind) -> None:
        given = {c.field for c in kind.columns if c.model_field}
        self.fields = [
            kind.model._meta.get_field(c.field)
            for c in kind.columns
            if c.model_field and not kind.model._meta.get_field(c.field).is_relation
        ]
        self.exclude = [
            f.name for f in kind.model._meta.fields if f.is_relation or f.name not in given
        ]
        self.obj = kind.model()
        self.checked = [
            f for f in kind.model._meta.fields if f.name not in self.exclude and not f.generated
        ]
        # Per field: a value's text (with its type) -> its cleaned value. A field's own check
        # depends on the value alone, and files repeat values (dates, choices, amounts); kept
        # small, so that the memory does not grow with the file.
        self.known: list[dict[tuple, object]] = [{} for _f in self.checked]
        given_names = {f.name for f in self.fields}
        # Per checked field, what ``broken`` needs of it, looked up once per file.
        self._plan = [
            (
                field,
                field.attname,
                field.name if field.name in given_names else None,
                field.blank,
                field.empty_values,
                known,
            )
            for field, known in zip(self.checked, self.known, strict=True)
        ]

    def broken(self, values: dict) -> bool:
        """``clean_fields`` (remembering each field's clean values) and ``clean``."""
        obj = self.obj
        for field in self.fields:
            setattr(obj, field.attname, values[field.name])
        for field, attname, name, blank, empty_values, known in self._plan:
            # The row's value where the file gives the field, else the model's default.
            raw = values[name] if name is not None else getattr(obj, attname)
            if blank and raw in empty_values:
                continue
            key = (raw.__class__, str(raw))
            cleaned = known.get(key, _UNKNOWN)
            if cleaned is _UNKNOWN:
                try:
                    cleaned = field.clean(raw, obj)
                except ValidationError:
                    return True
                if len(known) < _KNOWN_VALUES:
                    known[key] = cleaned
            setattr(obj, attname, cleaned)
        try:
            obj.clean()
        except ValidationError:
            return True
        return False


# The files other files refer to by key.
_REFERRED = frozenset(c.refers_to for kind in KINDS for c in kind.columns if c.refers_to)

_UNKNOWN = object()
_KNOWN_VALUES = 2000


def _check_new_rows(kind: FileKind, stage: _Stage) -> None:
    """Each new row by its model's rules, read back from its staging table (an unchanged row
    is not saved, so the services do not check it either)."""
    rules = _RowRules(kind)
    fields = [c.field for c in kind.columns]
    whole = {c.field for c in kind.columns if c.parse is parse_whole_number}
    columns = ", ".join(stage.col(c.name) for c in kind.columns)
    # A server-side cursor (kept over commits: the check runs outside a transaction) holds one
    # batch of rows at a time.
    with connection.connection.cursor(name="import_new_rows", withhold=True) as cursor:
        cursor.itersize = BATCH
        cursor.execute(f"SELECT {columns} FROM {stage.table} s WHERE s.stored_id IS NULL")
        for row in cursor:
            values = dict(zip(fields, row, strict=True))
            for field in whole:
                if values[field] is not None:
                    values[field] = int(values[field])
            if rules.broken(values):
                raise Fallback


class BulkImport:
    def __init__(self, *, scope: ImportScope | None, progress) -> None:
        self.scope = scope
        self.progress = progress
        self.done = 0
        self.total = 0
        self.stages: dict[str, _Stage] = {}
        self.counts: dict[str, list[int]] = {}  # file -> [created, unchanged]
        self.files: list[FileKind] = []
        self._log_ready = False

    # --- checking ------------------------------------------------------------------------

    def check(self, folder) -> None:
        present = [kind for kind in KINDS if (folder / kind.file).is_file()]
        # Every row is read once and most are written once: about twice the lines in all.
        self.total = 2 * sum(_lines(folder / kind.file) for kind in present)
        if self.progress is not None:
            self.progress(0, self.total)
        with PilotSettings.held():
            for kind in present:
                self._check_file(kind, folder / kind.file)
                self.files.append(kind)

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None and self.done % 500 == 0:
            self.progress(self.done, self.total)

    def _check_file(self, kind: FileKind, path) -> None:
        stream = CsvStream(path, columns=kind.column_names)
        try:
            stage = self.stages[kind.file] = _Stage(kind)
            self._stage_rows(kind, stream, stage)
        finally:
            stream.close()
        self._compare(kind, stage)

    def _stage_rows(self, kind: FileKind, stream: CsvStream, stage: _Stage) -> None:
        """Parse and stage every row."""
        if stream.problems or not stream.rows_usable:
            raise Fallback
        # Per column: its name, its parser, whether it is text, whether it refers to a row.
        columns = [
            (c.name, c.parse, c.parse not in _STAGE_TYPES, c.refers_to is not None)
            for c in kind.columns
        ]
        keys = kind.key
        for row in stream.rows():
            self._tick()
            if row.broken or row.unreadable or stream.problems:
                raise Fallback
            cells = row.cells
            if not all(cells[name] for name in keys):
                raise Fallback
            staged = [str(row.line)]
            for name, parse, text, refers in columns:
                cell = cells[name]
                try:
                    value = parse(cell)
                except CellError:
                    raise Fallback from None
                if refers and not value:
                    raise Fallback
                if text:
                    staged.append(_copy_str(cell))
                elif value is None:
                    staged.append("\\N")
                elif cell.isascii():
                    # A date or number the parser took, as written: PostgreSQL reads the same
                    # formats (but not digits of other scripts, which the parser allows).
                    staged.append(cell)
                else:
                    staged.append(_copy_text(value))
            stage.add(staged)
        stage.flush()

    def _compare(self, kind: FileKind, stage: _Stage) -> None:
        """The set checks of one staged file against itself, the stored rows and the other
        staged files; the counts."""
        table = stage.table
        key = ", ".join(_q(name) for name in kind.key)
        if kind.file in _REFERRED:
            # Looked up by key from the files that refer to it.
            _execute(f"CREATE INDEX ON {table} ({key})")
        _analyze(table)
        # A key twice in the file: the row-by-row way names the second line.
        if _first(f"SELECT 1 FROM {table} GROUP BY {key} HAVING count(*) > 1 LIMIT 1"):
            raise Fallback
        for column in kind.columns:
            if column.refers_to is not None and self._missing_reference(stage, column):
                raise Fallback
        self._match_stored(kind, stage)
        if _first(f"SELECT 1 FROM {table} WHERE changed LIMIT 1"):
            raise Fallback  # an update: the row-by-row way records it
        if kind is JOBSEEKERS and self._consent_changes(stage):
            raise Fallback
        _check_new_rows(kind, stage)
        self._refuse(kind, stage)
        created, unchanged = _first(
            f"SELECT count(*) FILTER (WHERE stored_id IS NULL), "
            f"count(*) FILTER (WHERE stored_id IS NOT NULL) FROM {table}"
        )
        if kind is JOBSEEKERS and created:
            _refuse_erased_refs(table)
        self.counts[kind.file] = [created, unchanged]

    def _scope_ids(self) -> list[int] | None:
        if self.scope is None or self.scope.municipality_ids is None:
            return None
        return sorted(self.scope.municipality_ids)

    def _in_scope(self, model, alias: str) -> tuple[str, list]:
        """``run._Importer._in_scope`` as a condition: the stored rows a scoped run may see."""
        ids = self._scope_ids()
        if ids is None or model is Municipality:
            return "TRUE", []
        return f"{alias}.municipality_id = ANY(%s)", [ids]

    def _missing_reference(self, stage: _Stage, column: Column) -> bool:
        """A reference to a row neither stored (in scope) nor in this run's file."""
        target = KINDS_BY_FILE[column.refers_to]
        target_key = _q(target.model._meta.get_field(target.key_fields[0]).column)
        scope, params = self._in_scope(target.model, "t")
        sql = (
            f"SELECT 1 FROM {stage.table} s WHERE NOT EXISTS ("
            f"SELECT 1 FROM {target.model._meta.db_table} t "
            f"WHERE t.{target_key} = {stage.col(column.name)} AND {scope})"
        )
        staged = self.stages.get(target.file)
        if staged is not None:
            sql += (
                f" AND NOT EXISTS (SELECT 1 FROM {staged.table} r "
                f"WHERE r.{_q(target.key[0])} = {stage.col(column.name)})"
            )
        return _first(sql + " LIMIT 1", params) is not None

    def _stored_value(self, kind: FileKind, column: Column, joins: list[str]) -> str:
        """The SQL for a stored row's (alias t) value of ``column``, as the file writes it."""
        field = kind.model._meta.get_field(column.field)
        if column.refers_to is None:
            return f"t.{_q(field.column)}"
        target = KINDS_BY_FILE[column.refers_to]
        alias = f"r{len(joins)}"
        target_key = _q(target.model._meta.get_field(target.key_fields[0]).column)
        joins.append(
            f"JOIN {target.model._meta.db_table} {alias} ON {alias}.id = t.{_q(field.column)}"
        )
        return f"{alias}.{target_key}"

    def _match_stored(self, kind: FileKind, stage: _Stage) -> None:
        """Set each staged row's ``stored_id`` (the stored row, in scope, with its key) and
        ``changed`` (whether the file changes any of its values)."""
        joins: list[str] = []
        by_name = {c.name: c for c in kind.columns}
        matches = [
            f"{self._stored_value(kind, by_name[name], joins)} = {stage.col(name)}"
            for name in kind.key
        ]
        differs = [
            f"{self._stored_value(kind, column, joins)} IS DISTINCT FROM {stage.col(column.name)}"
            for column in kind.columns
            if column.model_field and column.name not in kind.key
        ]
        scope, params = self._in_scope(kind.model, "t")
        changed = " OR ".join(differs) or "FALSE"
        _execute(
            f"UPDATE {stage.table} s SET stored_id = t.id, changed = ({changed}) "
            f"FROM {kind.model._meta.db_table} t {' '.join(joins)} "
            f"WHERE {' AND '.join(matches)} AND {scope}",
            params,
        )

    def _consent_changes(self, stage: _Stage) -> bool:
        """An answer that would give or withdraw the research consent of a stored jobseeker
        (``consents.answer_changes_consent``)."""
        answer = stage.col("research_consent")
        return (
            _first(
                f"SELECT 1 FROM {stage.table} s WHERE s.stored_id IS NOT NULL "
                f"AND {answer} <> %s AND (EXISTS (SELECT 1 FROM "
                f"{ConsentRecord._meta.db_table} c WHERE c.jobseeker_id = s.stored_id "
                f"AND c.purpose = %s AND c.withdrawn_on IS NULL)) <> ({answer} = %s) LIMIT 1",
                [ResearchConsent.UNKNOWN, ConsentPurpose.RESEARCH, ResearchConsent.YES],
            )
            is not None
        )

    def _refuse(self, kind: FileKind, stage: _Stage) -> None:
        """``run._Importer._refusal``: a row a scoped run may not import."""
        scope = self.scope
        if scope is None:
            return
        ids = self._scope_ids()
        table = stage.table
        if ids is not None:
            if kind.model is Municipality:
                outside = f"SELECT 1 FROM {table} s WHERE s.stored_id IS NULL "
                outside += "OR NOT s.stored_id = ANY(%s) LIMIT 1"
            elif any(c.field == "municipality" for c in kind.columns):
                code = stage.col(kind.column_for("municipality"))
                outside = (
                    f"SELECT 1 FROM {table} s LEFT JOIN "
                    f"{Municipality._meta.db_table} m ON m.code = {code} "
                    "WHERE m.id IS NULL OR NOT m.id = ANY(%s) LIMIT 1"
                )
            else:
                outside = None
            if outside is not None and _first(outside, [ids]):
                raise Fallback
        if not scope.may_write(kind.model) and _first(
            f"SELECT 1 FROM {table} WHERE stored_id IS NULL LIMIT 1"
        ):
            raise Fallback

    # --- writing -------------------------------------------------------------------------

    def write(self) -> dict[str, tuple[int, int]]:
        """Write the new rows; call inside the import's transaction."""
        self.now = timezone.now()
        # The statements below sort and join every new row: in memory (this transaction only).
        _execute("SET LOCAL work_mem = '64MB'")
        # New rows' trigram (GIN) entries go to each index's pending list and are merged into
        # the index in one pass per 64 MB instead of one per 4 MB (the default): at national
        # scale the jobseekers' and entrepreneurs' inserts take about half the time. The
        # entries are found by searches either way; autovacuum merges the rest.
        _execute("SET LOCAL gin_pending_list_limit = '64MB'")
        # Each statement runs once: compiling it (JIT, chosen by cost, and a generated series'
        # estimate of 1,000 rows makes the log's statement look costly) took longer than it ran.
        _execute("SET LOCAL jit = off")
        anything = False
        for kind in self.files:
            if not self.counts[kind.file][0]:
                continue
            anything = True
            getattr(self, f"_write_{kind.model._meta.model_name}")(kind, self.stages[kind.file])
        if self._log_ready:
            self._write_log()
        if anything:
            figures_changed()
            _check_references()
        return {file: (c[0], c[1]) for file, c in self.counts.items()}

    def close(self) -> None:
        if connection.needs_rollback:
            # A failed statement inside an enclosing transaction: its rollback drops the
            # tables made in it, and the next run drops any others before making its own.
            return
        for stage in self.stages.values():
            stage.drop()
        for table in ("import_new", "import_log"):
            _execute(f"DROP TABLE IF EXISTS {table}")

    def _advance(self, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(self.done, self.total)

    def _insert(self, kind: FileKind, given: dict[str, str], source: str, returning: str) -> None:
        """Insert the new rows of ``kind`` (``given``: column -> SQL over ``source``), and keep
        what the rows written with them need in ``import_new`` (``returning``: the inserted
        rows' id, jobseeker, municipality, key and status, or NULL)."""
        expected = self.counts[kind.file][0]
        _execute("DROP TABLE IF EXISTS import_new")
        _execute(
            "CREATE TEMP TABLE import_new (id bigint, jobseeker_id bigint, "
            "municipality_id bigint, key text, status text)"
        )
        insert, params = _insert_sql(kind.model, given, source)
        # The statement that reads ``ins`` writes only the TEMP table: a row written with the
        # new ones (a consent, a state change) is written by a statement of its own, after
        # them, so that the policies that check its parent see the parent.
        written = _execute(
            f"WITH ins AS ({insert} RETURNING {returning}) "
            "INSERT INTO import_new (id, jobseeker_id, municipality_id, key, status) "
            "SELECT * FROM ins",
            params,
        )
        if written != expected:
            # A row the policies hid or refused: the row-by-row way says which.
            raise Fallback
        _analyze("import_new")
        self._advance(written)

    def _log(self, sql: str, params=()) -> None:
        """The people (``sql`` gives their jobseeker ids) whose rows this run created: the
        processing log names each of them once, in the run's one entry (``_write_log``)."""
        if not self._log_ready:
            _execute("DROP TABLE IF EXISTS import_log")
            _execute("CREATE TEMP TABLE import_log (jobseeker_id bigint)")
            self._log_ready = True
        _execute(
            f"INSERT INTO import_log (jobseeker_id) SELECT l.jobseeker_id FROM ({sql}) l",
            params,
        )

    def _write_log(self) -> None:
        """One entry for the run, naming every person it created rows of, as the row-by-row
        way writes it (``processing_log.gathered_writes``): an entry per row would repeat the
        same entry (who, when, why: an entry names no record) for each of a person's rows,
        and at national scale cost a quarter of the import (issue 17)."""
        entry, subject = entry_models()
        logged = entry.objects.create(action=Action.CREATE, **entry_author())
        _execute(
            *_insert_sql(
                subject,
                {"entry_id": _Value(logged.pk), "jobseeker_id": "l.jobseeker_id"},
                "(SELECT DISTINCT jobseeker_id FROM import_log) l ORDER BY l.jobseeker_id",
            )
        )

    def _write_municipality(self, kind: FileKind, stage: _Stage) -> None:
        self._insert(
            kind,
            {"code": "s.code", "name": "s.name", "planned_places": "s.planned_places"},
            f"{stage.table} s WHERE s.stored_id IS NULL ORDER BY s.line",
            "id, NULL::bigint, NULL::bigint, code, NULL",
        )

    def _write_entrepreneur(self, kind: FileKind, stage: _Stage) -> None:
        self._insert(
            kind,
            {
                "ref": "s.ref",
                "municipality_id": "m.id",
                "trade_name": "s.trade_name",
                "kvk_number": "s.kvk_number",
                "prior_support": "s.prior_support",
                "version": "1",
            },
            f"{stage.table} s JOIN {Municipality._meta.db_table} m "
            "ON m.code = s.municipality_code WHERE s.stored_id IS NULL ORDER BY s.line",
            "id, NULL::bigint, municipality_id, ref, NULL",
        )

    def _write_jobseeker(self, kind: FileKind, stage: _Stage) -> None:
        self._insert(
            kind,
            {
                "ref": "s.ref",
                "municipality_id": "m.id",
                "given_name": "s.given_name",
                "family_name": "s.family_name",
                "birth_date": "s.birth_date",
                "version": "1",
            },
            f"{stage.table} s JOIN {Municipality._meta.db_table} m "
            "ON m.code = s.municipality_code WHERE s.stored_id IS NULL ORDER BY s.line",
            "id, id, municipality_id, ref, NULL",
        )
        # Yes gives consent today (placements.consents): one record for each.
        sql, params = _insert_sql(
            ConsentRecord,
            {
                "municipality_id": "n.municipality_id",
                "jobseeker_id": "n.id",
                "purpose": _Value(ConsentPurpose.RESEARCH),
                "given_on": _Value(timezone.localdate()),
                "information_version": _Value(current_information_version(ConsentPurpose.RESEARCH)),
                "recorded_by_id": "NULL",
                "source": _Value(ConsentSource.IMPORT),
                "recorded_at": _Value(self.now),
                "version": "1",
            },
            f"import_new n JOIN {stage.table} s ON s.ref = n.key "
            "WHERE s.research_consent = %s ORDER BY n.id",
        )
        _execute(sql, [*params, ResearchConsent.YES])
        # The new jobseekers (their consent records are about the same people).
        self._log("SELECT n.id AS jobseeker_id FROM import_new n")

    def _new_placements(self, stage: _Stage) -> list[_NewPlacement]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.ref, j.id, e.id, s.status, s.planned_start, "
                "s.planned_end, s.actual_start, s.actual_end, s.end_reason "
                f"FROM {stage.table} s {_PLACEMENT_JOINS} "
                f"WHERE s.stored_id IS NULL ORDER BY {_PLACEMENT_ORDER}"
            )
            return [_NewPlacement(*row) for row in cursor.fetchall()]

    def _write_placement(self, kind: FileKind, stage: _Stage) -> None:
        plan = self._new_placements(stage)
        if len(plan) != self.counts[kind.file][0]:
            raise Fallback
        _check_placements(plan)
        del plan
        self._insert(
            kind,
            {
                "ref": "s.ref",
                "municipality_id": "j.municipality_id",
                "jobseeker_id": "j.id",
                "entrepreneur_id": "e.id",
                "status": "s.status",
                "planned_start": "s.planned_start",
                "planned_end": "s.planned_end",
                "actual_start": "s.actual_start",
                "actual_end": "s.actual_end",
                "end_reason": "s.end_reason",
                "version": "1",
            },
            # The row-by-row way's order (kinds.PLACEMENTS.process_order): by actual start.
            f"{stage.table} s {_PLACEMENT_JOINS} WHERE s.stored_id IS NULL "
            f"ORDER BY {_PLACEMENT_ORDER}",
            "id, jobseeker_id, municipality_id, ref, status",
        )
        sql, params = _insert_sql(
            PlacementStateChange,
            {
                "municipality_id": "n.municipality_id",
                "placement_id": "n.id",
                "from_status": "''",
                "to_status": "n.status",
                "changed_by_id": "NULL",
                "changed_by_client_id": "NULL",
                "changed_at": _Value(self.now),
                "source": _Value(ChangeSource.IMPORT),
            },
            "import_new n ORDER BY n.id",
        )
        _execute(sql, params)
        self._log("SELECT n.jobseeker_id FROM import_new n ORDER BY n.id")

    def _write_benefitperiod(self, kind: FileKind, stage: _Stage) -> None:
        new = (
            f"SELECT s.line, j.id AS jobseeker_id, s.benefit_type, s.start_date, s.end_date "
            f"FROM {stage.table} s JOIN {JOBSEEKERS.model._meta.db_table} j "
            "ON j.ref = s.jobseeker_ref WHERE s.stored_id IS NULL"
        )
        _execute(
            f"SELECT 1 FROM {JOBSEEKERS.model._meta.db_table} WHERE ref IN ("
            f"SELECT jobseeker_ref FROM {stage.table} WHERE stored_id IS NULL) "
            "ORDER BY id FOR UPDATE"
        )
        if _first(_overlap_sql(new)):
            raise Fallback
        self._insert(
            kind,
            {
                "municipality_id": "j.municipality_id",
                "jobseeker_id": "j.id",
                "benefit_type": "s.benefit_type",
                "start_date": "s.start_date",
                "end_date": "s.end_date",
                "end_reason": "s.end_reason",
                "monthly_amount": "s.monthly_amount",
                "version": "1",
            },
            f"{stage.table} s JOIN {JOBSEEKERS.model._meta.db_table} j "
            "ON j.ref = s.jobseeker_ref WHERE s.stored_id IS NULL "
            "ORDER BY s.start_date, s.line",
            "id, jobseeker_id, municipality_id, NULL, NULL",
        )
        self._log("SELECT n.jobseeker_id FROM import_new n ORDER BY n.id")


def _check_references() -> None:
    """Check the new rows' foreign keys now, each by its parent's primary key index.

    Django's foreign keys are checked at commit, each row by a cached query of its own; for a
    table of a few pages (the 342 municipalities, which nearly every new row refers to) the
    planner reads the whole table for each of those checks, which made the commit seconds
    longer at national scale. The same checks run here, with the table scan ruled out, and the
    constraints are deferred again for the rest of the transaction (every deferrable
    constraint of the schema is initially deferred; Django's own ``check_constraints`` does
    the same), so a refusal still ends the run, as it would at commit."""
    setting = _first("SELECT current_setting('enable_seqscan')")[0]
    _execute("SET LOCAL enable_seqscan = off")
    # A connection that checked these keys before keeps its plans (with the table scan): they
    # are planned again, now by index (and stay so: a key's index is never the worse plan).
    _execute("DISCARD PLANS")
    _execute("SET CONSTRAINTS ALL IMMEDIATE")
    _execute("SET CONSTRAINTS ALL DEFERRED")
    _execute("SELECT set_config('enable_seqscan', %s, true)", [setting])


_PLACEMENT_JOINS = (
    f"JOIN {JOBSEEKERS.model._meta.db_table} j ON j.ref = s.jobseeker_ref "
    f"JOIN {Entrepreneur._meta.db_table} e ON e.ref = s.entrepreneur_ref"
)
_PLACEMENT_ORDER = "s.actual_start IS NULL, s.actual_start, s.line"


def _overlap_sql(new: str) -> str:
    """``services._benefit_period_errors``' overlap rule: a new period that meets a stored
    period of its jobseeker and type, or another new one (the rule is symmetric, so checking
    each new period against the stored ones and the new ones before it, as the row-by-row way
    does, finds the same pairs)."""
    meets = (
        "(o.end_date IS NULL OR o.end_date >= n.start_date) "
        "AND (n.end_date IS NULL OR o.start_date <= n.end_date)"
    )
    return (
        f"WITH new AS MATERIALIZED ({new}) "
        f"SELECT 1 FROM new n JOIN {BenefitPeriod._meta.db_table} o "
        "ON o.jobseeker_id = n.jobseeker_id AND o.benefit_type = n.benefit_type "
        f"WHERE {meets} "
        "UNION ALL SELECT 1 FROM new n JOIN new o ON o.jobseeker_id = n.jobseeker_id "
        f"AND o.benefit_type = n.benefit_type AND o.line < n.line WHERE {meets} LIMIT 1"
    )


class _NewPlacement:
    """A new placement as the rules of ``services._placement_clashes`` read it."""

    __slots__ = (
        "pk",
        "ref",
        "jobseeker_id",
        "entrepreneur_id",
        "status",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "end_reason",
    )

    def __init__(self, ref, jobseeker_id, entrepreneur_id, status, *dates_and_reason) -> None:
        self.pk = None
        self.ref = ref
        self.jobseeker_id = jobseeker_id
        self.entrepreneur_id = entrepreneur_id
        self.status = status
        (
            self.planned_start,
            self.planned_end,
            self.actual_start,
            self.actual_end,
            self.end_reason,
        ) = dates_and_reason


def _defaults(model: type[models.Model], now: datetime) -> dict[str, object]:
    """Every column's value when not given: its field's default, as ``Model()`` gives it."""
    defaults: dict[str, object] = {}
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            value = field.get_default()
        else:
            value = "" if field.empty_strings_allowed and not field.null else None
        defaults[field.column] = field.get_db_prep_save(value, connection)
    return defaults


class _Value:
    """A value given to ``_insert_sql`` as a parameter rather than as SQL."""

    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value


def _insert_sql(model, given: dict[str, str | _Value], source: str) -> tuple[str, list]:
    """``INSERT INTO`` the model's table ``SELECT`` the ``given`` SQL or values (by column)
    and every other column's default ``FROM source`` (whose own parameters follow those
    returned). The id is the table's own unless given."""
    defaults = _defaults(model, timezone.now())
    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.column in given:
            columns.append(field.column)
            value = given[field.column]
            if isinstance(value, _Value):
                values.append("%s")
                params.append(field.get_db_prep_save(value.value, connection))
            else:
                values.append(value)
        elif not field.primary_key:
            columns.append(field.column)
            values.append("%s")
            params.append(defaults[field.column])
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(map(_q, columns))}) "
        f"SELECT {', '.join(values)} FROM {source}"
    )
    return sql, params


def _lines(path) -> int:
    """The lines after the header, for the progress (a quoted line break counts one more)."""
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - 1, 1)


def _refuse_erased_refs(stage_table: str) -> None:
    # The checks privacy registers (an erased person's reference is not used again): a hit
    # hands the run to the row-by-row way, which says which row and why.
    if not REFS_REFUSED_CHECKS:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ref FROM {stage_table} WHERE stored_id IS NULL ORDER BY line")
        while refs := [row[0] for row in cursor.fetchmany(BATCH)]:
            if any(check(refs) for check in REFS_REFUSED_CHECKS):
                raise Fallback


def _any(column: str, ids: list[int]) -> RawSQL:
    """``column IN ids`` as one array parameter (tens of thousands of ids)."""
    return RawSQL(f"{column} = ANY(%s)", [ids], output_field=BooleanField())


def _check_placements(plan: list[_NewPlacement]) -> None:
    """``services._placement_clashes`` for each new placement in turn, against the stored
    placements of its people (locked first, as the service locks them) and the new ones
    before it."""
    if not plan:
        return
    rules = PilotSettings.load()
    today = timezone.localdate()
    jobseekers = sorted({p.jobseeker_id for p in plan})
    entrepreneurs = sorted({p.entrepreneur_id for p in plan})
    by_jobseeker: dict[int, list] = defaultdict(list)
    by_entrepreneur: dict[int, list] = defaultdict(list)
    with pilot_wide(CROSS_MUNICIPALITY_RULES):
        for model, ids in ((JOBSEEKERS.model, jobseekers), (Entrepreneur, entrepreneurs)):
            _execute(
                f"SELECT 1 FROM {model._meta.db_table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                [ids],
            )
        stored = Placement.objects.filter(
            Q(_any("jobseeker_id", jobseekers)) | Q(_any("entrepreneur_id", entrepreneurs))
        ).order_by("planned_start", "ref")
        for other in stored.iterator(2000):
            if other.status == PlacementStatus.CANCELLED:
                continue
            by_jobseeker[other.jobseeker_id].append(other)
            by_entrepreneur[other.entrepreneur_id].append(other)
    for placement in plan:
        period = _held(placement, today)
        if period is not None:
            candidates = {
                id(o): o
                for o in (
                    *by_jobseeker[placement.jobseeker_id],
                    *by_entrepreneur[placement.entrepreneur_id],
                )
            }.values()
            if placement.actual_start is not None:
                candidates = [o for o in candidates if o.actual_start is not None]
            others = [(o, held) for o in candidates if _meets(period, held := _held(o, today))]
            if any(o.jobseeker_id == placement.jobseeker_id for o, _h in others):
                raise Fallback
            hosted = _busiest_day(
                period,
                [(o, h) for o, h in others if o.entrepreneur_id == placement.entrepreneur_id],
            )
            if len(hosted) >= rules.interns_per_entrepreneur:
                raise Fallback
        if placement.status != PlacementStatus.CANCELLED:
            by_jobseeker[placement.jobseeker_id].append(placement)
            by_entrepreneur[placement.entrepreneur_id].append(placement)


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _copy_str(value: str) -> str:
    """A text cell in COPY's text format."""
    if _COPY_SPECIAL.search(value) is None:
        return value
    return _copy_text(value)


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    kind = type(value)
    if kind is str:
        if _COPY_SPECIAL.search(value) is None:
            return value
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    if value is None:
        return "\\N"
    if kind is int:
        return str(value)
    if kind is date or kind is datetime:
        return value.isoformat()
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dict | list):
        return _copy_text(json.dumps(value))
    return _copy_text(str(value))
