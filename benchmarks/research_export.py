"""Research exports at national scale: 342 municipalities x 100 participants.

Run from the checkout:  python benchmarks/research_export.py   (see benchmarks/README.md)

It reuses the data set of benchmarks/national_scale.py (built once into the database named in
DATABASE_URL, default pilot_bench_exports). For each format it prints the time of a whole export
(rows, pseudonyms, outflow figures, files, codebook, zip) next to the time of fetching the same
rows with plain ``values_list`` of the same columns, and the peak memory of an export at full
scale and at a quarter of it (the first 85 municipalities). Every measurement runs in a fresh
child process, so that ru_maxrss is that run's own.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pilot_bench_exports")

from benchmarks import national_scale  # noqa: E402 - needs the path and DATABASE_URL above

FORMATS = ("csv", "xlsx", "sav", "dta")
SCALES = ("quarter", "full")
QUARTER = national_scale.MUNICIPALITIES // 4
AS_OF = national_scale.AS_OF
RUNS = 2
TARGET_TIME = {"csv": 2.0, "xlsx": 6.0, "sav": 3.0}  # issue 6; XLSX: issue 17
TARGET_MEMORY = 1.1  # full / quarter, for csv and xlsx


# --- In the child process --------------------------------------------------------------------


def _municipality_ids(scale: str) -> list[int] | None:
    from municipalities.models import Municipality

    if scale == "full":
        return None
    return list(Municipality.objects.order_by("code").values_list("id", flat=True)[:QUARTER])


def _scope(scale: str):
    from reporting.exports.scope import ResearchScope

    ids = _municipality_ids(scale)
    return ResearchScope(as_of=AS_OF, municipality_ids=tuple(ids) if ids is not None else None)


def _long_tables_as_stored(scope) -> list:
    """The long tables' rows as stored: the same rows and order as the export's queries."""
    from django.db.models import Count, Sum

    from reporting.exports import scope as s

    return [
        s.all_municipalities_started_placements(scope)
        .order_by("id")
        .values_list(
            "id",
            "jobseeker_id",
            "entrepreneur_id",
            "status",
            "planned_start",
            "planned_end",
            "hours_per_week",
            "actual_start",
            "actual_end",
            "end_reason",
        ),
        s.all_municipalities_consented_benefit_periods(scope)
        .order_by("jobseeker_id", "start_date", "benefit_type")
        .values_list(
            "jobseeker_id", "benefit_type", "start_date", "end_date", "end_reason", "monthly_amount"
        ),
        s.all_municipalities_consented_reviews(scope)
        .order_by("placement_id", "id")
        .values_list("placement_id", "placement__jobseeker_id", "held_on", "next_review_on"),
        s.all_municipalities_consented_entrepreneurs(scope)
        .order_by("id")
        .values_list("id", "municipality_id", "prior_support"),
        s.all_municipalities_consented_sessions(scope)
        .order_by("entrepreneur_id")
        .values("entrepreneur_id")
        .annotate(sessions=Count("id"), minutes=Sum("minutes"))
        .values_list("entrepreneur_id", "sessions", "minutes"),
        s.all_municipalities_consented_sessions(scope)
        .order_by("entrepreneur_id", "id")
        .values_list("entrepreneur_id", "held_on", "minutes", "mode", "topics"),
    ]


def _participants_as_stored(scope):
    from reporting.exports import scope as s

    return (
        s.all_municipalities_consented_participants(scope)
        .order_by("id")
        .values_list("id", "municipality_id", "birth_date")
    )


def fetch_rows(scale: str) -> int:
    """The floor: the queries the export runs, as plain values_list lists.

    The same rows, columns and order, one query each: the participants and, as the inputs of
    their outflow figures, their started internships and benefit periods (in jobseeker order,
    as the export walks them); then each long table as stored (the export codes its columns in
    SQL and reads them with COPY for CSV), the entrepreneurs' guidance totals included.
    """
    from reporting.exports import scope as s

    scope = _scope(scale)
    tables = [
        _participants_as_stored(scope),
        s.all_municipalities_started_placements(scope)
        .order_by("jobseeker_id", "actual_start", "id")
        .values_list("jobseeker_id", "actual_start", "actual_end", "status", "end_reason"),
        s.all_municipalities_consented_benefit_periods(scope)
        .order_by("jobseeker_id")
        .values_list("jobseeker_id", "start_date", "end_date", "end_reason", "benefit_type"),
        *_long_tables_as_stored(scope),
    ]
    return sum(len(list(table)) for table in tables)


def fetch_exported_rows_once(scale: str) -> int:
    """A stricter floor: each row that ends up in the export read once, as stored (no inputs
    of the outflow figures beyond the participants' own rows)."""
    scope = _scope(scale)
    tables = [_participants_as_stored(scope), *_long_tables_as_stored(scope)]
    return sum(len(list(table)) for table in tables)


def export(scale: str, format: str, directory: str, parallel: bool | None = None) -> dict[str, int]:
    from reporting.exports.build import build_research_export
    from reporting.models import ResearchExport

    def save_progress(percent: int) -> None:
        # As the worker does (reporting/exports/services.py): one UPDATE per new percentage.
        ResearchExport.objects.filter(pk=-1).update(progress=percent)

    scope = _scope(scale)
    return build_research_export(
        as_of=AS_OF,
        format=format,
        path=Path(directory) / f"export-{format}-{scale}.zip",
        municipality_ids=scope.municipality_ids,
        progress=save_progress,
        parallel=parallel,  # None: as the worker does, two forked lanes (lanes.py)
    )


def best_of(function, runs: int) -> float:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return min(seconds)


def child(mode: str, scale: str, format: str, runs: int) -> dict:
    national_scale.setup_django()
    with tempfile.TemporaryDirectory() as directory:
        if mode in ("fetch", "fetch-once"):
            fetch = fetch_rows if mode == "fetch" else fetch_exported_rows_once
            rows = fetch(scale)
            seconds = best_of(lambda: fetch(scale), runs)
            result = {"rows": rows, "seconds": seconds}
        elif mode in ("time", "time-single"):
            parallel = None if mode == "time" else False
            counts = export(scale, format, directory, parallel)
            seconds = best_of(lambda: export(scale, format, directory, parallel), runs)
            size = (Path(directory) / f"export-{format}-{scale}.zip").stat().st_size
            result = {"rows": sum(counts.values()), "seconds": seconds, "zip_bytes": size}
        else:  # memory: one export from a fresh process, every table in it, traced
            tracemalloc.start()
            counts = export(scale, format, directory, parallel=False)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            result = {"rows": sum(counts.values()), "tracemalloc_peak": peak}
    result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # The export's forked lane is this process's only child: its own peak.
    result["lane_maxrss_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result


# --- In the parent ---------------------------------------------------------------------------


def run_child(mode: str, scale: str, format: str = "", runs: int = 1) -> dict:
    completed = subprocess.run(  # noqa: S603 - this file
        [sys.executable, __file__, "--child", mode, "--scale", scale, "--format", format or "csv"]
        + ["--runs", str(runs)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--child",
        choices=["fetch", "fetch-once", "time", "time-single", "memory"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--scale", choices=SCALES, default="full", help=argparse.SUPPRESS)
    parser.add_argument("--format", choices=FORMATS, default="csv", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=RUNS, help=argparse.SUPPRESS)
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help="Comma-separated formats to measure."
    )
    args = parser.parse_args()
    if args.build_only:
        national_scale.setup_django()
        national_scale.build_dataset()
        return
    if args.child:
        print(json.dumps(child(args.child, args.scale, args.format, args.runs)))
        return

    national_scale.ensure_database()
    subprocess.run([sys.executable, __file__, "--build-only"], check=True)  # noqa: S603
    formats = [f for f in args.formats.split(",") if f]
    print(f"as of {AS_OF}; quarter: first {QUARTER} of {national_scale.MUNICIPALITIES}")

    fetch = {scale: run_child("fetch", scale, runs=RUNS) for scale in SCALES}
    once = {scale: run_child("fetch-once", scale, runs=RUNS) for scale in SCALES}
    for scale in SCALES:
        print(
            f"fetch, {scale:<7}: {fetch[scale]['rows']:>7} rows in "
            f"{fetch[scale]['seconds'] * 1000:8.1f} ms (best of {RUNS}), "
            f"ru_maxrss {fetch[scale]['maxrss_kb'] / 1024:6.1f} MB"
        )
    for scale in SCALES:
        print(
            f"each exported row once, {scale:<7}: {once[scale]['rows']:>7} rows in "
            f"{once[scale]['seconds'] * 1000:8.1f} ms (best of {RUNS})"
        )
    print()
    header = (
        f"{'format':<6} {'scale':<7} {'rows':>7} {'export ms':>10} {'fetch ms':>9} {'ratio':>6} "
        f"{'1 lane ms':>10} "
        f"{'zip MB':>7} {'maxrss MB':>10} {'lane MB':>8} {'traced peak MB':>15}"
    )
    print(header)
    print("-" * len(header))
    results = {}
    singles = {}
    for format in formats:
        for scale in SCALES:
            timed = run_child("time", scale, format, runs=RUNS)
            single = run_child("time-single", scale, format, runs=RUNS)
            traced = run_child("memory", scale, format)
            results[format, scale] = (timed, traced)
            if scale == "full":
                singles[format] = single["seconds"]
            ratio = timed["seconds"] / fetch[scale]["seconds"]
            print(
                f"{format:<6} {scale:<7} {timed['rows']:>7} {timed['seconds'] * 1000:>10.1f} "
                f"{fetch[scale]['seconds'] * 1000:>9.1f} {ratio:>5.2f}x "
                f"{single['seconds'] * 1000:>10.1f} "
                f"{timed['zip_bytes'] / 2**20:>7.1f} {timed['maxrss_kb'] / 1024:>10.1f} "
                f"{timed['lane_maxrss_kb'] / 1024:>8.1f} "
                f"{traced['tracemalloc_peak'] / 2**20:>15.1f}"
            )
    print()
    for format in formats:
        timed_full, traced_full = results[format, "full"]
        timed_quarter, traced_quarter = results[format, "quarter"]
        ratio = timed_full["seconds"] / fetch["full"]["seconds"]
        single_ratio = singles[format] / fetch["full"]["seconds"]
        growth_rss = timed_full["maxrss_kb"] / timed_quarter["maxrss_kb"]
        growth_lane = timed_full["lane_maxrss_kb"] / max(timed_quarter["lane_maxrss_kb"], 1)
        growth_traced = traced_full["tracemalloc_peak"] / traced_quarter["tracemalloc_peak"]
        strict = timed_full["seconds"] / once["full"]["seconds"]
        target = TARGET_TIME.get(format)
        time_note = (
            f"(target <= {target:.0f}x; {strict:.2f}x each row once; in one process "
            f"{single_ratio:.2f}x)"
            if target
            else (f"(no target; {strict:.2f}x each row once; in one process {single_ratio:.2f}x)")
        )
        memory_note = (
            f"(target <= {TARGET_MEMORY}x)" if format in ("csv", "xlsx") else "(no target)"
        )
        print(
            f"{format}: export / fetch at full scale {ratio:.2f}x {time_note}; memory full / "
            f"quarter: ru_maxrss {growth_rss:.2f}x, lane {growth_lane:.2f}x, traced peak "
            f"{growth_traced:.2f}x {memory_note}"
        )


if __name__ == "__main__":
    main()
