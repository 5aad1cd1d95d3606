"""Building a research export: every table in one format plus the codebook, zipped to a path."""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.models import PilotSettings
from municipalities.processing_enums import Action, Activity
from municipalities.processing_log import record
from placements.models import Placement
from reporting.metrics import cyclic_gc_paused

from . import lanes, long_tables
from .codebook import write_codebook_csv, write_codebook_html
from .pseudonyms import Pseudonymiser
from .rows import ROW_SOURCES
from .scope import DEFAULT_BATCH_SIZE, ResearchScope, all_municipalities_consented_participants
from .variables import TABLES, Table
from .writers import WRITERS, open_writer

FORMATS = tuple(WRITERS)
LANGUAGES = ("nl", "en")
# The earliest export date while no internship has started yet: the pilot's data cannot
# predate it (the pilot began in 2024), and a date before it is a typing error.
EARLIEST_WITHOUT_DATA = date(2020, 1, 1)
# Reading and writing the rows is this share of the progress; the files and the zip the rest.
ROWS_SHARE = 90
# Each table's share of the rows' part, after how long it takes at national scale: the
# participants carry the outflow computation.
TABLE_WEIGHTS = {
    "participants": 40,
    "placements": 20,
    "benefit_periods": 25,
    "progress_reviews": 5,
    "entrepreneurs": 5,
    "guidance_sessions": 5,
    "host_evaluations": 2,
}
# The tables the second of two forked lanes writes, when there are lanes (lanes.py); the first
# writes the rest. About half the work each at national scale: for CSV, where PostgreSQL formats
# the long tables, the participants take as long as all of those.
SECOND_LANE = {
    "csv": frozenset(long_tables.LONG_TABLES),
    "default": frozenset({"placements", "benefit_periods", "progress_reviews"}),
}
# A table's progress is a share of 1; exactly 1 says its file is complete (and can be zipped).
TABLE_WRITTEN = 1.0
ALMOST_WRITTEN = 0.99

ProgressCallback = Callable[[int], None]
TableProgressSink = Callable[[str, float], None]


def earliest_as_of() -> date:
    """The pilot's first internship start, or EARLIEST_WITHOUT_DATA when none has started."""
    first = Placement.objects.filter(actual_start__isnull=False).aggregate(
        first=Min("actual_start")
    )["first"]
    return first or EARLIEST_WITHOUT_DATA


def validate_as_of(as_of: date, *, today: date | None = None) -> None:
    """Refuse a date in the future or before the pilot (ValidationError; its code says which)."""
    today = today or timezone.localdate()
    if as_of > today:
        raise ValidationError(
            _("The export date cannot be in the future (today is %(today)s).")
            % {"today": today.isoformat()},
            code="future",
        )
    earliest = earliest_as_of()
    if as_of < earliest:
        if earliest == EARLIEST_WITHOUT_DATA:
            message = _("The export date cannot be before %(date)s.")
        else:
            message = _(
                "The export date cannot be before %(date)s, when the first internship of the "
                "pilot started."
            )
        raise ValidationError(message % {"date": earliest.isoformat()}, code="before_pilot")


def record_export(*, as_of: date, actor=None, route: str = "") -> None:
    """The processing log's entry for an export: every consented participant it holds (one
    entry, the people in bulk). Called in the transaction that declares the export built."""
    people = all_municipalities_consented_participants(ResearchScope(as_of=as_of))
    record(
        action=Action.EXPORT,
        people=people.values_list("pk", flat=True),
        activity=Activity.RESEARCH,
        actor=actor,
        route=route,
    )


def build_research_export(
    *,
    as_of: date,
    format: str,
    path: Path | str,
    language: str = "nl",
    key: str | bytes | None = None,
    municipality_ids: Collection[int] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
    parallel: bool | None = None,
) -> dict[str, int]:
    """Write the export zip to ``path`` and return the number of rows per table.

    ``progress`` is called with a percentage (0-100, never decreasing) as the build goes on.
    The zip appears at ``path`` only when complete: it is written next to it and renamed.
    ``municipality_ids`` limits the export to some municipalities (for measurements); None is
    the whole pilot. ``key`` overrides settings.PSEUDONYM_KEY. ``parallel`` writes the tables
    in two forked lanes that read one snapshot of the database (lanes.py); None lets
    ``lanes.can_fork`` decide, True forces it (the caller answers for its conditions).
    """
    if format not in WRITERS:
        raise ValueError(f"unknown export format {format!r}")
    if language not in LANGUAGES:
        raise ValueError(f"unknown label language {language!r}")
    path = Path(path)
    scope = ResearchScope(
        as_of=as_of,
        municipality_ids=tuple(municipality_ids) if municipality_ids is not None else None,
        batch_size=batch_size,
    )
    pseudonyms = Pseudonymiser(key)
    report = _reporter(progress)
    report(0)

    tracker = _TableProgress(report)
    partial = path.with_name(path.name + ".part")
    with tempfile.TemporaryDirectory(prefix="research-export-") as directory:
        folder = Path(directory)
        try:
            # Level 1: four times faster than the default 6 on these files, for a zip about a
            # fifth larger (3.5 -> 4.3 MB at national scale).
            with zipfile.ZipFile(partial, "w", compresslevel=1) as archive:

                def table_progress(table: str, done: float) -> None:
                    tracker.update(table, done)
                    if done == TABLE_WRITTEN:
                        # Zipped as soon as it is complete, while the lanes write the others.
                        name = f"{table}.{WRITERS[format].extension}"
                        archive.write(
                            folder / name, arcname=name, compress_type=_compression(format)
                        )

                job = _Job(format, folder, language, scope, pseudonyms)
                row_counts = _write_every_table(job, table_progress, parallel)
                report(ROWS_SHARE)
                write_codebook_csv(folder / "codebook.csv")
                write_codebook_html(
                    folder / "codebook.html",
                    as_of=as_of,
                    format=format,
                    row_counts=row_counts,
                    built_at=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
                )
                for name in ("codebook.csv", "codebook.html"):
                    archive.write(folder / name, arcname=name, compress_type=zipfile.ZIP_DEFLATED)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, path)
    report(100)
    return row_counts


@dataclass(frozen=True)
class _Job:
    """What every table of one export is written with."""

    format: str
    folder: Path
    language: str
    scope: ResearchScope
    pseudonyms: Pseudonymiser


def _write_every_table(
    job: _Job, progress: TableProgressSink, parallel: bool | None
) -> dict[str, int]:
    """Write every table's file into the job's folder, in two lanes when they can be used;
    return the rows per table, in the order of TABLES."""
    if parallel is None:
        parallel = lanes.can_fork()
    if not parallel:
        counts = _write_tables(job, list(TABLES), progress)
    else:
        WRITERS[job.format].preload()
        # The lanes read in a read-only transaction, where PilotSettings.load() could not
        # create the settings row on a pilot's first use: it must exist before the snapshot.
        PilotSettings.load()
        second_lane = SECOND_LANE.get(job.format, SECOND_LANE["default"])
        first = [table for table in TABLES if table.name not in second_lane]
        second = [table for table in TABLES if table.name in second_lane]
        with lanes.exported_snapshot() as snapshot:
            counts = lanes.run_lanes(
                [
                    lambda progress: _write_tables(job, first, progress),
                    lambda progress: _write_tables(job, second, progress),
                ],
                progress,
                snapshot=snapshot,
            )
    return {table.name: counts[table.name] for table in TABLES}


def _write_tables(job: _Job, tables: list[Table], progress: TableProgressSink) -> dict[str, int]:
    """Write each table's file into the job's folder; return the rows per table. ``progress``
    hears TABLE_WRITTEN for a table only once its file is complete."""
    counts = {}
    for table in tables:
        # The rows make hundreds of thousands of small tuples and no reference cycles: the
        # cyclic collector would only walk them over and over.
        with cyclic_gc_paused():
            counts[table.name] = _write_table(
                job, table, lambda done, name=table.name: progress(name, done)
            )
        progress(table.name, TABLE_WRITTEN)
    return counts


def _write_table(job: _Job, table: Table, progress: Callable[[float], None]) -> int:
    """Write one table's file into the job's folder; return its number of rows."""
    if job.format == "csv" and table.name in long_tables.LONG_TABLES and long_tables.can_copy():
        # PostgreSQL formats these rows itself (COPY): see long_tables.py.
        return long_tables.copy_csv(
            long_tables.LONG_TABLES[table.name],
            scope=job.scope,
            pseudonyms=job.pseudonyms,
            path=job.folder / f"{table.name}.csv",
            header=table.names,
        )
    writer = open_writer(
        format=job.format, table=table, directory=job.folder, language=job.language
    )
    count = 0
    for batch in ROW_SOURCES[table.name](scope=job.scope, pseudonyms=job.pseudonyms):
        writer.write_rows(batch.rows)
        count += len(batch.rows)
        progress(min(batch.done, ALMOST_WRITTEN))  # the file is not complete before close()
    writer.close()
    return count


class _TableProgress:
    """The export's percentage from how far each table is (0-1), weighted by TABLE_WEIGHTS."""

    def __init__(self, report: ProgressCallback) -> None:
        self._report = report
        self._done = dict.fromkeys(TABLE_WEIGHTS, 0.0)
        self._total = sum(TABLE_WEIGHTS.values())

    def update(self, table: str, done: float) -> None:
        self._done[table] = max(self._done[table], done)
        weighted = sum(TABLE_WEIGHTS[name] * share for name, share in self._done.items())
        self._report(int(weighted * ROWS_SHARE / self._total))


def _compression(format: str) -> int:
    # An .xlsx file is a zip already: deflating it again costs time and saves nothing.
    return zipfile.ZIP_STORED if format == "xlsx" else zipfile.ZIP_DEFLATED


def _reporter(progress: ProgressCallback | None) -> ProgressCallback:
    last = -1

    def report(percent: int) -> None:
        nonlocal last
        if progress is not None and percent > last:
            last = percent
            progress(percent)

    return report
