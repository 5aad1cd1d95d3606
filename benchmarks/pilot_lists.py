"""Pilot-wide lists at national scale: every list page, API list and admin changelist against a
bare view.

Run from the checkout:  python benchmarks/pilot_lists.py   (see benchmarks/README.md)

The national data set of ``national_scale.py`` (342 municipalities, 34,200 jobseekers and
entrepreneurs, about 38,000 placements and 100,000 benefit periods), in a database of its own
(built on first use by ``national_scale.py --build-only``), with a year's guidance sessions,
processing log and a jobcoach per municipality added once. In one process, through Django's
whole stack (middleware, view, template, PostgreSQL, the processing log), the programme admin,
the funder and the researcher open each list: page 1, a deep page, with a filter and with a
search, in turns with ``/bare/`` (a view that only reads the signed-in user, through the same
middleware). Each figure is the median of the list's requests against the median of the bare
requests that alternate with them; the target is at most 10x.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pilot_bench_lists")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "15"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "3"))
TARGET = 10.0


def _ensure_dataset() -> None:
    import national_scale

    national_scale.ensure_database()
    # The generator's own process migrates and builds (or reuses) the data set.
    subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(BENCH / "national_scale.py"), "--build-only"],
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "pilot.settings.dev"},
    )


# Rows the national data set does not hold but a year of the pilot would: every entrepreneur's
# guidance sessions, and the processing log of a year of reads (issue 17: the admin lists them).
SESSIONS_PER_ENTREPRENEUR = 3
COACHES = 50
LOG_ENTRIES = 300_000


def _ensure_year_of_rows() -> None:
    """A jobcoach per municipality, guidance sessions (three per entrepreneur, by 50 IMK
    coaches) and 300,000 processing log entries (one person each), added once in bulk; later
    runs find them there."""
    from django.db import connection, transaction

    from coaching.models import GuidanceSession
    from municipalities.enums import Role
    from municipalities.models import Municipality, RoleAssignment, User
    from privacy.models import ProcessingEntry

    with transaction.atomic():
        if not RoleAssignment.objects.filter(role=Role.JOBCOACH).exists():
            # A jobcoach per municipality: users the admin's coach filters must not list.
            jobcoaches = User.objects.bulk_create(
                User(email=f"bench-lists-jobcoach-{m.code}@bench.example")
                for m in Municipality.objects.order_by("code")
            )
            RoleAssignment.objects.bulk_create(
                RoleAssignment(user=user, role=Role.JOBCOACH, municipality=m)
                for user, m in zip(jobcoaches, Municipality.objects.order_by("code"), strict=True)
            )
        if not GuidanceSession.objects.exists():
            coaches = [
                _user(f"bench-lists-coach-{n:02d}@bench.example", Role.IMK_COACH).pk
                for n in range(COACHES)
            ]
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO coaching_guidancesession (held_on, minutes, mode, topics, notes,"
                    " created_at, updated_at, coach_id, entrepreneur_id, municipality_id, version)"
                    " SELECT DATE '2025-01-06' + ((e.id * 7 + k * 41) %% 330)::int,"
                    " 30 + (e.id + k) %% 4 * 15,"
                    " (ARRAY['in_person', 'phone', 'video'])[1 + k %% 3],"
                    " '[]'::jsonb, '', now(), now(), (%s::bigint[])[1 + (e.id %% %s)::int],"
                    " e.id, e.municipality_id, 1"
                    " FROM coaching_entrepreneur e,"
                    " generate_series(1, %s) AS k",
                    [coaches, COACHES, SESSIONS_PER_ENTREPRENEUR],
                )
        if ProcessingEntry.objects.count() < LOG_ENTRIES:
            admin = _user("bench-lists-programme_admin@bench.example", Role.PROGRAMME_ADMIN)
            with connection.cursor() as cursor:
                cursor.execute(
                    "WITH entries AS (INSERT INTO privacy_processingentry (at, actor_id,"
                    " actor_label, action, activity, route, result)"
                    " SELECT TIMESTAMPTZ '2025-01-01' + n * INTERVAL '100 seconds', %s, '',"
                    " 'read', 'guidance', 'placements:jobseeker_detail', 'success'"
                    " FROM generate_series(1, %s) AS n RETURNING id)"
                    " INSERT INTO privacy_processingsubject (entry_id, jobseeker_id)"
                    " SELECT entries.id, (SELECT min(id) FROM placements_jobseeker)"
                    " + entries.id %% 34200 FROM entries",
                    [admin.pk, LOG_ENTRIES],
                )


def _user(email: str, role: str):
    from allauth.mfa.models import Authenticator

    from municipalities.models import RoleAssignment, User

    user, _created = User.objects.get_or_create(email=email)
    RoleAssignment.objects.get_or_create(user=user, role=role, municipality=None)
    # Everyone has a second factor (the middleware sends anyone without one to set it up).
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
    )
    return user


def _pages(municipality) -> list[tuple[str, str, str, dict]]:
    """(role, label, url, query) of every list a pilot-wide role opens."""
    from municipalities.enums import Role

    admin, funder, researcher = Role.PROGRAMME_ADMIN, Role.FUNDER, Role.RESEARCHER
    mun = municipality.pk
    pages = []
    for name, url, deep, filter_label, filters, search in (
        ("placement list", "/placements/", 1000, "municipality", {"municipality": mun}, "JS-0200"),
        ("jobseeker list", "/jobseekers/", 1000, "municipality", {"municipality": mun}, "0200"),
        ("entrepreneur list", "/entrepreneurs/", 1000, "intern", {"internship": "running"}, "0200"),
    ):
        pages += [
            (admin, f"{name}, page 1", url, {}),
            (admin, f"{name}, page {deep}", url, {"page": deep}),
            (admin, f"{name}, {filter_label} filter", url, filters),
            (admin, f"{name}, search", url, {"q": search}),
        ]
    pages.append((admin, "placement list, status filter", "/placements/", {"status": "active"}))
    for name, url, deep in (
        ("API jobseekers", "/api/v1/jobseekers/", 500),
        ("API placements", "/api/v1/placements/", 500),
        ("API entrepreneurs", "/api/v1/entrepreneurs/", 500),
    ):
        pages += [
            (admin, f"{name}, page 1", url, {}),
            (admin, f"{name}, page {deep}", url, {"page": deep}),
        ]
    pages.append(
        (admin, "API placements, status filter", "/api/v1/placements/", {"status": "active"})
    )
    for name, url, search in (
        ("admin placements", "/admin/placements/placement/", "JS-0200"),
        ("admin jobseekers", "/admin/placements/jobseeker/", "0200"),
        ("admin benefit periods", "/admin/placements/benefitperiod/", "JS-0200"),
        ("admin entrepreneurs", "/admin/coaching/entrepreneur/", "0200"),
        ("admin consent records", "/admin/placements/consentrecord/", "JS-0200"),
        ("admin guidance sessions", "/admin/coaching/guidancesession/", "0200"),
    ):
        pages += [
            (admin, f"{name}, page 1", url, {}),
            (admin, f"{name}, page 300", url, {"p": 300}),
            (admin, f"{name}, municipality filter", url, {"municipality__id__exact": mun}),
            (admin, f"{name}, search", url, {"q": search}),
        ]
    pages += [
        (admin, "admin processing log, page 1", "/admin/privacy/processingentry/", {}),
        (admin, "admin processing log, page 300", "/admin/privacy/processingentry/", {"p": 300}),
        (
            admin,
            "admin processing log, activity filter",
            "/admin/privacy/processingentry/",
            {"activity__exact": "guidance"},
        ),
        (admin, "admin users, page 1", "/admin/municipalities/user/", {}),
        (admin, "admin users, search", "/admin/municipalities/user/", {"q": "GM02"}),
        # From today's snapshot (reporting.completeness_overview), as the admin opens it.
        (admin, "completeness overview", "/completeness/", {}),
        (funder, "funder: report list", "/reports/", {}),
        (researcher, "researcher: export list", "/exports/", {}),
    ]
    return pages


def main() -> None:
    _ensure_dataset()
    # national_scale (imported for its helper) names the dev settings: the bare view needs ours.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    import django

    django.setup()
    _ensure_year_of_rows()
    from django.db import connection
    from django.test import Client

    from municipalities.enums import Role
    from municipalities.models import Municipality

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    _ensure_todays_snapshot()
    clients = {}
    for role in (Role.PROGRAMME_ADMIN, Role.FUNDER, Role.RESEARCHER):
        client = Client(HTTP_HOST="localhost")
        client.force_login(_user(f"bench-lists-{role}@bench.example", role))
        clients[role] = client
    municipality = Municipality.objects.order_by("code")[199]
    pages = _pages(municipality)
    only = os.environ.get("BENCH_ONLY")  # a part of the labels, to time a few lists
    if only:
        pages = [page for page in pages if only in page[1]]
    print(
        "pilot-wide lists: national data set (342 municipalities); in-process test client; "
        f"median of {ROUNDS} requests each, alternating with /bare/; target <= {TARGET:.0f}x"
    )
    worst = 0.0
    for role, label, url, query in pages:
        client = clients[role]
        for _ in range(WARMUP):
            response = client.get(url, query)
            assert response.status_code == 200, (label, response.status_code)
            client.get("/bare/")
        page_times, bare_times = [], []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            response = client.get(url, query)
            page_times.append(time.perf_counter() - started)
            assert response.status_code == 200, (label, response.status_code)
            started = time.perf_counter()
            client.get("/bare/")
            bare_times.append(time.perf_counter() - started)
        page_ms = statistics.median(page_times) * 1000
        bare_ms = statistics.median(bare_times) * 1000
        ratio = page_ms / bare_ms
        worst = max(worst, ratio)
        mark = "ok" if ratio <= TARGET else "OVER"
        print(
            f"  {label:<45} {page_ms:8.1f} ms  bare {bare_ms:5.1f} ms  "
            f"{ratio:6.1f}x  (target <= {TARGET:.0f}x) {mark}"
        )
    print(f"  worst ratio: {worst:.1f}x (target <= {TARGET:.0f}x)")
    if not only or "completeness" in only:
        _time_live_completeness(clients[Role.PROGRAMME_ADMIN])


def _ensure_todays_snapshot() -> None:
    """Today's snapshot of this data, as the nightly run or the last save's refresh leaves it
    on a working day: the completeness overview shows its counts."""
    from django.utils import timezone

    from reporting.snapshots import snapshot_compute

    started = time.perf_counter()
    snapshot, created = snapshot_compute(as_of=timezone.localdate(), trigger="on_demand")
    if created:
        print(f"today's snapshot computed in {time.perf_counter() - started:.1f} s")


def _time_live_completeness(client) -> None:
    """Not a list: the overview counted in the request, which the admin asks for when records
    changed since the snapshot ("count again now"); printed for what it costs, no target."""
    rounds, warmup = 3, 1
    for _ in range(warmup):
        client.get("/completeness/", {"count": "now"})
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get("/completeness/", {"count": "now"})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    print(
        "  completeness overview counted on request (?count=now, no target): "
        f"{statistics.median(times) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
