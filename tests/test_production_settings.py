"""Production refuses to start insecurely, and with strong keys Django's deployment check
passes with no warning and nothing silenced."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRONG_SECRET = secrets.token_urlsafe(48)
STRONG_PSEUDONYM = secrets.token_urlsafe(32)


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "PSEUDONYM_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="pilot.settings.production", **env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_strong_keys():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=STRONG_SECRET,
        PSEUDONYM_KEY=STRONG_PSEUDONYM,
        ALLOWED_HOSTS="pilot.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_production_settings_are_strict():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.DEBUG, s.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])",
        SECRET_KEY=STRONG_SECRET,
        PSEUDONYM_KEY=STRONG_PSEUDONYM,
        ALLOWED_HOSTS="pilot.example",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "31536000 True ('HTTP_X_FORWARDED_PROTO', 'https') True True False "
        "['rest_framework.renderers.JSONRenderer']"
    )


@pytest.mark.parametrize(
    ("secret_key", "pseudonym_key", "message"),
    [
        (None, STRONG_PSEUDONYM, "SECRET_KEY is not set"),
        (STRONG_SECRET, None, "PSEUDONYM_KEY is not set"),
        ("change-me-in-production", STRONG_PSEUDONYM, "SECRET_KEY is a published default key"),
        ("dev-only-insecure-key-change-me", STRONG_PSEUDONYM, "SECRET_KEY is a published"),
        (STRONG_SECRET, "change-me-too", "PSEUDONYM_KEY is a published default key"),
        (STRONG_SECRET, "dev-only-pseudonym-key", "PSEUDONYM_KEY is a published default key"),
        (STRONG_SECRET, "x" * 8 + "abcdefghijklmnopqrstuv", "PSEUDONYM_KEY is too weak"),
        (STRONG_SECRET[:49], STRONG_PSEUDONYM, "SECRET_KEY is too weak"),
        ("a" * 64, STRONG_PSEUDONYM, "SECRET_KEY is too weak"),
        (STRONG_SECRET, STRONG_SECRET, "SECRET_KEY and PSEUDONYM_KEY must differ"),
    ],
)
def test_weak_or_default_keys_stop_start_up(secret_key, pseudonym_key, message):
    keys = {"ALLOWED_HOSTS": "pilot.example"}
    if secret_key is not None:
        keys["SECRET_KEY"] = secret_key
    if pseudonym_key is not None:
        keys["PSEUDONYM_KEY"] = pseudonym_key
    result = _manage("check", **keys)
    assert result.returncode == 1
    assert f"django.core.exceptions.ImproperlyConfigured: {message}" in result.stderr


def test_compose_ships_no_working_keys():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "${SECRET_KEY:?" in compose
    assert "${PSEUDONYM_KEY:?" in compose
    assert "change-me" not in compose


def test_compose_migrates_as_the_owner_and_runs_as_the_application_role():
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    migrate = services["migrate"]
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://pilot:")
    assert "manage.py migrate" in migrate["command"]
    assert "manage.py db_app_role pilot_app --password-env APP_DB_PASSWORD" in migrate["command"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        url = service["environment"]["DATABASE_URL"]
        assert url.startswith("postgres://pilot_app:${APP_DB_PASSWORD:?"), name
        assert url.endswith("@db:5432/pilot"), name
        assert "migrate" not in " ".join(service["command"].split()[:3]), name
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
