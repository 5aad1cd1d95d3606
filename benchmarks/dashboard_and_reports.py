"""The dashboard's response time and the reports' render time and memory, at national scale.

Run from the checkout:  python benchmarks/dashboard_and_reports.py   (see benchmarks/README.md)

1. The national data set of ``national_scale.py`` (342 municipalities, built once and reused),
   with its figures stored as a snapshot beforehand.
2. A real server (gunicorn, one sync worker, on a free port of 127.0.0.1) answers the dashboard
   and a bare Django view in turns; median and 95th percentile over repeated requests.
3. A real Celery worker renders the funder, research and one municipality report; the task
   returns its own render time and the worker's peak resident memory while rendering.
4. The same reports for the ten-municipality demo pilot (``seed_demo``, in a database of its own).
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import national_scale  # noqa: E402 - sets DJANGO_SETTINGS_MODULE and the default DATABASE_URL

# A Redis database of its own: the cache and the task queue of nobody else.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("DEMO_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pilot_bench_demo")
NATIONAL_AS_OF = national_scale.AS_OF
DEMO_AS_OF = date(2025, 9, 30)
REQUESTS = 60
WARMUP = 5
REPORT_RUNS = 3
TASK_TIMEOUT = 600
# Issue 17 item 5, per report at national scale: render time (wall, on a quiet machine) and the
# worker's peak resident memory. CPU time is printed beside the wall time: on a shared machine
# it is the figure that says whether the target is met.
NATIONAL_TARGETS = {"funder": 3.0, "research": 5.0}
DEMO_TARGETS = {"funder": 3.0}
PEAK_RSS_TARGET_MB = 250


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _child_env(**extra) -> dict:
    return {**os.environ, "PYTHONPATH": f"{BENCH}:{ROOT}", "DEBUG": "0", **extra}


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- Dashboard -------------------------------------------------------------------------------


def _bench_user(role: str):
    from allauth.mfa.models import Authenticator

    from municipalities.models import RoleAssignment, User

    user, _created = User.objects.get_or_create(email=f"bench-{role}@bench.example")
    RoleAssignment.objects.get_or_create(user=user, role=role, municipality=None)
    # Everyone has a second factor: without one the middleware sends every request to the
    # set-up page (and the benchmark would time that page instead of the dashboard).
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
    )
    return user


def _session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _get(url: str, cookie: str) -> tuple[float, int, int]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 - localhost
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - localhost
        body = response.read()
        status = response.status
        # urllib follows redirects: a redirect (to a sign-in or set-up page) is not the page.
        assert response.url == url, f"{url} redirected to {response.url}"
    return time.perf_counter() - started, status, len(body)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_dashboard() -> None:
    from reporting.models import MetricsSnapshot
    from reporting.snapshots import snapshot_compute

    snapshot, created = snapshot_compute(as_of=NATIONAL_AS_OF, trigger="on_demand")
    print(
        f"snapshot as of {NATIONAL_AS_OF}: {'computed now' if created else 'stored'} "
        f"({snapshot.totals['participants']} participants, outflow {snapshot.totals['outflow']})"
    )
    snapshots_before = MetricsSnapshot.objects.count()
    cookie = _session_cookie(_bench_user("funder"))
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            "pilot.wsgi:application",
        ],
        env=_child_env(DJANGO_SETTINGS_MODULE="bench_settings"),
    )
    base = f"http://127.0.0.1:{port}"
    dashboard = f"{base}/dashboard/?as_of={NATIONAL_AS_OF.isoformat()}"
    bare = f"{base}/bare/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(bare, cookie)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        first, status, size = _get(dashboard, cookie)
        assert status == 200, status
        print(
            f"first dashboard request (figures read from the snapshot, cached): "
            f"{first * 1000:.0f} ms, {size // 1024} kB"
        )
        for _ in range(WARMUP):
            _get(dashboard, cookie)
            _get(bare, cookie)
        times = {"dashboard": [], "bare": []}
        for _ in range(REQUESTS):
            # In turns, so that a busy machine slows both alike.
            times["dashboard"].append(_get(dashboard, cookie)[0])
            times["bare"].append(_get(bare, cookie)[0])
    finally:
        _stop(server)
    print(f"requests: {REQUESTS} each, after {WARMUP} warm-up rounds; gunicorn, 1 sync worker")
    for name, values in times.items():
        print(
            f"  {name:<10} median {statistics.median(values) * 1000:7.1f} ms   "
            f"p95 {_percentile(values, 0.95) * 1000:7.1f} ms   "
            f"min {min(values) * 1000:7.1f} ms"
        )
    ratio = statistics.median(times["dashboard"]) / statistics.median(times["bare"])
    print(f"  dashboard / bare (median): {ratio:.2f}x  (target <= 4x)")
    computed = MetricsSnapshot.objects.count() - snapshots_before
    print(f"  snapshots computed during the requests: {computed}  (target 0)")


# --- Reports in a running worker -------------------------------------------------------------


def measure_reports(label: str, as_of: date, targets: dict[str, float]) -> None:
    import redis
    from django.conf import settings

    from municipalities.models import Municipality
    from pilot.celery import app
    from reporting.models import ReportKind
    from reporting.reports.services import report_request
    from reporting.snapshots import snapshot_compute
    from reporting.tasks import render_progress_report

    snapshot_compute(as_of=as_of, trigger="on_demand")
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pilot",
            "worker",
            "--pool=solo",
            "--loglevel=warning",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"bench-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=_child_env(),
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError("the Celery worker did not start")
        first_municipality = Municipality.objects.order_by("code").first()
        kinds = [
            ("funder", ReportKind.FUNDER, None),
            ("research", ReportKind.RESEARCH, None),
            (
                f"municipality {first_municipality.code}",
                ReportKind.MUNICIPALITY,
                first_municipality,
            ),
        ]
        print(
            f"reports, {label}, as of {as_of}: in a running worker (solo pool), "
            f"{REPORT_RUNS} renders each after one warm-up render"
        )
        for name, kind, municipality in kinds:
            results = []
            for run in range(REPORT_RUNS + 1):
                report, _queued = report_request(
                    kind=kind,
                    as_of=as_of,
                    municipality=municipality,
                    rerender=True,
                    enqueue=False,
                )
                result = render_progress_report.delay(report_id=report.pk).get(timeout=TASK_TIMEOUT)
                if run:  # the first render pays WeasyPrint's import and font loading
                    results.append(result)
            render = [r["render_ms"] / 1000 for r in results]
            peak = max(r["peak_memory_kb"] for r in results) / 1024
            phases = {
                phase: statistics.median(r["phases_ms"][phase] for r in results) / 1000
                for phase in results[0]["phases_ms"]
            }
            cpu = statistics.median(r["cpu_ms"] for r in results) / 1000
            target = targets.get(name)
            print(
                f"  {name:<24} median {statistics.median(render):6.2f} s   "
                f"max {max(render):6.2f} s   cpu {cpu:6.2f} s"
                + (f" (target < {target:.0f} s)" if target else " " * 15)
                + f"   worker peak RSS {peak:6.1f} MB (target < {PEAK_RSS_TARGET_MB} MB)"
                f"   {results[-1]['bytes'] // 1024} kB"
            )
            print(
                "  "
                + " " * 24
                + " of which "
                + ", ".join(f"{phase} {seconds:.2f} s" for phase, seconds in phases.items())
            )
    finally:
        _stop(worker)


# --- The ten-municipality demo pilot ---------------------------------------------------------


def demo_reports() -> None:
    from django.core.management import call_command

    from demo.builder import demo_present

    call_command("migrate", verbosity=0, interactive=False)
    if not demo_present():
        print("seeding the demo pilot (once)")
        call_command("seed_demo", verbosity=0)
    measure_reports("10 municipalities (demo)", DEMO_AS_OF, DEMO_TARGETS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--reports-only",
        action="store_true",
        help="only the national reports (no dashboard, no demo pilot)",
    )
    args = parser.parse_args()
    if args.demo:
        national_scale.setup_django()
        demo_reports()
        return
    national_scale.ensure_database()
    subprocess.run(  # noqa: S603 - the national benchmark's own builder
        [sys.executable, national_scale.__file__, "--build-only"], check=True
    )
    national_scale.setup_django()
    if not args.reports_only:
        measure_dashboard()
        print()
    measure_reports(
        f"{national_scale.MUNICIPALITIES} municipalities", NATIONAL_AS_OF, NATIONAL_TARGETS
    )
    if args.reports_only:
        return
    print()
    demo_url = os.environ["DEMO_DATABASE_URL"]
    demo_env = {**os.environ, "DATABASE_URL": demo_url}
    subprocess.run(  # noqa: S603 - this file
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(BENCH)!r}); import national_scale; "
            "national_scale.ensure_database()",
        ],
        check=True,
        env=demo_env,
    )
    subprocess.run([sys.executable, __file__, "--demo"], check=True, env=demo_env)  # noqa: S603


if __name__ == "__main__":
    main()
