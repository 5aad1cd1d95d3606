"""/health/ says whether the application can do its work and which part is wrong;
/health/live/ only says that the process answers."""

import datetime
import socket

import pytest
from django.utils import timezone

from reporting.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def _closed_port_url() -> str:
    # A port that was free a moment ago: nothing listens there, so connecting is refused.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def _worker_seen(seconds_ago: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        hostname="celery@web1",
        seen_at=now - datetime.timedelta(seconds=seconds_ago),
        started_at=now - datetime.timedelta(hours=1),
    )


def test_liveness_answers_ok_without_signing_in(client):
    response = client.get("/health/live/")
    assert (response.status_code, response.content) == (200, b"ok")


def test_health_answers_ok_when_database_redis_and_worker_are_fine(client):
    _worker_seen(10)
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["redis"] == {"ok": True}
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["worker"]["worker"] == "celery@web1"
    assert 9 <= body["checks"]["worker"]["last_seen_seconds_ago"] <= 12


def test_health_answers_503_naming_the_worker_when_none_reported(client):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {
            "database": {"ok": True},
            "redis": {"ok": True},
            "worker": {"ok": False, "error": "no worker has ever reported"},
        },
    }


def test_health_answers_503_when_the_worker_went_silent(client, settings):
    settings.WORKER_SILENT_SECONDS = 180
    _worker_seen(600)
    response = client.get("/health/")
    assert response.status_code == 503
    worker = response.json()["checks"]["worker"]
    assert (worker["ok"], worker["error"], worker["worker"]) == (
        False,
        "no worker reported recently",
        "celery@web1",
    )
    assert 599 <= worker["last_seen_seconds_ago"] <= 602


def test_health_answers_503_naming_redis_when_it_cannot_be_reached(client, settings):
    _worker_seen(10)
    settings.CELERY_BROKER_URL = _closed_port_url()
    response = client.get("/health/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"] == {"ok": False, "error": "ConnectionError"}
    assert checks["database"] == {"ok": True}
    assert checks["worker"]["ok"] is True
    # The process itself is fine: liveness stays 200.
    assert client.get("/health/live/").status_code == 200


def test_health_needs_no_worker_or_redis_when_tasks_run_in_process(client, settings):
    # The demo (bin/demo): in-process tasks and a memory cache.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": {"ok": True},
        "redis": {"ok": True, "detail": "not used"},
        "worker": {"ok": True, "detail": "tasks run in-process"},
    }
