"""``manage.py check_demo_pages``: every demo sign-in opens the pages of its navigation on the
demo's own database, in-process, and each must answer 200.

The quick start runs on SQLite, the tests on PostgreSQL: a page whose SQL only PostgreSQL
understands passes every test and fails the person trying the demo. CI runs this on the
demo's database after ``seed_demo``. Read-only: it opens pages (GET) and saves nothing but the
sessions and the processing log's read entries that opening a page makes.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.urls import reverse

from demo.credentials import demo_accounts
from municipalities.enums import Role

_NAV = re.compile(r'<nav[^>]*aria-label="[^"]*"[^>]*>(.*?)</nav>', re.S)
_HREF = re.compile(r'href="(/[^"#?]*)"')
# Beyond the navigation: a search on each list, and the pages a to-do list leads to.
_EXTRA = {
    Role.JOBCOACH: [
        "/jobseekers/?q=a",
        "/placements/?q=a",
        "/entrepreneurs/?q=a",
        "placements:benefit_checks_due",
        "placements:reviews_due",
    ],
    Role.PROGRAMME_ADMIN: [
        "/jobseekers/?q=a",
        "/placements/?q=a",
        "/admin/placements/placement/?q=a",
        "/admin/placements/jobseeker/?q=a",
    ],
}


class Command(BaseCommand):
    help = "Open every demo sign-in's navigation pages in-process; fail on any answer but 200."

    def handle(self, *args, **options):
        users = get_user_model().objects
        failures, opened = [], 0
        for account in demo_accounts():
            client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
            client.force_login(users.get(email=account.email))
            home = client.get("/", follow=True)
            if home.status_code != 200:
                failures.append(f"{account.email}: / answered {home.status_code}")
                continue
            paths = [
                href
                for nav in _NAV.findall(home.content.decode())
                for href in _HREF.findall(nav)
                if not href.startswith(("/static/", "/accounts/logout"))
            ]
            for extra in _EXTRA.get(account.role, []):
                paths.append(extra if extra.startswith("/") else reverse(extra))
            for path in dict.fromkeys(paths):
                status = client.get(path, follow=True).status_code
                opened += 1
                if status != 200:
                    failures.append(f"{account.email}: {path} answered {status}")
        if failures:
            raise CommandError("\n".join(failures))
        self.stdout.write(f"{opened} pages opened by {len(demo_accounts())} demo sign-ins: all 200")
