"""Load test: a working day of the pilot at national scale, against gunicorn and a Celery worker
with the production settings, in steps of users until it no longer answers within the target.

Run from the checkout:  python benchmarks/load_day.py [--users 4,8,16] [--seconds 60]
[--rounds 15] [--costs-only]   (see benchmarks/README.md; bin/bench runs it, CI does not).

1. The national data set of ``national_scale.py`` (342 municipalities, 34,200 jobseekers) in a
   database of its own (``DATABASE_URL``, default ``pilot_bench_load``), plus the accounts a
   working day needs: one jobcoach per municipality, ten IMK coaches, a funder and a
   researcher, each with an authenticator app (TOTP), and the figures as of today stored.
2. The application's own database role (``db_app_role``, named after the database: no
   superuser, no BYPASSRLS, so the row-level security holds) and the static files collected.
3. The cost of each request type of the mix in one process (``load_day_costs.py``): CPU of
   Django and of its database backend, queries; the figures that do not depend on the machine's
   other load.
4. gunicorn (``pilot.gunicorn``, 3 sync workers as in the Dockerfile) and a Celery worker
   (concurrency 2 as in docker-compose.yml), both ``pilot.settings.production`` over plain HTTP
   on 127.0.0.1. Four people sign in through the real pages (password, then the TOTP code);
   everyone else's session is made directly in the session store (see ``session``).
5. locust (``locustfile.py``) for each step of users, headless and bounded in time; its figures
   per request type and overall, the CPU per request, the 5xx in the server's log, the research
   export's time; then the steps side by side and the concurrency sustained within the target.
"""

import argparse
import csv
import json
import os
import re
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pilot_bench_load")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/10")
# Fresh keys for each run: production refuses missing, short and published ones. This process
# uses the same SECRET_KEY, so that the sessions it makes are valid for the server.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
os.environ.setdefault("PSEUDONYM_KEY", secrets.token_urlsafe(32))

import national_scale  # noqa: E402 - sets DJANGO_SETTINGS_MODULE (dev, for the set-up here)


def _app_role() -> str:
    """The application's role for this database: named after it, so that two runs against
    databases of their own do not share (and re-grant) one role."""
    name = re.sub(r"[^a-z0-9_]", "_", urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/").lower())
    return f"{name[:59]}_app"  # a role's name: 63 bytes at most


APP_ROLE = _app_role()
VAR = ROOT / "var" / "bench-load"
# IMK coaches: one for every ten municipalities, coaching those municipalities' entrepreneurs
# (about 1,000 each: an IMK coach sees only their own entrepreneurs).
MUNICIPALITIES_PER_IMK_COACH = 10
PASSWORD = "load-day correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
GUNICORN_WORKERS = 3
EXPORT_FORMAT = "csv"
P95_TARGET_MS = 500
# Users per step: doubling, so that a few bounded steps find the concurrency the site sustains
# (the first step holds the funder and the researcher, one each, and two coaches).
DEFAULT_STEPS = "4,8,16,32,64"
# The research export of a step usually finishes within it; its time is waited for this long.
EXPORT_WAIT_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _app_database_url() -> str:
    """DATABASE_URL with the application's role instead of the owner."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{APP_ROLE}@{host}"))


def production_env(**extra) -> dict:
    """The environment of the server and the worker: the production settings as
    docker-compose.yml gives them, over plain HTTP (compose's local try-out)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pilot.settings.production",
        "DATABASE_URL": _app_database_url(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(VAR / "static"),
        "MEDIA_ROOT": str(VAR / "media"),
        "IMPORT_UPLOAD_ROOT": str(VAR / "imports"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- Accounts and sessions --------------------------------------------------------------------


def _account(email: str, role: str, municipality=None):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from municipalities.models import RoleAssignment, User

    user, _created = User.objects.get_or_create(
        email=email, defaults={"full_name": email.split("@")[0]}
    )
    RoleAssignment.objects.get_or_create(user=user, role=role, municipality=municipality)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)
    return user


def accounts() -> dict:
    """The people of a working day (made once, reused)."""
    from django.db import connection

    from coaching.models import Entrepreneur
    from municipalities.enums import Role
    from municipalities.models import Municipality

    municipalities = list(Municipality.objects.order_by("code"))
    imk_coaches = []
    for n, first in enumerate(range(0, len(municipalities), MUNICIPALITIES_PER_IMK_COACH)):
        coach = _account(f"load-imk-{n + 1:02d}@bench.example", Role.IMK_COACH)
        ids = [m.pk for m in municipalities[first : first + MUNICIPALITIES_PER_IMK_COACH]]
        Entrepreneur.objects.filter(municipality_id__in=ids).exclude(imk_coach=coach).update(
            imk_coach=coach
        )
        imk_coaches.append(coach)
    # The planner's statistics for the coaches' new entrepreneurs, as autovacuum would give them.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE coaching_entrepreneur")
    return {
        "jobcoaches": [
            _account(f"load-jobcoach-{m.code.lower()}@bench.example", Role.JOBCOACH, m)
            for m in municipalities
        ],
        "imk_coaches": imk_coaches,
        "funder": _account("load-funder@bench.example", Role.FUNDER),
        "researcher": _account("load-researcher@bench.example", Role.RESEARCHER),
    }


def session(user) -> str:
    """A session for ``user`` made directly in the session store, as django.contrib.auth's
    login() leaves it (user, backend, password hash); signed with the server's SECRET_KEY.

    The real sign-in (password, then TOTP) is checked for four people before the run; for
    everyone it would cost a password hash (PBKDF2, about a third of a second of CPU) per
    person and hit allauth's limit of 30 sign-ins per minute from one address (all of them
    come from 127.0.0.1 here). The server itself still checks the second factor on the first
    request of each session (SecondFactorRequiredMiddleware) and the session's lifetime.
    """
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def fixture(people: dict) -> dict:
    """What locustfile.py needs: sessions and the ids each person works on."""
    from coaching.models import Entrepreneur
    from placements.models import Jobseeker, Placement

    jobseekers: dict[int, list[int]] = {}
    for municipality_id, pk in Jobseeker.objects.values_list("municipality_id", "pk"):
        jobseekers.setdefault(municipality_id, []).append(pk)
    placements: dict[int, list[int]] = {}
    active: dict[int, list[int]] = {}
    for municipality_id, pk, status in Placement.objects.values_list(
        "municipality_id", "pk", "status"
    ):
        placements.setdefault(municipality_id, []).append(pk)
        if status == "active":
            active.setdefault(municipality_id, []).append(pk)
    entrepreneurs: dict[int, list[int]] = {}
    for coach_id, pk in Entrepreneur.objects.values_list("imk_coach_id", "pk"):
        entrepreneurs.setdefault(coach_id, []).append(pk)
    coaches = []
    for user in people["jobcoaches"]:
        municipality_id = user.role_assignments.get(role="jobcoach").municipality_id
        coaches.append(
            {
                "session": session(user),
                "jobseekers": jobseekers[municipality_id],
                "placements": placements[municipality_id],
                "active_placements": active.get(municipality_id, []),
            }
        )
    return {
        "jobcoaches": coaches,
        "imk_coaches": [
            {"session": session(user), "entrepreneurs": entrepreneurs[user.pk]}
            for user in people["imk_coaches"]
        ],
        "funder": session(people["funder"]),
        "researcher": session(people["researcher"]),
        "export_as_of": national_scale.AS_OF.isoformat(),
        "export_format": EXPORT_FORMAT,
    }


def real_sign_in(base: str, email: str) -> float:
    """Sign in as a person does: the login page, the password, the TOTP code, the home page."""
    import requests
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    def token(html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    started = time.perf_counter()
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/", timeout=60)
    answer = browser.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token(page.text)},
        allow_redirects=False,
        timeout=60,
    )
    assert answer.headers.get("Location") == "/accounts/2fa/authenticate/", answer.status_code
    page = browser.get(f"{base}/accounts/2fa/authenticate/", timeout=60)
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
    answer = browser.post(
        f"{base}/accounts/2fa/authenticate/",
        data={"code": code, "csrfmiddlewaretoken": token(page.text)},
        allow_redirects=False,
        timeout=60,
    )
    assert answer.status_code == 302, answer.status_code
    home = browser.get(f"{base}/", allow_redirects=False, timeout=60)
    assert home.status_code == 200, home.status_code
    return time.perf_counter() - started


# --- The servers ------------------------------------------------------------------------------


def prepare() -> dict:
    from django.core.management import call_command

    from reporting.snapshots import snapshot_compute

    call_command("db_app_role", APP_ROLE, verbosity=0)
    people = accounts()
    for user in (
        people["funder"],
        people["researcher"],
        people["jobcoaches"][0],
        people["imk_coaches"][0],
    ):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    # The dashboard shows today's figures: stored beforehand, as the nightly task would have.
    snapshot, created = snapshot_compute(as_of=date.today(), trigger="nightly")
    print(f"figures as of today: {'computed now' if created else 'stored'}")
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=production_env(),
        check=True,
    )
    return people


def start_servers(logs: Path) -> tuple[str, list[subprocess.Popen]]:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    port = _free_port()
    env = production_env()
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(  # noqa: S603
        [
            str(bin_dir / "gunicorn"),
            "pilot.wsgi",
            "--config",
            "python:pilot.gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(GUNICORN_WORKERS),
            # Not gunicorn's default control socket in the home directory, shared by every
            # gunicorn of this user on the machine.
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=(logs / "gunicorn.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(  # noqa: S603
        [
            str(bin_dir / "celery"),
            "-A",
            "pilot",
            "worker",
            "--loglevel=warning",
            "--concurrency=2",
            "-n",
            f"load-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=(logs / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        return _wait_for(server, worker, port, logs)
    except BaseException:
        _stop(server)
        _stop(worker)
        raise


def _wait_for(server, worker, port: int, logs: Path) -> tuple[str, list[subprocess.Popen]]:
    import requests

    from pilot.celery import app

    base = f"http://127.0.0.1:{port}"

    # Workers booting on a busy machine: connections wait in the queue meanwhile.
    deadline = time.monotonic() + 180
    while True:
        try:
            if requests.get(f"{base}/health/live/", timeout=30).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise RuntimeError(f"gunicorn did not start; see {logs / 'gunicorn.log'}")
        time.sleep(0.3)
    while not app.control.ping(timeout=0.5):
        if time.monotonic() > deadline or worker.poll() is not None:
            raise RuntimeError(f"the Celery worker did not start; see {logs / 'worker.log'}")
    return base, [server, worker]


# --- One run ----------------------------------------------------------------------------------


def _ms(value: str) -> float:
    return float(value) if value not in {"", "N/A"} else 0.0


def run_locust(base: str, users: int, seconds: int, fixture_path: Path, logs: Path) -> dict:
    prefix = logs / f"locust-{users}"
    # Everyone on the site within about five seconds; the figures start after that.
    spawn_rate = max(1, -(-users // 5))
    locust = subprocess.Popen(  # noqa: S603 - exit status 1 means failures; reported below
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(BENCH / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--run-time",
            f"{seconds}s",
            "--reset-stats",
            "--stop-timeout",
            "10",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "LOAD_DAY_FIXTURE": str(fixture_path)},
        stdout=(logs / f"locust-{users}.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        locust.wait(timeout=seconds + 120)
    except BaseException:
        _stop(locust)
        raise
    with open(f"{prefix}_stats.csv", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    with open(f"{prefix}_failures.csv", encoding="utf-8") as file:
        failures = list(csv.DictReader(file))
    return {"rows": rows, "failures": failures, "spawn_rate": spawn_rate}


def report_run(users: int, seconds: int, result: dict) -> bool:
    rows = result["rows"]
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(
        f"load test, {users} users (spawned {result['spawn_rate']}/s), {seconds} s: "
        f"gunicorn {GUNICORN_WORKERS} sync workers + Celery worker (concurrency 2), "
        "pilot.settings.production, national data set"
    )
    print(
        f"  {'request':<52} {'count':>6} {'fail':>5} {'req/s':>6} {'p50 ms':>7} "
        f"{'p95 ms':>7} {'max ms':>7}"
    )
    for row in sorted(rows, key=lambda r: r["Name"]):
        # The statistics start once everyone is on the site: the researcher's export was
        # requested before (its time is printed below).
        if row["Name"] == "Aggregated" or row["Request Count"] == "0":
            continue
        label = f"{row['Type']} {row['Name']}"
        print(
            f"  {label:<52} {row['Request Count']:>6} {row['Failure Count']:>5} "
            f"{float(row['Requests/s']):6.2f} {_ms(row['50%']):7.0f} {_ms(row['95%']):7.0f} "
            f"{float(row['Max Response Time']):7.0f}"
        )
    errors = int(total["Failure Count"])
    p95 = _ms(total["95%"])
    met = errors == 0 and p95 < P95_TARGET_MS
    print(
        f"  overall: {float(total['Requests/s']):.1f} req/s, {total['Request Count']} requests, "
        f"p50 {_ms(total['50%']):.0f} ms, p95 {p95:.0f} ms, max "
        f"{float(total['Max Response Time']):.0f} ms, errors {errors}  "
        f"(target: 0 errors, p95 < {P95_TARGET_MS} ms): {'met' if met else 'NOT met'}"
    )
    for failure in result["failures"]:
        print(
            f"  error: {failure['Method']} {failure['Name']}: {failure['Error']} "
            f"x{failure['Occurrences']}"
        )
    return met


def export_outcome(since: float, timeout: float = 600) -> str:
    """Wait for the run's research export to finish; its status and time in the worker."""
    from datetime import UTC, datetime

    from reporting.models import ResearchExport

    started = datetime.fromtimestamp(since, tz=UTC)
    deadline = time.monotonic() + timeout
    while True:
        export = ResearchExport.objects.filter(created_at__gte=started).order_by("-pk").first()
        if export is None:
            return "no research export was started"
        if export.is_finished or time.monotonic() > deadline:
            break
        time.sleep(2)
    if not export.is_finished:
        return f"research export still {export.status} after {timeout:.0f} s more"
    seconds = (export.finished_at - export.created_at).total_seconds()
    return (
        f"research export ({export.format}, as of {export.as_of}, started through /exports/): "
        f"{export.status} {seconds:.1f} s after it was requested"
    )


def _cpu(pids) -> float:
    """CPU time used so far (user + system) by these processes."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def _tree(process) -> list[int]:
    import psutil

    try:
        root = psutil.Process(process.pid)
        return [root.pid, *(child.pid for child in root.children(recursive=True))]
    except psutil.Error:
        return []


def _ports(pids) -> set[int]:
    """The local ports of these processes' TCP connections (their database connections')."""
    import psutil

    found = set()
    for pid in pids:
        try:
            found |= {c.laddr.port for c in psutil.Process(pid).net_connections("tcp")}
        except psutil.Error:
            continue
    return found


def cpu_seconds(processes: list[subprocess.Popen]) -> dict[str, float]:
    """CPU time used so far by the web server's workers and the Celery worker's processes."""
    server, worker = processes
    return {"web": _cpu(_tree(server)), "worker": _cpu(_tree(worker))}


class BackendCpu:
    """The CPU the application role's PostgreSQL backends used during a step, each counted with
    the process it serves (the web server's, matched by the client port of the connection, or
    the worker's: the research export's queries are not the pages').

    Sampled every half second: a backend lives as long as its connection (``CONN_MAX_AGE``, 60
    s in production), so reading the backends at the start and at the end only would miss the
    work of every one that closed in between.
    """

    def __init__(self, server: subprocess.Popen):
        import threading

        self.server = server
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[float, bool]] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._sample()
        self.first = {pid: used for pid, (used, _web) in self.last.items()}
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        from django.db import connection

        try:
            while not self._done.wait(0.5):
                self._sample()
        finally:
            connection.close()

    def _sample(self) -> None:
        from django.db import connection

        web_ports = _ports(_tree(self.server))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, client_port FROM pg_stat_activity "
                "WHERE datname = current_database() AND usename = %s",
                [APP_ROLE],
            )
            backends = cursor.fetchall()
        for pid, port in backends:
            used = _cpu([pid])
            if used:
                web = port in web_ports or self.last.get(pid, (0.0, False))[1]
                self.last[pid] = (used, web)

    def used(self) -> dict[bool, float]:
        """CPU seconds of the step: {True: the web server's backends, False: the others'}."""
        totals = {True: 0.0, False: 0.0}
        for pid, (used, web) in self.last.items():
            totals[web] += max(0.0, used - self.first.get(pid, 0.0))
        return totals


def report_cpu(
    before: dict, after: dict, postgres: dict, requests: int, seconds: int, locust: float
) -> float:
    """CPU per request (milliseconds): what the site would sustain on cores of its own."""
    web = after["web"] - before["web"]
    worker = after["worker"] - before["worker"]
    per_request = (web + postgres[True]) / max(requests, 1) * 1000
    print(
        f"  CPU during the step: web {web:.1f} s and its PostgreSQL backends {postgres[True]:.1f} "
        f"s; Celery worker {worker:.1f} s and its backends {postgres[False]:.1f} s (the export, "
        f"the figures); locust {locust:.1f} s; in {seconds} s of wall time"
    )
    cores = os.cpu_count() or 1
    print(
        f"  CPU per request (web + its PostgreSQL): {per_request:.0f} ms; {cores} cores of its "
        f"own would serve at most about {cores * 1000 / max(per_request, 1):.0f} req/s of this mix"
    )
    return per_request


def _server_errors(log: Path, offset: int) -> tuple[int, int]:
    text = log.read_text(errors="replace")
    statuses = re.findall(r'" (\d{3}) ', text[offset:])
    return sum(status.startswith("5") for status in statuses), len(text)


def run_costs(fixture_path: Path, rounds: int) -> None:
    """Each request type's CPU and queries in one process (``load_day_costs.py``), with the
    server's environment: before the server starts, so that nothing else runs meanwhile."""
    subprocess.run(  # noqa: S603 - our own script
        [
            sys.executable,
            str(BENCH / "load_day_costs.py"),
            str(fixture_path),
            "--rounds",
            str(rounds),
        ],
        cwd=ROOT,
        env=production_env(),
        check=True,
    )


def run_step(base, processes, users: int, seconds: int, fixture_path, logs, offset) -> dict:
    """One step of users: locust's figures, the CPU it cost, the 5xx in the server's log."""
    from reporting.models import MetricsSnapshot

    snapshots = MetricsSnapshot.objects.count()
    started = time.time()
    cpu_before = cpu_seconds(processes)
    locust_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with BackendCpu(processes[0]) as backends:
        result = run_locust(base, users, seconds, fixture_path, logs)
    locust_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_after = cpu_seconds(processes)
    locust = (locust_after.ru_utime + locust_after.ru_stime) - (
        locust_before.ru_utime + locust_before.ru_stime
    )
    met = report_run(users, seconds, result)
    total = next(row for row in result["rows"] if row["Name"] == "Aggregated")
    per_request = report_cpu(
        cpu_before, cpu_after, backends.used(), int(total["Request Count"]), seconds, locust
    )
    errors_5xx, offset = _server_errors(logs / "gunicorn.log", offset)
    print(f"  5xx answers in the server's access log: {errors_5xx}  (target 0)")
    print(f"  {export_outcome(started, timeout=EXPORT_WAIT_SECONDS)}")
    print(
        "  figures stored by the worker during the step (after the saves): "
        f"{MetricsSnapshot.objects.count() - snapshots} snapshot(s)"
    )
    return {
        "users": users,
        "requests_per_second": float(total["Requests/s"]),
        "requests": int(total["Request Count"]),
        "p50": _ms(total["50%"]),
        "p95": _ms(total["95%"]),
        "errors": int(total["Failure Count"]) + errors_5xx,
        "cpu_ms": per_request,
        "met": met and errors_5xx == 0,
        "offset": offset,
    }


def report_steps(steps: list[dict], seconds: int) -> None:
    """The steps side by side, and the concurrency the site sustained within the target."""
    print(
        f"load test steps, {seconds} s each (figures after the users were spawned): "
        f"target 0 errors and p95 < {P95_TARGET_MS} ms"
    )
    print(
        f"  {'users':>5} {'req/s':>6} {'requests':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'errors':>6} {'cpu ms/req':>10}  target"
    )
    for step in steps:
        print(
            f"  {step['users']:>5} {step['requests_per_second']:6.1f} {step['requests']:>8} "
            f"{step['p50']:7.0f} {step['p95']:7.0f} {step['errors']:>6} {step['cpu_ms']:10.0f}  "
            f"{'met' if step['met'] else 'NOT met'}"
        )
    # The sustained concurrency: the last of the steps that met the target one after another
    # from the first (a met step after a missed one is not counted on).
    met = []
    for step in steps:
        if not step["met"]:
            break
        met.append(step)
    if met:
        best = met[-1]
        print(
            f"sustained concurrency on this machine: {best['users']} users "
            f"({best['requests_per_second']:.1f} req/s, p95 {best['p95']:.0f} ms, 0 errors); "
            f"load average {os.getloadavg()[0]:.1f} at the end, {os.cpu_count()} cores"
        )
    else:
        print(
            "sustained concurrency on this machine: below the first step "
            f"({steps[0]['users']} users); load average {os.getloadavg()[0]:.1f} at the end, "
            f"{os.cpu_count()} cores"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--users",
        default=DEFAULT_STEPS,
        help="user counts to step through, comma-separated; stepping stops after a clear miss "
        "of the target or two misses in a row",
    )
    parser.add_argument("--seconds", type=int, default=60, help="length of each step")
    parser.add_argument(
        "--rounds",
        type=int,
        default=15,
        help="requests of each type for the costs in one process (0: skip them)",
    )
    parser.add_argument(
        "--costs-only", action="store_true", help="only the costs in one process, no server"
    )
    args = parser.parse_args()
    user_counts = [int(n) for n in args.users.split(",")]

    national_scale.ensure_database()
    subprocess.run([sys.executable, national_scale.__file__, "--build-only"], check=True)  # noqa: S603
    national_scale.setup_django()

    people = prepare()
    VAR.mkdir(parents=True, exist_ok=True)
    logs = Path(tempfile.mkdtemp(prefix="load-day-"))
    fixture_path = logs / "fixture.json"
    fixture_path.write_text(json.dumps(fixture(people)))
    if args.rounds:
        run_costs(fixture_path, args.rounds)
    if args.costs_only:
        print(f"accounts and sessions for locustfile.py in {fixture_path}")
        return
    from reporting.models import MetricsSnapshot

    snapshots = MetricsSnapshot.objects.count()
    base, processes = start_servers(logs)
    steps = []
    try:
        signed = [
            real_sign_in(base, user.email)
            for user in (
                people["funder"],
                people["researcher"],
                people["jobcoaches"][0],
                people["imk_coaches"][0],
            )
        ]
        print(
            "real sign-in (login page, password, TOTP code, home page) of a funder, a "
            "researcher, a jobcoach and an IMK coach: ok, "
            + ", ".join(f"{seconds * 1000:.0f}" for seconds in signed)
            + " ms (the first requests of freshly started workers)"
        )
        offset = 0
        for users in user_counts:
            step = run_step(base, processes, users, args.seconds, fixture_path, logs, offset)
            offset = step["offset"]
            steps.append(step)
            # More users only wait longer: stop after a clear miss (an error, or p95 over
            # twice the target) or a second miss in a row (one near miss may be noise).
            clear_miss = step["errors"] or step["p95"] > 2 * P95_TARGET_MS
            if not step["met"] and (clear_miss or (len(steps) > 1 and not steps[-2]["met"])):
                break
    finally:
        for process in processes:
            _stop(process)
    report_steps(steps, args.seconds)
    # The saves change the figures' inputs (each table's change counter), so the worker
    # recomputes the national figures a while after a burst of them, beside the requests.
    print(
        "metrics snapshots stored by the worker during the run (the national figures "
        f"recomputed after the saves): {MetricsSnapshot.objects.count() - snapshots}"
    )
    worker_errors = (logs / "worker.log").read_text(errors="replace").count("ERROR")
    print(f"worker log errors: {worker_errors}; logs and locust's CSV files in {logs}")


if __name__ == "__main__":
    main()
