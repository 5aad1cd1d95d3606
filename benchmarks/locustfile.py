"""A working day of the pilot at national scale, for locust (run by ``load_day.py``).

Who is on the site (the accounts and their sessions come from ``load_day.py``, in the JSON file
named by ``LOAD_DAY_FIXTURE``):

- jobcoaches (most of the users): each visit is one of the 342 municipalities' jobcoaches,
  chosen at random, who opens their home page, jobseeker list, a jobseeker, a placement, their
  placement list or their municipality's dashboard, and saves through the real forms (the
  edit page is read, its CSRF token and current values sent back with one change): a
  jobseeker's phone number, or a progress review of a running internship;
- IMK coaches: the entrepreneurs, one entrepreneur's page, and a guidance session logged
  through the real form;
- the funder (one): the pilot-wide dashboard and the report list;
- a researcher (one): starts one research export through the export page (the Celery worker
  builds it) and polls its row as the page does, until it is ready.

Every request is checked: a status other than the expected one (200 for pages, 302 after a
saved form, 204/200 for a poll) is a failure with its status in the statistics.
"""

from __future__ import annotations

import json
import os
import random
import re
from datetime import date

from load_forms import post_form
from locust import HttpUser, between, constant, task

with open(os.environ["LOAD_DAY_FIXTURE"], encoding="utf-8") as _file:
    FIXTURE = json.load(_file)

TODAY = date.today().isoformat()


class PilotUser(HttpUser):
    abstract = True
    # Someone reading a page before the next click (compressed: a day's clicks in minutes).
    wait_time = between(1, 3)

    def sign_in_as(self, cookie: str) -> None:
        """Become this person: their session, a fresh browser otherwise (its own CSRF cookie)."""
        self.client.cookies.clear()
        self.client.cookies.set("sessionid", cookie)

    def page(self, url: str, name: str, expect: int = 200):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != expect:
                r.failure(f"status {r.status_code}")
            else:
                r.success()
            return r

    def save(self, url: str, name: str, change: dict[str, str]) -> None:
        """Open the form at ``url``, send it back with ``change``: a redirect means saved."""
        form_page = self.page(url, f"{name} (form)")
        if form_page.status_code != 200:
            return
        values = post_form(form_page.text, url)
        for field, value in change.items():
            # The field by its name, with the form's prefix if it has one ("review-notes").
            keys = [k for k in values if k == field or k.endswith(f"-{field}")]
            keys = [k for k in keys if not k.startswith("initial-")] or [field]
            values.update({key: [value] for key in keys})
        with self.client.post(
            url,
            data=values,
            name=f"{name} (save)",
            allow_redirects=False,
            catch_response=True,
            headers={"Referer": self.host + url},
        ) as r:
            if r.status_code == 302:
                r.success()
            else:
                r.failure(f"status {r.status_code} (not saved)")
                return
            target = r.headers["Location"]
        self.page(target, f"{name} (page after saving)")


class Jobcoach(PilotUser):
    weight = 20

    def on_start(self):
        self.visit()

    def visit(self) -> dict:
        """A jobcoach of a municipality chosen at random sits down."""
        self.me = random.choice(FIXTURE["jobcoaches"])
        self.sign_in_as(self.me["session"])
        return self.me

    @task(2)
    def home(self):
        self.visit()
        self.page("/", "/ (jobcoach home)")

    @task(6)
    def jobseekers(self):
        self.visit()
        self.page("/jobseekers/", "/jobseekers/")
        self.page(f"/jobseekers/{random.choice(self.me['jobseekers'])}/", "/jobseekers/[id]/")

    @task(2)
    def search(self):
        self.visit()
        self.page("/jobseekers/?q=Achternaam", "/jobseekers/?q=")

    @task(3)
    def placements(self):
        self.visit()
        self.page("/placements/", "/placements/")
        self.page(f"/placements/{random.choice(self.me['placements'])}/", "/placements/[id]/")

    @task(1)
    def dashboard(self):
        self.visit()
        self.page("/dashboard/", "/dashboard/ (jobcoach)")

    @task(2)
    def edit_jobseeker(self):
        self.visit()
        pk = random.choice(self.me["jobseekers"])
        phone = f"06{random.randint(10_000_000, 99_999_999)}"
        self.save(f"/jobseekers/{pk}/edit/", "/jobseekers/[id]/edit/", {"phone": phone})

    @task(1)
    def progress_review(self):
        self.visit()
        if not self.me["active_placements"]:
            return
        pk = random.choice(self.me["active_placements"])
        self.save(
            f"/placements/{pk}/review/",
            "/placements/[id]/review/",
            {"held_on": TODAY, "notes": "Gaat goed; volgende keer het rooster bespreken."},
        )


class ImkCoach(PilotUser):
    weight = 3

    def on_start(self):
        self.visit()

    def visit(self) -> dict:
        """One of the IMK coaches, chosen at random, with their own entrepreneurs."""
        self.me = random.choice(FIXTURE["imk_coaches"])
        self.sign_in_as(self.me["session"])
        return self.me

    @task(1)
    def home(self):
        self.visit()
        self.page("/", "/ (IMK coach home)")

    @task(3)
    def entrepreneurs(self):
        self.visit()
        self.page("/entrepreneurs/", "/entrepreneurs/")
        pk = random.choice(self.me["entrepreneurs"])
        self.page(f"/entrepreneurs/{pk}/", "/entrepreneurs/[id]/")

    @task(2)
    def log_session(self):
        self.visit()
        pk = random.choice(self.me["entrepreneurs"])
        self.save(
            f"/entrepreneurs/{pk}/sessions/new/",
            "/entrepreneurs/[id]/sessions/new/",
            {"held_on": TODAY, "notes": "Administratie en planning doorgenomen."},
        )


class Funder(PilotUser):
    fixed_count = 1
    wait_time = between(3, 6)

    def on_start(self):
        self.sign_in_as(FIXTURE["funder"])

    @task(4)
    def dashboard(self):
        self.page("/dashboard/", "/dashboard/ (funder)")

    @task(1)
    def reports(self):
        self.page("/reports/", "/reports/ (funder)")


class Researcher(PilotUser):
    """Starts one research export through the page and polls its row until it is ready."""

    fixed_count = 1
    wait_time = constant(2)
    export_row: str | None = None
    ready = False

    def on_start(self):
        self.sign_in_as(FIXTURE["researcher"])
        self.save(
            "/exports/",
            "/exports/",
            {"as_of": FIXTURE["export_as_of"], "format": FIXTURE["export_format"]},
        )
        listing = self.client.get("/exports/", name="/exports/").text
        rows = re.findall(r"/exports/(\d+)/status/", listing)
        if rows:
            self.export_row = f"/exports/{max(int(pk) for pk in rows)}/status/"

    @task
    def poll(self):
        if self.export_row is None or self.ready:
            return
        response = self.page(self.export_row, "/exports/[id]/status/ (poll)")
        # The row polls itself (hx-get) until the export is finished.
        self.ready = response.status_code == 200 and "hx-get" not in response.text
