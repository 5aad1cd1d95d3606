"""The import's set way: every row checked in streaming passes, then written in bulk.

Each file is read once, row by row (``reader.CsvStream``); what a row needs from the database
(the rows it may update, the rows it refers to, consents, erased references) is read per file
with one query each, and the rows to create are kept on disk (a spool), not in memory. Then one
short transaction writes them with bulk statements (``bulk_create``: one INSERT per batch, so
the row-level security policies check every row), with their versions, state changes, consent
records, processing-log entries and the audit entry, as the services write them one by one.
The rules that compare a row with other rows (one internship at a time, the interns an
entrepreneur hosts, overlapping benefit periods) are checked in that transaction, after locking
the people involved, in the order the row-by-row way takes them.

This way decides a run only when it is certain the row-by-row way (``run.py``) would accept
every row: a run of new and unchanged rows. Anything else (any problem, any row that changes a
stored one, anything the database refuses) raises ``Fallback``, and the row-by-row way runs the
import instead and names every problem exactly as it always has.
"""

from __future__ import annotations

import io
import json
import pickle
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
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
from ..models import BenefitPeriod, ConsentRecord, Jobseeker, Placement, PlacementStateChange
from ..services import (
    CROSS_MUNICIPALITY_RULES,
    REFS_REFUSED_CHECKS,
    _busiest_day,
    _held,
    _meets,
)
from .kinds import JOBSEEKERS, KINDS, MUNICIPALITIES, FileKind
from .reader import CellError, CsvStream

BATCH = 2000


class Fallback(Exception):
    """This run is not one the set way decides: the row-by-row way imports it."""


class _Spool:
    """Rows kept on disk in batches, read back in order."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._batch: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self._batch.append(row)
        self.count += 1
        if len(self._batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._batch = []

    def batches(self) -> Iterator[list[tuple]]:
        self._flush()
        self._file.seek(0)
        while True:
            try:
                yield pickle.load(self._file)  # noqa: S301 - our own file, written just now
            except EOFError:
                return

    def close(self) -> None:
        self._file.close()


# Per file: the columns compared with a stored row, as a path the ORM reads them by (a
# reference by the key of the row it refers to).
def _stored_path(kind: FileKind, field: str) -> str:
    for column in kind.columns:
        if column.field == field and column.refers_to is not None:
            target = {k.file: k for k in KINDS}[column.refers_to]
            return f"{field}__{target.key_fields[0]}"
    return field


class BulkImport:
    def __init__(self, *, scope: ImportScope | None, progress) -> None:
        self.scope = scope
        self.progress = progress
        self.done = 0
        self.total = 0
        # Per file: key -> pk of the stored rows (in the run's scope), and the keys of the new
        # rows of this run (whose pk the write gives).
        self.stored_pk: dict[str, dict[tuple, int]] = {}
        self.new_keys: dict[str, set[tuple]] = defaultdict(set)
        self.spools: dict[str, _Spool] = {}
        self.counts: dict[str, list[int]] = {}  # file -> [created, unchanged]
        self.files: list[FileKind] = []

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

    def _in_scope(self, model) -> models.QuerySet:
        rows = model._default_manager.all()
        if self.scope is None or self.scope.municipality_ids is None or model is Municipality:
            return rows
        return rows.filter(municipality_id__in=self.scope.municipality_ids)

    def _known(self, file: str) -> dict[tuple, int]:
        """key -> pk of the stored rows of ``file`` the run may see (read once)."""
        if file not in self.stored_pk:
            kind = {k.file: k for k in KINDS}[file]
            paths = [_stored_path(kind, f) for f in kind.key_fields]
            self.stored_pk[file] = {
                tuple(values[:-1]): values[-1]
                for values in self._in_scope(kind.model).values_list(*paths, "pk").iterator(5000)
            }
        return self.stored_pk[file]

    def _refers(self, file: str, key: str) -> bool:
        return (key,) in self.new_keys[file] or (key,) in self._known(file)

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None and self.done % 500 == 0:
            self.progress(self.done, self.total)

    def _check_file(self, kind: FileKind, path) -> None:
        stream = CsvStream(path, columns=kind.column_names)
        try:
            self._check_rows(kind, stream)
        finally:
            stream.close()

    def _check_rows(self, kind: FileKind, stream: CsvStream) -> None:
        if stream.problems or not stream.rows_usable:
            raise Fallback
        fields = [c.field for c in kind.columns if c.model_field]
        paths = [_stored_path(kind, f) for f in fields]
        key_paths = [_stored_path(kind, f) for f in kind.key_fields]
        # The stored rows, as the values the file's cells compare with.
        stored = {
            tuple(values[: len(key_paths)]): values[len(key_paths) :]
            for values in self._in_scope(kind.model)
            .values_list(*key_paths, *paths, "pk")
            .iterator(5000)
        }
        self.stored_pk[kind.file] = {key: values[-1] for key, values in stored.items()}
        holding: set[int] = set()
        if kind is JOBSEEKERS:
            holding = set(
                ConsentRecord.objects.filter(
                    purpose=ConsentPurpose.RESEARCH, withdrawn_on__isnull=True
                ).values_list("jobseeker_id", flat=True)
            )
        spool = self.spools[kind.file] = _Spool()
        created = unchanged = 0
        seen: set[tuple] = set()
        refs_to_check: list[str] = []
        for row in stream.rows():
            self._tick()
            if row.broken or row.unreadable or stream.problems:
                raise Fallback
            raw_key = tuple(row.cells[name] for name in kind.key)
            if not all(raw_key) or raw_key in seen:
                raise Fallback
            seen.add(raw_key)
            values: dict[str, object] = {}
            extra: dict[str, object] = {}
            for column in kind.columns:
                try:
                    value = column.parse(row.cells[column.name])
                except CellError:
                    raise Fallback from None
                if column.refers_to is not None and (
                    not value or not self._refers(column.refers_to, value)
                ):
                    raise Fallback
                (values if column.model_field else extra)[column.field] = value
            key = tuple(values[f] for f in kind.key_fields)
            current = stored.get(key)
            if current is not None:
                if any(_differs(current[i], values[f]) for i, f in enumerate(fields)):
                    raise Fallback  # an update: the row-by-row way records it
                if kind is JOBSEEKERS:
                    answer = extra["research_consent"]
                    if answer != ResearchConsent.UNKNOWN and (current[-1] in holding) != (
                        answer == ResearchConsent.YES
                    ):
                        raise Fallback
                self._refuse(kind, values, existing_pk=current[-1], writes=False)
                unchanged += 1
                continue
            self._refuse(kind, values, existing_pk=None, writes=True)
            self._clean(kind, values)
            self.new_keys[kind.file].add(key)
            if kind is JOBSEEKERS:
                refs_to_check.append(values["ref"])
            spool.add((row.line, *(values[f] for f in fields), *extra.values()))
            created += 1
        if refs_to_check:
            _refuse_erased_refs(refs_to_check)
        self.counts[kind.file] = [created, unchanged]

    def _refuse(self, kind: FileKind, values: dict, *, existing_pk, writes: bool) -> None:
        """``run._Importer._refusal``: a row a scoped run may not import."""
        scope = self.scope
        if scope is None:
            return
        if kind.model is Municipality:
            municipality_pk, applies = existing_pk, True
        elif "municipality" in values:
            municipality_pk = self._known(MUNICIPALITIES.file).get((values["municipality"],))
            applies = True
        else:
            municipality_pk, applies = None, False
        outside = municipality_pk is None or not scope.covers(municipality_pk)
        if applies and scope.municipality_ids is not None and outside:
            raise Fallback
        if not scope.may_write(kind.model) and writes:
            raise Fallback

    def _clean(self, kind: FileKind, values: dict) -> None:
        """The model's own rules, without the queries: references are resolved already, and
        the unique keys and constraints are the database's (a refusal falls back)."""
        relations = _relations(kind)
        plain = {f: v for f, v in values.items() if f not in relations}
        obj = kind.model(**plain)
        exclude = _excluded(kind)
        try:
            obj.clean_fields(exclude=exclude)
            obj.clean()
        except ValidationError:
            raise Fallback from None

    # --- writing -------------------------------------------------------------------------

    def write(self) -> dict[str, tuple[int, int]]:
        """Write the new rows; call inside the import's transaction."""
        now = timezone.now()
        entries: list[tuple[str, int]] = []  # processing-log entries, in the services' order
        anything = False
        for kind in self.files:
            spool = self.spools[kind.file]
            if not spool.count:
                continue
            anything = True
            writer = getattr(self, f"_write_{kind.model._meta.model_name}")
            writer(kind, spool, now, entries)
        if entries:
            _log_writes(entries)
        if anything:
            figures_changed()
        return {file: (c[0], c[1]) for file, c in self.counts.items()}

    def close(self) -> None:
        for spool in self.spools.values():
            spool.close()

    def _pk(self, file: str, key: str) -> int:
        return self.stored_pk[file][(key,)]

    def _insert(self, kind: FileKind, rows: list[dict], key: str) -> None:
        """Insert new rows of ``kind`` (given ids), known by ``key`` from now on."""
        table = _Table(kind.model)
        for row, pk in zip(rows, table.ids(len(rows)), strict=True):
            row["id"] = pk
        table.insert(rows)
        known = self.stored_pk[kind.file]
        for row in rows:
            known[(row[key],)] = row["id"]
        self._advance(len(rows))

    def _advance(self, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(self.done, self.total)

    def _write_municipality(self, kind, spool, now, entries) -> None:
        for batch in spool.batches():
            rows = [{"code": c, "name": n, "planned_places": p} for _l, c, n, p in batch]
            self._insert(kind, rows, "code")

    def _write_entrepreneur(self, kind, spool, now, entries) -> None:
        for batch in spool.batches():
            rows = [
                {
                    "ref": ref,
                    "municipality_id": self._pk(MUNICIPALITIES.file, code),
                    "trade_name": trade_name,
                    "kvk_number": kvk,
                    "prior_support": prior,
                    "version": 1,
                }
                for _l, ref, code, trade_name, kvk, prior in batch
            ]
            self._insert(kind, rows, "ref")

    def _write_jobseeker(self, kind, spool, now, entries) -> None:
        version = current_information_version(ConsentPurpose.RESEARCH)
        today = timezone.localdate()
        consents = _Table(ConsentRecord)
        for batch in spool.batches():
            rows = [
                {
                    "ref": ref,
                    "municipality_id": self._pk(MUNICIPALITIES.file, code),
                    "given_name": given,
                    "family_name": family,
                    "birth_date": birth,
                    "version": 1,
                }
                for _l, ref, code, given, family, birth, _answer in batch
            ]
            self._insert(kind, rows, "ref")
            given = []
            for row, (*_cells, answer) in zip(rows, batch, strict=True):
                entries.append((Action.CREATE, row["id"]))
                if answer == ResearchConsent.YES:
                    given.append(
                        {
                            "municipality_id": row["municipality_id"],
                            "jobseeker_id": row["id"],
                            "purpose": ConsentPurpose.RESEARCH,
                            "given_on": today,
                            "information_version": version,
                            "recorded_by_id": None,
                            "source": ConsentSource.IMPORT,
                            "recorded_at": now,
                            "version": 1,
                        }
                    )
                    entries.append((Action.CREATE, row["id"]))
            for record, pk in zip(given, consents.ids(len(given)), strict=True):
                record["id"] = pk
            consents.insert(given)

    def _write_placement(self, kind, spool, now, entries) -> None:
        rows = [row for batch in spool.batches() for row in batch]
        # The row-by-row way's order (kinds.PLACEMENTS.process_order): by actual start.
        rows.sort(key=lambda r: (r[7] is None, r[7] or date.min, r[0]))
        plan = [
            SimpleNamespace(
                pk=None,
                ref=ref,
                jobseeker_id=self._pk(JOBSEEKERS.file, jobseeker),
                entrepreneur_id=self._pk("entrepreneurs.csv", entrepreneur),
                status=status,
                planned_start=planned_start,
                planned_end=planned_end,
                actual_start=actual_start,
                actual_end=actual_end,
                end_reason=end_reason,
            )
            for (
                _l,
                ref,
                jobseeker,
                entrepreneur,
                status,
                planned_start,
                planned_end,
                actual_start,
                actual_end,
                end_reason,
            ) in rows
        ]
        del rows
        _check_placements(plan)
        municipality = _municipalities_of({p.jobseeker_id for p in plan})
        changes = _Table(PlacementStateChange)
        for start in range(0, len(plan), BATCH * 5):
            rows = [
                {
                    "ref": p.ref,
                    "municipality_id": municipality[p.jobseeker_id],
                    "jobseeker_id": p.jobseeker_id,
                    "entrepreneur_id": p.entrepreneur_id,
                    "status": p.status,
                    "planned_start": p.planned_start,
                    "planned_end": p.planned_end,
                    "actual_start": p.actual_start,
                    "actual_end": p.actual_end,
                    "end_reason": p.end_reason,
                    "version": 1,
                }
                for p in plan[start : start + BATCH * 5]
            ]
            self._insert(kind, rows, "ref")
            moves = [
                {
                    "id": pk,
                    "municipality_id": row["municipality_id"],
                    "placement_id": row["id"],
                    "from_status": "",
                    "to_status": row["status"],
                    "changed_by_id": None,
                    "changed_by_client_id": None,
                    "changed_at": now,
                    "source": ChangeSource.IMPORT,
                }
                for row, pk in zip(rows, changes.ids(len(rows)), strict=True)
            ]
            changes.insert(moves)
            entries.extend((Action.CREATE, row["jobseeker_id"]) for row in rows)

    def _write_benefitperiod(self, kind, spool, now, entries) -> None:
        rows = [row for batch in spool.batches() for row in batch]
        rows.sort(key=lambda r: (r[3] is None, r[3] or date.min, r[0]))
        plan = [
            (self._pk(JOBSEEKERS.file, jobseeker), benefit_type, start, end, reason, amount)
            for _l, jobseeker, benefit_type, start, end, reason, amount in rows
        ]
        del rows
        _check_benefit_periods(plan)
        municipality = _municipalities_of({p[0] for p in plan})
        table = _Table(BenefitPeriod)
        for start in range(0, len(plan), BATCH * 5):
            chunk = plan[start : start + BATCH * 5]
            rows = [
                {
                    "id": pk,
                    "municipality_id": municipality[jobseeker],
                    "jobseeker_id": jobseeker,
                    "benefit_type": benefit_type,
                    "start_date": begin,
                    "end_date": end,
                    "end_reason": reason,
                    "monthly_amount": amount,
                    "version": 1,
                }
                for (jobseeker, benefit_type, begin, end, reason, amount), pk in zip(
                    chunk, table.ids(len(chunk)), strict=True
                )
            ]
            table.insert(rows)
            self._advance(len(rows))
            entries.extend((Action.CREATE, row["jobseeker_id"]) for row in rows)


def _municipalities_of(jobseekers: set[int]) -> dict[int, int]:
    with pilot_wide("the import copies each row's municipality from its jobseeker"):
        return dict(
            Jobseeker.objects.filter(pk__in=jobseekers).values_list("pk", "municipality_id")
        )


def _log_writes(entries: list[tuple[str, int]]) -> None:
    """``municipalities.processing_log.record_write(action, [jobseeker])`` for each write: one
    entry per write, as the services leave writing the rows one by one, in bulk."""
    author = entry_author()
    entry_table, subject_table = (_Table(model) for model in entry_models())
    for start in range(0, len(entries), BATCH * 5):
        chunk = entries[start : start + BATCH * 5]
        ids = entry_table.ids(len(chunk))
        entry_table.insert(
            [
                {"id": pk, "action": action, **author}
                for pk, (action, _j) in zip(ids, chunk, strict=True)
            ]
        )
        subject_table.insert(
            [
                {"id": sid, "entry_id": pk, "jobseeker_id": jobseeker}
                for sid, pk, (_a, jobseeker) in zip(
                    subject_table.ids(len(chunk)), ids, chunk, strict=True
                )
            ]
        )


def _lines(path) -> int:
    """The lines after the header, for the progress (a quoted line break counts one more)."""
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return max(lines - 1, 1)


def _relations(kind: FileKind) -> frozenset[str]:
    found = _RELATIONS.get(kind.file)
    if found is None:
        found = _RELATIONS[kind.file] = frozenset(
            c.field for c in kind.columns if c.model_field and _is_relation(kind.model, c.field)
        )
    return found


def _excluded(kind: FileKind) -> list[str]:
    """The fields the model's own checks leave to others: references (resolved by key) and
    the fields without a column."""
    found = _EXCLUDED.get(kind.file)
    if found is None:
        given = {c.field for c in kind.columns if c.model_field}
        found = _EXCLUDED[kind.file] = [
            f.name for f in kind.model._meta.fields if f.is_relation or f.name not in given
        ]
    return found


_RELATIONS: dict[str, frozenset[str]] = {}
_EXCLUDED: dict[str, list[str]] = {}


def _is_relation(model, name: str) -> bool:
    return model._meta.get_field(name).is_relation


def _key_value(obj: models.Model, field: str):
    """A key field's value as the file has it: a reference by the referred row's key."""
    if _is_relation(type(obj), field):
        return None
    return getattr(obj, field)


def _differs(stored, value) -> bool:
    return stored != value


def _refuse_erased_refs(refs: list[str]) -> None:
    # The checks privacy registers (an erased person's reference is not used again): a hit
    # hands the run to the row-by-row way, which says which row and why.
    if any(check(refs) for check in REFS_REFUSED_CHECKS):
        raise Fallback


def _check_placements(plan: list[SimpleNamespace]) -> None:
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
        list(Jobseeker.objects.select_for_update().filter(pk__in=jobseekers).values_list("pk"))
        list(
            Entrepreneur.objects.select_for_update().filter(pk__in=entrepreneurs).values_list("pk")
        )
        stored = Placement.objects.filter(
            Q(jobseeker_id__in=jobseekers) | Q(entrepreneur_id__in=entrepreneurs)
        ).order_by("planned_start", "ref")
        for other in stored:
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


def _check_benefit_periods(plan: list[tuple]) -> None:
    """``services._benefit_period_errors``' overlap rule for each new period in turn
    (``plan``: jobseeker id, benefit type, start, end, ... in the order they are taken)."""
    if not plan:
        return
    jobseekers = sorted({p[0] for p in plan})
    periods: dict[tuple[int, str], list[tuple[date, date | None]]] = defaultdict(list)
    list(Jobseeker.objects.select_for_update().filter(pk__in=jobseekers).values_list("pk"))
    for jobseeker_id, benefit_type, start, end in BenefitPeriod.objects.filter(
        jobseeker_id__in=jobseekers
    ).values_list("jobseeker_id", "benefit_type", "start_date", "end_date"):
        periods[jobseeker_id, benefit_type].append((start, end))
    for jobseeker_id, benefit_type, new_start, new_end, *_rest in plan:
        mine = periods[jobseeker_id, benefit_type]
        for start, end in mine:
            if (end is None or end >= new_start) and (new_end is None or start <= new_end):
                raise Fallback
        mine.append((new_start, new_end))


# --- COPY into a staging table, then one INSERT ... SELECT -------------------------------------


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


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


class _Table:
    """Rows for one table: ids taken from its sequence up front, every column not given its
    field's default, written by COPY into a TEMP staging table (no row-level security there)
    and moved with one INSERT ... SELECT (which the table's policies check, row by row)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.table = model._meta.db_table
        self.now = timezone.now()

    def ids(self, count: int) -> list[int]:
        if not count:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [self.table, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def _defaults(self) -> dict[str, object]:
        defaults: dict[str, object] = {}
        for field in self.fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaults[field.attname] = self.now
            elif field.has_default():
                defaults[field.attname] = field.get_default()
            else:
                defaults[field.attname] = (
                    "" if field.empty_strings_allowed and not field.null else None
                )
        return defaults

    def insert(self, rows: list[dict]) -> None:
        """Insert ``rows`` (attname -> value, with ``id``)."""
        if not rows:
            return
        defaults = self._defaults()
        columns = [f.attname for f in self.fields]
        quoted = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        buffer = io.StringIO()
        for row in rows:
            values = [row[name] if name in row else defaults[name] for name in columns]
            buffer.write("\t".join(map(_copy_text, values)))
            buffer.write("\n")
        buffer.seek(0)
        stage = f"import_stage_{self.table}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS "  # noqa: S608 - model names
                f"SELECT {quoted} FROM {self.table} WITH NO DATA"
            )
            cursor.cursor.copy_expert(f"COPY {stage} ({quoted}) FROM STDIN", buffer)
            cursor.execute(
                f"INSERT INTO {self.table} ({quoted}) SELECT {quoted} FROM {stage}"  # noqa: S608
            )
            cursor.execute(f"DROP TABLE {stage}")
