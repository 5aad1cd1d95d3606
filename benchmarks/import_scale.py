"""The CSV import at national scale, against PostgreSQL's COPY of the same files.

Run from the checkout:  python benchmarks/import_scale.py [--tenth-only]
(see benchmarks/README.md)

It writes the five files of data-exchange.md for 342 municipalities (about 200,000 rows, from a
fixed seed, every row valid), copies them with a plain ``COPY`` into plain text tables (the
floor), then runs ``import_pilot_data`` into an empty database and once more on the unchanged
files, each in a fresh process whose peak resident memory is its ``ru_maxrss``. The same for a
tenth of the municipalities, for the growth of the memory.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "pilot.settings.dev"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pilot_bench_import")
os.environ.setdefault("DEBUG", "0")

MUNICIPALITIES = 342
TENTH = 34
PER_MUNICIPALITY = 100
SEED = 20240108

FILES = {
    "municipalities.csv": ("code", "name", "planned_places"),
    "entrepreneurs.csv": ("ref", "municipality_code", "trade_name", "kvk_number", "prior_support"),
    "jobseekers.csv": (
        "ref",
        "municipality_code",
        "given_name",
        "family_name",
        "birth_date",
        "research_consent",
    ),
    "placements.csv": (
        "ref",
        "jobseeker_ref",
        "entrepreneur_ref",
        "status",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "end_reason",
    ),
    "benefit_periods.csv": (
        "jobseeker_ref",
        "benefit_type",
        "start_date",
        "end_date",
        "end_reason",
        "monthly_amount",
    ),
}


# --- The files --------------------------------------------------------------------------------


def _months(day: date, months: int) -> date:
    """``day`` plus whole months (days up to the 28th only, so every month has it)."""
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, day.day)


def _day(first: date, within: int, rng: random.Random) -> date:
    day = first + timedelta(days=rng.randrange(within))
    return day.replace(day=min(day.day, 28))


def write_files(folder: Path, municipalities: int) -> int:
    """The five files for ``municipalities`` municipalities; returns the number of rows."""
    import csv

    rng = random.Random(SEED)
    rows = dict.fromkeys(FILES, 0)
    handles = {name: (folder / name).open("w", newline="", encoding="utf-8") for name in FILES}
    writers = {name: csv.writer(handle) for name, handle in handles.items()}
    for name, columns in FILES.items():
        writers[name].writerow(columns)

    def write(name: str, *cells) -> None:
        writers[name].writerow(["" if cell is None else cell for cell in cells])
        rows[name] += 1

    for m in range(municipalities):
        code = f"GM{m + 1:04d}"
        write("municipalities.csv", code, f"Gemeente {m + 1}", PER_MUNICIPALITY)
        for p in range(PER_MUNICIPALITY):
            n = m * PER_MUNICIPALITY + p
            ref = f"J{n:06d}"
            entrepreneur = f"E{n:06d}"
            write(
                "entrepreneurs.csv",
                entrepreneur,
                code,
                f"Onderneming {n}",
                f"{10000000 + n:08d}",
                rng.choice(("bbz_start", "bbz_restart", "other")),
            )
            write(
                "jobseekers.csv",
                ref,
                code,
                rng.choice(("Anna", "Bram", "Fatima", "Daan", "Sanne", "Yusuf")),
                f"Achternaam{n}",
                date(1960, 1, 1) + timedelta(days=rng.randrange(16000)),
                rng.choice(("yes", "no", "unknown")),
            )
            start = _day(date(2023, 1, 2), 500, rng)
            planned_end = _months(start, rng.choice((3, 4, 5, 6)))
            status = rng.choice(("completed", "completed", "terminated", "active", "agreed"))
            actual_start = actual_end = None
            end_reason = ""
            if status in ("completed", "terminated", "active"):
                actual_start = start
            if status == "completed":
                actual_end = planned_end
            if status == "terminated":
                actual_end = start + timedelta(days=rng.randrange(20, 60))
                end_reason = rng.choice(("illness", "mismatch", "found_work"))
            if status == "active":
                # Still running on any day the benchmark runs: it holds until today.
                start = actual_start = _day(date(2026, 6, 1), 100, rng)
                planned_end = _months(start, 6)
            write(
                "placements.csv",
                f"P{n:06d}",
                ref,
                entrepreneur,
                status,
                start,
                planned_end,
                actual_start,
                actual_end,
                end_reason,
            )
            if p % 9 == 0 and status in ("completed", "terminated"):
                # A second placement, a year later, only proposed.
                second = _months(start, 12)
                write(
                    "placements.csv",
                    f"Q{n:06d}",
                    ref,
                    entrepreneur,
                    "proposed",
                    second,
                    _months(second, 3),
                    None,
                    None,
                    "",
                )
            # Three benefit periods of one type one after the other, the last one open.
            kind = rng.choice(("participatiewet", "ww", "ioaw", "wajong"))
            begin = date(2019, 1, 1) + timedelta(days=rng.randrange(365))
            for period in range(3):
                end = begin + timedelta(days=rng.randrange(100, 400)) if period < 2 else None
                write(
                    "benefit_periods.csv",
                    ref,
                    kind,
                    begin,
                    end,
                    rng.choice(("work", "education", "other")) if end else "",
                    f"{rng.randrange(80000, 160000) / 100:.2f}",
                )
                if end is not None:
                    begin = end + timedelta(days=rng.randrange(1, 90))
    for handle in handles.values():
        handle.close()
    return sum(rows.values())


# --- The floor: COPY into plain tables ---------------------------------------------------------


def copy_floor(folder: Path) -> float:
    """Seconds for a plain ``COPY ... FROM STDIN (FORMAT csv, HEADER)`` of every file into text
    tables made for it (in one transaction, as the import is)."""
    import environ
    import psycopg2

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(
        dbname=config["NAME"], user=config["USER"], host=config["HOST"], port=config["PORT"]
    )
    with conn, conn.cursor() as cursor:
        for name, columns in FILES.items():
            table = "floor_" + name.removesuffix(".csv")
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TABLE {table} ({', '.join(f'{c} text' for c in columns)})")
    started = time.perf_counter()
    with conn, conn.cursor() as cursor:
        for name, columns in FILES.items():
            table = "floor_" + name.removesuffix(".csv")
            with (folder / name).open(encoding="utf-8") as handle:
                cursor.copy_expert(
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv, HEADER)", handle
                )
    elapsed = time.perf_counter() - started
    with conn, conn.cursor() as cursor:
        for name in FILES:
            cursor.execute(f"DROP TABLE {'floor_' + name.removesuffix('.csv')}")
    conn.close()
    return elapsed


# --- The import, in a fresh process -------------------------------------------------------------


def child(folder: Path) -> None:
    """Run in a fresh process: import ``folder`` and print seconds and peak memory."""
    import resource

    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    try:
        call_command("import_pilot_data", str(folder), stdout=sys.stderr)
    except SystemExit as exc:
        sys.exit(f"the import failed ({exc.code}); see above")
    elapsed = time.perf_counter() - started
    print(f"{elapsed} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}")


def run_import(folder: Path) -> tuple[float, float]:
    # The refresh of the figures after the import goes to a queue (in memory: never run), as in
    # production it goes to the worker; it is not part of the import.
    env = {**os.environ, "CELERY_BROKER_URL": "memory://", "CELERY_TASK_ALWAYS_EAGER": "0"}
    out = subprocess.run(  # noqa: S603 - this script, with a folder it made
        [sys.executable, __file__, "--child", str(folder)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, megabytes = out.stdout.split()
    return float(seconds), float(megabytes)


def wipe() -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("refusing to empty a database whose name lacks 'bench'")
    from coaching.models import Entrepreneur
    from municipalities.models import AuditEvent, Correction, Municipality
    from placements.models import BenefitPeriod, Jobseeker, Placement
    from privacy.models import ProcessingEntry

    models = (
        BenefitPeriod,
        Placement,
        Jobseeker,
        Entrepreneur,
        Municipality,
        Correction,
        AuditEvent,
        ProcessingEntry,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(m._meta.db_table for m in models)} CASCADE")
        cursor.execute("ANALYZE")


def measure(municipalities: int, label: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="import_scale_") as tmp:
        folder = Path(tmp)
        rows = write_files(folder, municipalities)
        size = sum(path.stat().st_size for path in folder.iterdir()) / 1e6
        print(f"\n{label}: {municipalities} municipalities, {rows} rows, {size:.1f} MB")
        wipe()
        floor = min(copy_floor(folder) for _run in range(3))
        seconds, memory = run_import(folder)
        again, again_memory = run_import(folder)
    print(f"  COPY floor (best of 3)          {floor:8.2f} s")
    print(f"  import into an empty database   {seconds:8.2f} s  ({rows / seconds:,.0f} rows/s)")
    print(f"  unchanged re-import             {again:8.2f} s")
    print(f"  peak memory, import / re-import {memory:8.0f} MB / {again_memory:.0f} MB")
    return {
        "floor": floor,
        "import": seconds,
        "again": again,
        "memory": max(memory, again_memory),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", type=Path)
    parser.add_argument("--tenth-only", action="store_true", help="only the smaller set")
    parser.add_argument(
        "--tenth", type=int, default=TENTH, help="municipalities in the smaller set (34)"
    )
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    from benchmarks.national_scale import ensure_database, setup_django

    ensure_database()
    setup_django()
    tenth = measure(args.tenth, "a tenth" if args.tenth == TENTH else "smaller set")
    full = tenth if args.tenth_only else measure(MUNICIPALITIES, "national")
    print("\nfigures (national set; targets in brackets)")
    ratio = full["import"] / full["floor"]
    print(f"  import / COPY floor             {ratio:8.1f}x  (<= 100x, aim 30x)")
    print(f"  unchanged re-import / floor     {full['again'] / full['floor']:8.1f}x  (<= 30x)")
    print(f"  peak memory                     {full['memory']:8.0f} MB (<= 300 MB)")
    print(f"  peak memory / that of a tenth   {full['memory'] / tenth['memory']:8.2f}x  (<= 1.5x)")


if __name__ == "__main__":
    main()
