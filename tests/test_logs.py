"""No name reaches a log: a search puts it in the query string, and neither gunicorn's access
log nor the development server's request log writes query strings."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from municipalities.enums import Role
from tests.factories import JobseekerFactory, MunicipalityFactory, user_with_role

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("Wilhelmina", "Zoutkamp")

pytestmark = pytest.mark.django_db(transaction=True)


def _pilot_with_a_name():
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    JobseekerFactory(municipality=heerlen, given_name=NAMES[0], family_name=NAMES[1])
    browser = Client()
    browser.force_login(user_with_role(Role.JOBCOACH, heerlen))
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


def _get(base: str, path: str, session: str) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310
        base + path, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    )
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
        return response.status, response.read().decode()


def _searches(base: str, session: str) -> None:
    status, html = _get(base, f"/jobseekers/?q={NAMES[1]}", session)
    assert status == 200
    assert NAMES[1] in html  # the search found the person: the name was in the request
    status, body = _get(base, f"/api/v1/jobseekers/?search={NAMES[0]}&q={NAMES[1]}", session)
    assert status == 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVERS = {
    "gunicorn": [
        "-m",
        "gunicorn",
        "pilot.wsgi",
        "--config",
        "python:pilot.gunicorn",
        "--workers",
        "1",
        "--bind",
    ],
    "runserver": ["manage.py", "runserver", "--noreload", "--skip-checks"],
}


@pytest.mark.parametrize("server_name", list(SERVERS))
def test_server_log_of_searches_holds_no_name(server_name):
    session = _pilot_with_a_name()
    db = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pilot.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "TEST_CACHE_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, *SERVERS[server_name], f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/health/live/", timeout=2)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        _searches(base, session)
    finally:
        server.terminate()
        log, _ = server.communicate(timeout=20)
    assert 'GET /jobseekers/ HTTP/1.1" 200' in log
    assert 'GET /api/v1/jobseekers/ HTTP/1.1" 200' in log
    for name in NAMES:
        assert name not in log
