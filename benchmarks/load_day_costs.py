"""What each request of the load test's mix costs, in one process: CPU of Django and of its
PostgreSQL backend, and queries, per request type of ``locustfile.py``.

Run by ``load_day.py`` (in a process of its own with the server's environment: the production
settings, the application's database role, the run's keys) with the accounts and sessions of
its fixture:  python benchmarks/load_day_costs.py FIXTURE.json [--rounds 20]

Each request type is asked ``--rounds`` times after two warm-up requests, every time as another
person of the mix chosen at random (the jobcoaches' dashboards and lists are per municipality,
so most of them are a first visit, as in the load test), through Django's whole stack (the
test client: middleware, view, template, sessions, CSRF checks, the processing log). A save is
the form page, the POST with the form's values and one change, and the page after it, as in
the load test. CPU is ``time.process_time`` of this process plus the CPU the database backend
used meanwhile (from /proc): figures of the work, not of the machine's other load, which wall
times on a shared machine are not.

The mix's weights (the tasks of ``locustfile.py`` and its users' weights) give each request
type's share of the requests and of the CPU: where making a request cheaper pays most.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from load_forms import post_form  # noqa: E402

TODAY = date.today().isoformat()
WARMUP = 2


@dataclass
class Cost:
    cpu_ms: list[float] = field(default_factory=list)
    db_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)
    size_kb: list[float] = field(default_factory=list)


class Meter:
    """The test client with the costs of every request it makes, by request type."""

    def __init__(self):
        import psutil
        from django.db import connection
        from django.test import Client

        self.client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        self.costs: dict[str, Cost] = {}
        self.recording = True
        self._connection = connection
        self._psutil = psutil
        self._queries = 0

    def _backend_cpu(self) -> float:
        self._connection.ensure_connection()
        pid = self._connection.connection.get_backend_pid()
        try:
            times = self._psutil.Process(pid).cpu_times()
        except self._psutil.Error:
            return 0.0
        return times.user + times.system

    def _count(self, execute, sql, params, many, context):
        self._queries += 1
        return execute(sql, params, many, context)

    def sign_in_as(self, session: str) -> None:
        self.client.cookies.clear()
        self.client.cookies["sessionid"] = session

    def request(self, method: str, url: str, name: str, expect: int, **kwargs):
        self._queries = 0
        db_before = self._backend_cpu()
        cpu_before = time.process_time()
        with self._connection.execute_wrapper(self._count):
            response = getattr(self.client, method)(url, **kwargs)
            body = b"" if response.streaming else response.content
        cpu = time.process_time() - cpu_before
        db = self._backend_cpu() - db_before
        if response.status_code != expect:
            raise RuntimeError(f"{method.upper()} {url} ({name}): {response.status_code}")
        if self.recording:
            cost = self.costs.setdefault(name, Cost())
            cost.cpu_ms.append(cpu * 1000)
            cost.db_ms.append(db * 1000)
            cost.queries.append(self._queries)
            cost.statuses.add(response.status_code)
            cost.size_kb.append(len(body) / 1024)
        return response

    def page(self, url: str, name: str, expect: int = 200):
        return self.request("get", url, name, expect)

    def save(self, url: str, name: str, change: dict[str, str]) -> None:
        form_page = self.page(url, f"{name} (form)")
        values = post_form(form_page.content.decode(), url)
        for key, value in change.items():
            keys = [k for k in values if k == key or k.endswith(f"-{key}")]
            keys = [k for k in keys if not k.startswith("initial-")] or [key]
            values.update({k: [value] for k in keys})
        saved = self.request("post", url, f"{name} (save)", 302, data=values)
        self.page(saved["Location"], f"{name} (page after saving)")


def jobcoach_visits(fixture: dict) -> dict[str, tuple[int, object]]:
    """The jobcoach's tasks of locustfile.py: weight, and what one visit asks."""

    reviewers = [person for person in fixture["jobcoaches"] if person["active_placements"]]

    def me(meter):
        person = random.choice(fixture["jobcoaches"])
        meter.sign_in_as(person["session"])
        return person

    def home(m):
        me(m)
        m.page("/", "/ (jobcoach home)")

    def jobseekers(m):
        person = me(m)
        m.page("/jobseekers/", "/jobseekers/")
        m.page(f"/jobseekers/{random.choice(person['jobseekers'])}/", "/jobseekers/[id]/")

    def search(m):
        me(m)
        m.page("/jobseekers/?q=Achternaam", "/jobseekers/?q=")

    def placements(m):
        person = me(m)
        m.page("/placements/", "/placements/")
        m.page(f"/placements/{random.choice(person['placements'])}/", "/placements/[id]/")

    def dashboard(m):
        me(m)
        m.page("/dashboard/", "/dashboard/ (jobcoach)")

    def edit_jobseeker(m):
        person = me(m)
        pk = random.choice(person["jobseekers"])
        phone = f"06{random.randint(10_000_000, 99_999_999)}"
        m.save(f"/jobseekers/{pk}/edit/", "/jobseekers/[id]/edit/", {"phone": phone})

    def progress_review(m):
        # As in the load test, a jobcoach with a running internship (the load test's others
        # skip the task).
        person = random.choice(reviewers)
        m.sign_in_as(person["session"])
        m.save(
            f"/placements/{random.choice(person['active_placements'])}/review/",
            "/placements/[id]/review/",
            {"held_on": TODAY, "notes": "Gaat goed; volgende keer het rooster bespreken."},
        )

    return {
        "home": (2, home),
        "jobseekers": (6, jobseekers),
        "search": (2, search),
        "placements": (3, placements),
        "dashboard": (1, dashboard),
        "edit_jobseeker": (2, edit_jobseeker),
        "progress_review": (1, progress_review),
    }


def imk_coach_visits(fixture: dict) -> dict[str, tuple[int, object]]:
    def me(meter):
        person = random.choice(fixture["imk_coaches"])
        meter.sign_in_as(person["session"])
        return person

    def home(m):
        me(m)
        m.page("/", "/ (IMK coach home)")

    def entrepreneurs(m):
        person = me(m)
        m.page("/entrepreneurs/", "/entrepreneurs/")
        m.page(f"/entrepreneurs/{random.choice(person['entrepreneurs'])}/", "/entrepreneurs/[id]/")

    def log_session(m):
        person = me(m)
        pk = random.choice(person["entrepreneurs"])
        m.save(
            f"/entrepreneurs/{pk}/sessions/new/",
            "/entrepreneurs/[id]/sessions/new/",
            {"held_on": TODAY, "notes": "Administratie en planning doorgenomen."},
        )

    return {"home": (1, home), "entrepreneurs": (3, entrepreneurs), "log_session": (2, log_session)}


def funder_visits(fixture: dict) -> dict[str, tuple[int, object]]:
    def dashboard(m):
        m.sign_in_as(fixture["funder"])
        m.page("/dashboard/", "/dashboard/ (funder)")

    def reports(m):
        m.sign_in_as(fixture["funder"])
        m.page("/reports/", "/reports/ (funder)")

    return {"dashboard": (4, dashboard), "reports": (1, reports)}


# The users' weights in locustfile.py (the funder and the researcher are one each, whatever the
# number of users; their share is left out of the mix's average below).
USER_WEIGHTS = {"jobcoach": 20, "imk_coach": 3}


def measure(fixture: dict, rounds: int, only: str | None) -> tuple[Meter, dict[str, float]]:
    """Every task of the mix, ``rounds`` times each; the expected requests of each type per
    visit of the mix (jobcoaches and IMK coaches by their weights)."""
    random.seed(20261201)
    meter = Meter()
    users = {
        "jobcoach": jobcoach_visits(fixture),
        "imk_coach": imk_coach_visits(fixture),
        "funder": funder_visits(fixture),
    }
    shares: dict[str, float] = {}
    for user, visits in users.items():
        total_weight = sum(weight for weight, _visit in visits.values())
        for task, (weight, visit) in visits.items():
            if only and only not in f"{user}.{task}":
                continue
            before = {name: len(cost.cpu_ms) for name, cost in meter.costs.items()}
            meter.recording = False
            for _ in range(WARMUP):
                visit(meter)
            meter.recording = True
            for _ in range(rounds):
                visit(meter)
            if user in USER_WEIGHTS:
                # Requests of each type that one round of this task made: its share of a visit.
                user_share = USER_WEIGHTS[user] / sum(USER_WEIGHTS.values())
                for name, cost in meter.costs.items():
                    made = len(cost.cpu_ms) - before.get(name, 0)
                    if made:
                        shares[name] = (
                            shares.get(name, 0.0)
                            + user_share * weight / total_weight * made / rounds
                        )
    return meter, shares


def _per_request(cost: Cost) -> float:
    """A request's CPU: Django's median (robust to a pause of the machine) and the backend's
    mean (the only figure its clock ticks give)."""
    return statistics.median(cost.cpu_ms) + statistics.mean(cost.db_ms)


def report(meter: Meter, shares: dict[str, float], rounds: int) -> None:
    print(
        f"cost per request of the mix, in one process ({rounds} requests each as people chosen "
        "at random, after 2 warm-up requests): median CPU of Django, mean CPU of its "
        "PostgreSQL backend (counted in clock ticks of 10 ms: only a mean says something), "
        "queries, answer size; share of the mix's requests and of its CPU"
    )
    print(
        f"  {'request':<54} {'cpu ms':>6} {'db ms':>6} {'total':>6} {'max':>5} {'queries':>7} "
        f"{'kB':>5} {'req %':>5} {'cpu %':>5}"
    )
    total_share = sum(shares.values())
    weighted = {
        name: shares[name]
        * statistics.median([c + d for c, d in zip(cost.cpu_ms, cost.db_ms, strict=True)])
        for name, cost in meter.costs.items()
        if name in shares
    }
    weighted_total = sum(weighted.values())
    for name, cost in sorted(meter.costs.items()):
        totals = [c + d for c, d in zip(cost.cpu_ms, cost.db_ms, strict=True)]
        queries = sorted(set(cost.queries))
        query_text = str(queries[0]) if len(queries) == 1 else f"{queries[0]}-{queries[-1]}"
        share = (
            f"{shares[name] / total_share * 100:5.1f} {weighted[name] / weighted_total * 100:5.1f}"
            if name in shares
            else ""
        )
        print(
            f"  {name:<54} {statistics.median(cost.cpu_ms):6.1f} "
            f"{statistics.mean(cost.db_ms):6.1f} {_per_request(cost):6.1f} {max(totals):5.0f} "
            f"{query_text:>7} "
            f"{statistics.median(cost.size_kb):5.0f} {share}"
        )
    if weighted_total:
        print(
            f"  the jobcoaches' and IMK coaches' mix: {weighted_total / total_share:.1f} ms of "
            "CPU per request (Django and PostgreSQL), each type's by its share"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fixture", type=Path)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--only", help="only the tasks whose user.task name contains this")
    args = parser.parse_args()

    import django

    django.setup()
    fixture = json.loads(args.fixture.read_text())
    meter, shares = measure(fixture, args.rounds, args.only)
    report(meter, shares, args.rounds)


if __name__ == "__main__":
    main()
