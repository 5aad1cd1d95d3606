"""The outflow metrics at national scale: 342 municipalities x 100 participants.

Run from the checkout:  python benchmarks/national_scale.py   (see benchmarks/README.md)

It creates the database named in DATABASE_URL when missing, migrates it, builds the data set once
(a marker table records its size, so later runs reuse it), and prints timings, the query count
and peak memory of ``reporting.selectors.compute_metrics`` against the floor: the same columns
read with one plain SELECT per table.
"""

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "pilot.settings.dev"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pilot_bench")
# Time what production runs, not the debug cursor (CaptureQueriesContext turns it on itself).
os.environ.setdefault("DEBUG", "0")

MUNICIPALITIES = 342
PER_MUNICIPALITY = 100
TENTH = 34
SEED = 20240108
DATASET_VERSION = 3  # bump when the generator changes, so an old data set is rebuilt
AS_OF = date(2025, 12, 31)
RUNS = 9
BATCH = 5000


# --- Database ---------------------------------------------------------------------------------


def ensure_database() -> None:
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"],
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            print(f"creating database {config['NAME']}")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    connection.close()


def setup_django() -> None:
    import django

    django.setup()


# --- Data set ---------------------------------------------------------------------------------

MARKER_TABLE = "benchmark_dataset"


def _marker() -> tuple[int, int, int, int] | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} ("  # noqa: S608 - constant name
            " municipalities integer, per_municipality integer, seed integer, version integer)"
        )
        cursor.execute(
            f"SELECT municipalities, per_municipality, seed, version FROM {MARKER_TABLE}"  # noqa: S608
        )
        row = cursor.fetchone()
    return tuple(row) if row else None


def build_dataset() -> None:
    """Build the data set unless the marker says it is there already."""
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0, interactive=False)
    wanted = (MUNICIPALITIES, PER_MUNICIPALITY, SEED, DATASET_VERSION)
    if _marker() == wanted:
        print(f"reusing data set {wanted} in {connection.settings_dict['NAME']}")
        return
    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("refusing to replace the data of a database whose name lacks 'bench'")

    started = time.perf_counter()
    with transaction.atomic():
        _wipe()
        counts = _generate()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s, %s)",  # noqa: S608
                list(wanted),
            )
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum would give them in time, so the planner is realistic.
        cursor.execute("ANALYZE")
    print(
        "built data set in {:.1f} s: {}".format(
            time.perf_counter() - started, ", ".join(f"{n} {name}" for name, n in counts.items())
        )
    )


def _wipe() -> None:
    from django.db import connection

    from coaching.models import Entrepreneur
    from municipalities.models import Municipality
    from placements.models import BenefitPeriod, Jobseeker, Placement

    tables = [
        m._meta.db_table for m in (BenefitPeriod, Placement, Jobseeker, Entrepreneur, Municipality)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


def _generate() -> dict[str, int]:
    from coaching.models import Entrepreneur
    from kernel.dates import add_months
    from municipalities.models import Municipality
    from placements.models import BenefitPeriod, ConsentRecord, Jobseeker, Placement

    rng = random.Random(SEED)

    def day_between(first: date, last: date) -> date:
        return first + timedelta(days=rng.randint(0, (last - first).days))

    municipalities = Municipality.objects.bulk_create(
        [
            Municipality(code=f"GM{m + 1:04d}", name=f"Gemeente {m + 1}", planned_places=100)
            for m in range(MUNICIPALITIES)
        ],
        batch_size=BATCH,
    )
    entrepreneurs, jobseekers = [], []
    for municipality in municipalities:
        for j in range(PER_MUNICIPALITY):
            key = f"{municipality.code[2:]}-{j:03d}"
            entrepreneurs.append(
                Entrepreneur(
                    municipality=municipality,
                    ref=f"ENT-{key}",
                    trade_name=f"Onderneming {key}",
                    kvk_number=f"{len(entrepreneurs):08d}",
                    prior_support="bbz_start",
                )
            )
            jobseekers.append(
                Jobseeker(
                    municipality=municipality,
                    ref=f"JS-{key}",
                    given_name="Voornaam",
                    family_name=f"Achternaam {key}",
                )
            )
    Entrepreneur.objects.bulk_create(entrepreneurs, batch_size=BATCH)
    Jobseeker.objects.bulk_create(jobseekers, batch_size=BATCH)
    # Everyone gave research consent (placements.consents would take a query per person).
    ConsentRecord.objects.bulk_create(
        (
            ConsentRecord(
                municipality_id=jobseeker.municipality_id,
                jobseeker=jobseeker,
                purpose="research",
                given_on=date(2024, 1, 1),
                information_version="research-2026-01",
                source="import",
            )
            for jobseeker in jobseekers
        ),
        batch_size=BATCH,
    )

    placements, periods = [], []

    def add_placement(jobseeker, entrepreneur, status, start=None, end=None, reason=""):
        planned_start = start or day_between(date(2024, 1, 1), date(2025, 9, 30))
        placements.append(
            Placement(
                municipality_id=jobseeker.municipality_id,
                ref=f"PL-{len(placements):06d}",
                jobseeker=jobseeker,
                entrepreneur=entrepreneur,
                status=status,
                planned_start=planned_start,
                planned_end=add_months(planned_start, 5),
                actual_start=start,
                actual_end=end,
                end_reason=reason,
            )
        )

    def add_period(jobseeker, benefit_type, start, end=None, reason=""):
        # Amounts as the municipalities pay them; about 1 in 50 was never recorded.
        amount = None if rng.random() < 0.02 else Decimal(rng.randint(95000, 145000)) / 100
        periods.append(
            BenefitPeriod(
                municipality_id=jobseeker.municipality_id,
                jobseeker=jobseeker,
                benefit_type=benefit_type,
                start_date=start,
                end_date=end,
                end_reason=reason if end else "",
                monthly_amount=amount,
            )
        )

    for jobseeker, entrepreneur in zip(jobseekers, entrepreneurs, strict=True):
        # The internship: mostly completed or terminated, some running, some cancelled.
        kind = rng.random()
        start = day_between(date(2024, 1, 1), date(2025, 3, 31))
        if kind < 0.62:
            add_placement(
                jobseeker, entrepreneur, "completed", start, add_months(start, rng.randint(3, 6))
            )
        elif kind < 0.80:
            end = start + timedelta(days=rng.randint(10, 85))
            add_placement(jobseeker, entrepreneur, "terminated", start, end, "mismatch")
            if rng.random() < 0.4:  # a second go after an early end
                again = end + timedelta(days=rng.randint(20, 60))
                add_placement(jobseeker, entrepreneur, "completed", again, add_months(again, 3))
        elif kind < 0.92:
            # Some start after the report date: not yet participants then.
            start = day_between(date(2025, 6, 1), date(2026, 2, 28))
            add_placement(jobseeker, entrepreneur, "active", start)
        else:
            add_placement(jobseeker, entrepreneur, "cancelled", reason="jobseeker_withdrew")
            if rng.random() < 0.5:
                add_placement(jobseeker, entrepreneur, "completed", start, add_months(start, 4))

        # Benefits: some history, then the period the person is on when the internship starts.
        on_since = day_between(date(2016, 1, 1), date(2023, 6, 30))
        ww_start = on_since - timedelta(days=rng.randint(200, 700))
        ww_end = on_since - timedelta(days=rng.choice([1, 1, 30, 120]))
        add_period(jobseeker, "ww", ww_start, ww_end, rng.choice(["work", "other_income"]))
        if rng.random() < 0.5:
            earlier = ww_start - timedelta(days=rng.randint(400, 1500))
            add_period(jobseeker, "ioaw", earlier, earlier + timedelta(days=300), "work")
        story = rng.random()
        if story < 0.45:
            # Leaves benefits somewhere around the internship (some before it, some after W).
            leaves = start + timedelta(days=rng.randint(-90, 560))
            reason = rng.choice(
                ["work", "work", "work", "self_employment", "education", "other_income"]
            )
            add_period(jobseeker, "participatiewet", on_since, leaves, reason)
            if rng.random() < 0.35:  # and returns
                back = leaves + timedelta(days=rng.randint(1, 300))
                add_period(jobseeker, "participatiewet", back)
            elif rng.random() < 0.15:  # or turns out to have had a WW right after
                add_period(jobseeker, "ww", leaves + timedelta(days=1))
        elif story < 0.60:
            # WW ends in work but Participatiewet takes over the next day: never left.
            ww_end = start + timedelta(days=rng.randint(0, 200))
            add_period(
                jobseeker, "participatiewet", on_since, on_since + timedelta(days=30), "other"
            )
            add_period(jobseeker, "ww", on_since + timedelta(days=31), ww_end, "work")
            add_period(jobseeker, "participatiewet", ww_end + timedelta(days=1))
        elif story < 0.70:
            leaves = start + timedelta(days=rng.randint(0, 300))
            add_period(
                jobseeker, "participatiewet", on_since, leaves, rng.choice(["moved", "other"])
            )
        else:
            add_period(jobseeker, "participatiewet", on_since)

    Placement.objects.bulk_create(placements, batch_size=BATCH)
    BenefitPeriod.objects.bulk_create(periods, batch_size=BATCH)
    return {
        "municipalities": len(municipalities),
        "entrepreneurs": len(entrepreneurs),
        "jobseekers": len(jobseekers),
        "placements": len(placements),
        "benefit periods": len(periods),
    }


# --- Measurements -----------------------------------------------------------------------------

FLOOR_SQL = [
    "SELECT id, code, name, planned_places FROM municipalities_municipality{where_id}",
    "SELECT id, ref, municipality_id FROM placements_jobseeker{where}",
    "SELECT jobseeker_id, status, actual_start, actual_end FROM placements_placement{where}",
    "SELECT jobseeker_id, start_date, end_date, end_reason, benefit_type, monthly_amount"
    " FROM placements_benefitperiod{where}",
]


def plain_read(municipality_ids: list[int] | None) -> int:
    """The floor: the same columns, one SELECT per table, fetched into Python as tuples."""
    from django.db import connection

    rows = 0
    with connection.cursor() as cursor:
        for template in FLOOR_SQL:
            if municipality_ids is None:
                cursor.execute(template.format(where="", where_id=""))
            else:
                cursor.execute(
                    template.format(
                        where=" WHERE municipality_id = ANY(%s)", where_id=" WHERE id = ANY(%s)"
                    ),
                    [municipality_ids],
                )
            rows += len(cursor.fetchall())
    return rows


class Timing(NamedTuple):
    best: float  # wall-clock seconds
    median: float
    cpu_best: float  # this process's CPU seconds: steadier than wall time on a busy machine


def timed(functions: dict, runs: int = RUNS) -> dict[str, Timing]:
    """Timings per function. The functions take turns within each round, so a busy machine
    slows them alike and the ratios stay fair."""
    wall: dict[str, list[float]] = {name: [] for name in functions}
    cpu: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            function()
            cpu[name].append(time.process_time() - started_cpu)
            wall[name].append(time.perf_counter() - started)
    return {
        name: Timing(min(wall[name]), statistics.median(wall[name]), min(cpu[name]))
        for name in functions
    }


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure(once: tuple[str, str]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kernel.models import PilotSettings
    from municipalities.models import Municipality
    from reporting.metrics import metrics_from_rows
    from reporting.selectors import all_municipalities_metrics_rows, compute_metrics

    pilot = PilotSettings.load()
    tenth_ids = list(Municipality.objects.order_by("code").values_list("id", flat=True)[:TENTH])
    rss_before = maxrss_mb()

    result = compute_metrics(as_of=AS_OF)  # warm up: connection, caches, imports
    totals = result.totals
    print(
        f"as of {AS_OF}: {len(result.municipalities)} municipalities, "
        f"{totals.participants} participants, outflow {totals.outflow} "
        f"(to work {totals.outflow_to_work}, sustained {totals.sustained_outflow}), "
        f"open {totals.open}, no outflow {totals.no_outflow}, target {totals.target_outflow}"
    )
    saved = result.savings.totals
    print(
        f"savings: {saved.days_off_benefits} days off benefits, EUR {saved.savings_cents / 100:.2f}"
        f" ({saved.without_amount} of {saved.outflow} outflow without an amount)"
    )
    print(f"rows read per computation: {plain_read(None)}")
    print()

    rows = all_municipalities_metrics_rows()
    timings = timed(
        {
            "full": partial(compute_metrics, as_of=AS_OF),
            "floor": partial(plain_read, None),
            "selector": all_municipalities_metrics_rows,
            "rules": partial(
                metrics_from_rows,
                rows=rows,
                as_of=AS_OF,
                target_ratio=pilot.target_ratio,
                follow_up_months=pilot.follow_up_months,
                budget=pilot.budget_eur,
            ),
            "outflow_only": partial(
                metrics_from_rows,
                rows=rows,
                as_of=AS_OF,
                target_ratio=pilot.target_ratio,
                follow_up_months=pilot.follow_up_months,
                with_savings=False,
            ),
            "tenth": partial(compute_metrics, as_of=AS_OF, municipality_ids=tenth_ids),
            "tenth_floor": partial(plain_read, tenth_ids),
        }
    )
    full, floor, tenth = timings["full"], timings["floor"], timings["tenth"]

    def line(label, timing):
        print(
            f"  {label:<44} best {timing.best * 1000:7.1f} ms  median {timing.median * 1000:7.1f}"
            f" ms  cpu {timing.cpu_best * 1000:7.1f} ms"
        )

    print(f"timings over {RUNS} runs:")
    line(f"compute_metrics, {MUNICIPALITIES} municipalities", full)
    line("  of which: selector (4 queries -> tuples)", timings["selector"])
    line("  of which: rules (metrics_from_rows)", timings["rules"])
    line("rules without the savings (outflow only)", timings["outflow_only"])
    line("floor: plain SELECT per table, fetchall", floor)
    line(f"compute_metrics, {TENTH} municipalities", tenth)
    line(f"floor, {TENTH} municipalities", timings["tenth_floor"])
    print()
    print(f"ratio to floor (best/best):       {full.best / floor.best:.2f}x  (target <= 3x)")
    both, alone = timings["rules"], timings["outflow_only"]
    # CPU time is the fairer of the two on a shared machine: waiting for a core is not counted.
    print(
        f"outflow + savings / outflow alone (rules, cpu best/best): "
        f"{both.cpu_best / alone.cpu_best:.2f}x  (wall best/best {both.best / alone.best:.2f}x,"
        f" median/median {both.median / alone.median:.2f}x; target <= 1.2x)"
    )
    print(f"ratio to floor (median/median):   {full.median / floor.median:.2f}x")
    print(f"ratio to floor (cpu best/best):   {full.cpu_best / floor.cpu_best:.2f}x")
    print(
        f"growth {TENTH} -> {MUNICIPALITIES} municipalities: {full.best / tenth.best:.1f}x time "
        f"for {MUNICIPALITIES / TENTH:.1f}x data (linear = {MUNICIPALITIES / TENTH:.1f}x)"
    )

    with CaptureQueriesContext(connection) as queries:
        compute_metrics(as_of=AS_OF)
    print(f"queries per computation: {len(queries.captured_queries)}")
    for query in queries.captured_queries:
        print(f"  {query['sql'][:110]}")

    tracemalloc.start()
    compute_metrics(as_of=AS_OF)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print()
    print(f"tracemalloc peak of one computation: {peak / 2**20:.1f} MB  (target < 300 MB)")
    started_mb, peak_mb = once
    print(
        f"ru_maxrss of a fresh process computing once: {peak_mb} MB "
        f"({started_mb} MB of it Django and imports before computing)"
    )
    print(
        f"ru_maxrss of this process after all runs: {maxrss_mb():.1f} MB "
        f"({rss_before:.1f} MB before; it held two data sets at once while timing)"
    )


def compute_once() -> None:
    """One computation in a process of its own: its ru_maxrss is what a worker would need."""
    from reporting.selectors import compute_metrics

    started = maxrss_mb()
    compute_metrics(as_of=AS_OF)
    print(f"{started:.1f} {maxrss_mb():.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--compute-once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        setup_django()
        build_dataset()
        return
    if args.compute_once:
        setup_django()
        compute_once()
        return
    ensure_database()
    # The build runs in a child process, so that ru_maxrss below is the measurement's own.
    subprocess.run([sys.executable, __file__, "--build-only"], check=True)  # noqa: S603 - this file
    # Also in a child, and started while this process is still small: a child inherits the
    # parent's ru_maxrss high-water mark through fork.
    once = subprocess.run(  # noqa: S603 - this file
        [sys.executable, __file__, "--compute-once"], check=True, capture_output=True, text=True
    ).stdout.split()
    setup_django()
    measure(once)


if __name__ == "__main__":
    main()
