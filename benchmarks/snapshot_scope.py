"""The metrics and savings API and the dashboard per scope, at national scale (issue 17, items 2
and 4).

Run from the checkout:  python benchmarks/snapshot_scope.py   (see benchmarks/README.md)

1. The national data set of ``national_scale.py`` (342 municipalities, built once and reused),
   with its snapshot as of 2025-12-31 stored beforehand (the time it takes is printed).
2. A real server (gunicorn, one sync worker, settings ``bench_api_settings``) answers, in turns,
   a bare Django view and: a jobcoach's metrics and savings (one municipality), the funder's
   metrics and savings (the whole pilot's aggregates), and one page of participants for the
   programme admin (``?page=1``, 100 participants). Ratios of the medians to the bare view.
3. The dashboard, warm (its figures cached) and cold (the cached figures deleted from Redis
   before every request), for the funder (whole pilot) and the jobcoach.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import national_scale  # noqa: E402 - sets DJANGO_SETTINGS_MODULE and the default DATABASE_URL
from dashboard_and_reports import _child_env, _free_port, _percentile, _stop  # noqa: E402

# A Redis database of its own: the cache of nobody else.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
AS_OF = national_scale.AS_OF
REQUESTS = 40
WARMUP = 3
DASHBOARD_REQUESTS = 20


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to sign in, to a second factor) is a failed measurement


_OPENER = urllib.request.build_opener(_NoRedirect)


def _get(url: str, cookie: str) -> tuple[float, int, int]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 - localhost
    started = time.perf_counter()
    with _OPENER.open(request, timeout=120) as response:
        body = response.read()
        status = response.status
    elapsed = time.perf_counter() - started
    if status != 200:
        raise AssertionError(f"{url}: {status}")
    return elapsed, status, len(body)


def _user(role: str, municipality=None):
    from allauth.mfa.models import Authenticator

    from municipalities.models import RoleAssignment, User

    user, _created = User.objects.get_or_create(email=f"bench-snap-{role}@bench.example")
    RoleAssignment.objects.get_or_create(user=user, role=role, municipality=municipality)
    # Everyone has a second factor (the middleware sends anyone without one to set it up).
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
    )
    return user


def _cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def _forget_dashboards() -> int:
    import redis
    from django.conf import settings

    connection = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    keys = list(connection.scan_iter(match="*reporting:dashboard-html:*", count=1000))
    if keys:
        connection.delete(*keys)
    return len(keys)


def _line(name: str, values: list[float], size: int) -> None:
    print(
        f"  {name:<34} median {statistics.median(values) * 1000:8.1f} ms   "
        f"p95 {_percentile(values, 0.95) * 1000:8.1f} ms   {size / 1024:8.1f} kB"
    )


def main() -> None:
    global REQUESTS, DASHBOARD_REQUESTS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--dashboard-requests", type=int, default=DASHBOARD_REQUESTS)
    args = parser.parse_args()
    REQUESTS, DASHBOARD_REQUESTS = args.requests, args.dashboard_requests
    national_scale.ensure_database()
    subprocess.run(  # noqa: S603 - the national benchmark's own builder
        [sys.executable, national_scale.__file__, "--build-only"], check=True
    )
    national_scale.setup_django()
    from municipalities.enums import Role
    from municipalities.models import Municipality
    from reporting.snapshots import snapshot_compute

    started = time.perf_counter()
    snapshot, created = snapshot_compute(as_of=AS_OF, trigger="on_demand")
    took = time.perf_counter() - started
    print(
        f"snapshot as of {AS_OF}: {'computed and stored now' if created else 'already stored'}"
        f" in {took:.2f} s ({snapshot.totals['participants']} participants)"
    )
    started = time.perf_counter()
    again, created = snapshot_compute(as_of=AS_OF, trigger="on_demand")
    print(
        f"unchanged data, asked again: {'stored again (!)' if created else 'found'} "
        f"in {(time.perf_counter() - started) * 1000:.0f} ms (fingerprint and lookup)"
    )
    municipality = Municipality.objects.order_by("code").first()
    cookies = {
        "jobcoach": _cookie(_user(Role.JOBCOACH, municipality)),
        "funder": _cookie(_user(Role.FUNDER)),
        "admin": _cookie(_user(Role.PROGRAMME_ADMIN)),
    }
    _forget_dashboards()
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "300",
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            "pilot.wsgi:application",
        ],
        env=_child_env(DJANGO_SETTINGS_MODULE="bench_api_settings"),
    )
    base = f"http://127.0.0.1:{port}"
    day = AS_OF.isoformat()
    api = {
        "bare": ("/bare/", "jobcoach"),
        "jobcoach metrics": (f"/api/v1/metrics/?as_of={day}", "jobcoach"),
        "jobcoach savings": (f"/api/v1/savings/?as_of={day}", "jobcoach"),
        "funder metrics (totals)": (f"/api/v1/metrics/?as_of={day}", "funder"),
        "funder savings (totals)": (f"/api/v1/savings/?as_of={day}", "funder"),
        "admin participants, one page": (f"/api/v1/metrics/?as_of={day}&page=1", "admin"),
    }
    dashboard = f"/dashboard/?as_of={day}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(base + "/bare/", cookies["jobcoach"])
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        sizes = {}
        for _ in range(WARMUP):
            for name, (path, who) in api.items():
                sizes[name] = _get(base + path, cookies[who])[2]
        times: dict[str, list[float]] = {name: [] for name in api}
        for _ in range(REQUESTS):
            for name, (path, who) in api.items():  # in turns: a busy machine slows all alike
                times[name].append(_get(base + path, cookies[who])[0])
        print(
            f"API, {national_scale.MUNICIPALITIES} municipalities: {REQUESTS} requests each after "
            f"{WARMUP} warm-up rounds, in turns; gunicorn, 1 sync worker"
        )
        for name, values in times.items():
            _line(name, values, sizes[name])
        bare = statistics.median(times["bare"])
        for name, target in (
            ("jobcoach metrics", 5),
            ("jobcoach savings", 5),
            ("funder metrics (totals)", 5),
            ("funder savings (totals)", 5),
            ("admin participants, one page", 10),
        ):
            ratio = statistics.median(times[name]) / bare
            print(f"  {name + ' / bare (median)':<50} {ratio:6.1f}x  (target <= {target}x)")

        dash: dict[str, list[float]] = {}
        dash_sizes = {}
        for who in ("funder", "jobcoach"):
            _get(base + dashboard, cookies[who])  # the page's own warm-up
            for _ in range(DASHBOARD_REQUESTS):
                _forget_dashboards()
                elapsed, _status, size = _get(base + dashboard, cookies[who])
                dash.setdefault(f"{who} dashboard cold", []).append(elapsed)
                elapsed, _status, size = _get(base + dashboard, cookies[who])
                dash.setdefault(f"{who} dashboard warm", []).append(elapsed)
                dash_sizes[who] = size
        print(
            f"dashboard: {DASHBOARD_REQUESTS} requests each, cold (cached figures deleted before "
            "each) and warm in turns"
        )
        for name, values in dash.items():
            _line(name, values, dash_sizes[name.split()[0]])
        for who in ("funder", "jobcoach"):
            ratio = statistics.median(dash[f"{who} dashboard cold"]) / statistics.median(
                dash[f"{who} dashboard warm"]
            )
            print(f"  {who + ' dashboard cold / warm (median)':<50} {ratio:6.1f}x  (target <= 3x)")
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{error.url}: {error.code}") from error
    finally:
        _stop(server)


if __name__ == "__main__":
    main()
