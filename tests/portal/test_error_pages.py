"""Designed error pages, in Dutch whatever the browser asks, with a way back; a refused page is
one log line, not a traceback."""

import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path

import pilot.urls
from municipalities.enums import Role
from tests.factories.municipalities import user_with_role

ROOT = Path(__file__).resolve().parents[2]


def _boom(request):
    raise RuntimeError("a fault")


def _bad(request):
    raise SuspiciousOperation("a bad request")


def _refused(request):
    raise PermissionDenied


urlpatterns = [
    path("test-boom/", _boom),
    path("test-bad/", _bad),
    path("test-refused/", _refused),
    *pilot.urls.urlpatterns,
]


@pytest.fixture(autouse=True)
def _dutch(settings):
    settings.LANGUAGE_CODE = "nl"
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


def _page(response) -> str:
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert 'href="/"' in html  # the way back: the home page
    assert 'href="/static/css/pilot.' in html  # the house style
    assert "Traceback" not in html
    return html


@pytest.mark.django_db
def test_404_is_dutch_for_an_english_browser(client):
    response = client.get("/bestaat-niet/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    html = _page(response)
    assert '<h1 class="utrecht-heading-1">Pagina niet gevonden</h1>' in html
    assert "Opnieuw aanmelden" in html  # not signed in: a way to sign in


@pytest.mark.django_db
def test_403_is_dutch_with_a_way_back(client):
    client.force_login(user_with_role(Role.FUNDER))

    response = client.get("/test-refused/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    html = _page(response)
    assert "Geen toegang" in html
    assert "Uw rol geeft geen toegang tot deze pagina." in html


@pytest.mark.django_db
def test_400_and_500_are_dutch_and_need_nothing_from_the_request():
    client = Client(raise_request_exception=False)

    bad = client.get("/test-bad/")
    boom = client.get("/test-boom/")

    assert bad.status_code == 400
    assert "Verzoek niet begrepen" in _page(bad)
    assert boom.status_code == 500
    html = _page(boom)
    assert "Er ging iets mis" in html
    assert "a fault" not in html


@pytest.mark.django_db
def test_csrf_failure_is_dutch_and_explains_what_to_do():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})

    assert response.status_code == 403
    html = _page(response)
    assert "Formulier verlopen" in html
    assert "laad de pagina opnieuw" in html
    assert "CSRF" not in html


@pytest.mark.django_db
def test_a_refused_page_logs_one_line_without_a_traceback(client, caplog):
    client.force_login(user_with_role(Role.FUNDER))
    client.raise_request_exception = False

    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/test-refused/")
        client.get("/test-boom/")

    refused, boom = (r for r in caplog.records if r.name == "django.request")
    assert (refused.status_code, refused.exc_info) == (403, None)
    assert boom.status_code == 500 and boom.exc_info is not None


def test_404_under_production_settings_is_dutch(tmp_path):
    """The real production settings in their own process (DEBUG off, strong keys, the hashed
    static files of collectstatic), an English browser: Django's handler renders our Dutch
    page."""
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/bestaat-niet/', HTTP_ACCEPT_LANGUAGE='en', secure=True)\n"
        "print(r.status_code); print(r.content.decode())\n"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "PSEUDONYM_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="pilot.settings.production",
        SECRET_KEY=secrets.token_urlsafe(48),
        PSEUDONYM_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="testserver",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=300,
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, html = result.stdout.split("\n", 1)
    assert status == "404"
    assert '<html lang="nl"' in html
    assert "Pagina niet gevonden" in html
    assert "Page not found" not in html
