"""What the processing log costs a page: median response time with and without it.

Run from the checkout:  python benchmarks/processing_log.py   (see benchmarks/README.md)

The ten-municipality demo pilot (``seed_demo``, in a database of its own, built on first use).
In one process, through Django's whole stack (middleware, view, template, PostgreSQL), a
jobcoach opens their jobseeker list (one entry with every person on the page) and a jobseeker's
page (one entry, one person), in alternating rounds with the log on and off (off: the one
function that writes an entry does nothing). Median and 95th percentile per page and mode.
"""

import os
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

os.environ["DJANGO_SETTINGS_MODULE"] = "pilot.settings.dev"
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pilot_bench_plog")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")

ROUNDS = 40
PER_ROUND = 5
WARMUP = 10
HEERLEN = "GM0917"
BENCH_USER = "bench-jobcoach@bench.example"


def _ensure_demo() -> None:
    sys.path.insert(0, str(BENCH))
    import national_scale  # noqa: F401 - only for its database helper

    national_scale.ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from municipalities.models import Municipality

    if not Municipality.objects.filter(code=HEERLEN).exists():
        print("building the demo pilot (once)")
        call_command("seed_demo", verbosity=0)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    _ensure_demo()
    from django.test import Client
    from django.urls import reverse

    import municipalities.processing_log
    from municipalities.access import visible
    from municipalities.enums import Role
    from municipalities.models import Municipality, RoleAssignment, User
    from placements.models import Jobseeker
    from privacy.models import ProcessingEntry

    # A jobcoach of Heerlen of the benchmark's own (the demo's accounts sign in with a code).
    user, _created = User.objects.get_or_create(email=BENCH_USER)
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.JOBCOACH, municipality=Municipality.objects.get(code=HEERLEN)
    )
    # Everyone has a second factor (the middleware sends anyone without one to set it up).
    from allauth.mfa.models import Authenticator

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "bench"}}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    jobseeker = visible(user, Jobseeker).order_by("ref").first()
    pages = {
        "jobseeker list": reverse("placements:jobseeker_list"),
        "jobseeker page": reverse("placements:jobseeker_detail", args=[jobseeker.pk]),
    }
    logging_record = municipalities.processing_log.record

    def off(**kwargs):
        return None

    times: dict[tuple[str, str], list[float]] = {}
    for name, url in pages.items():
        for _ in range(WARMUP):
            assert client.get(url).status_code == 200
        for _round in range(ROUNDS):
            for mode, function in (("with log", logging_record), ("without log", off)):
                municipalities.processing_log.record = function
                for _ in range(PER_ROUND):
                    started = time.perf_counter()
                    response = client.get(url)
                    times.setdefault((name, mode), []).append(time.perf_counter() - started)
                    assert response.status_code == 200
        municipalities.processing_log.record = logging_record
    client.get(pages["jobseeker list"])
    entry = ProcessingEntry.objects.order_by("-pk").first()
    print(
        f"processing log: demo pilot, a jobcoach of Heerlen; the list's entry names "
        f"{entry.subjects.count()} people; {ROUNDS * PER_ROUND} requests per page and mode, "
        "alternating"
    )
    for name in pages:
        with_log = times[(name, "with log")]
        without = times[(name, "without log")]
        median_with = statistics.median(with_log) * 1000
        median_without = statistics.median(without) * 1000
        print(
            f"  {name}: median {median_with:.1f} ms with the log, {median_without:.1f} ms "
            f"without ({median_with - median_without:+.1f} ms); 95th percentile "
            f"{_percentile(with_log, 0.95) * 1000:.1f} / {_percentile(without, 0.95) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
