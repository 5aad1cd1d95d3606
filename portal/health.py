"""What /health/ checks: can the application do its work, and if not, which part is wrong.

PostgreSQL holds everything; Redis carries the worker's tasks (and the cache, which falls back
to memory); the worker renders reports, builds exports and recomputes figures. With tasks run
in-process (the demo, CELERY_TASK_ALWAYS_EAGER) neither Redis nor a worker is needed, and a
cache that is not Redis needs no Redis either.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils import timezone


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure here means the same thing: no database
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


def _redis_urls() -> list[str]:
    urls = []
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        urls.append(settings.CELERY_BROKER_URL)
    cache = settings.CACHES["default"]
    if "redis" in cache["BACKEND"].lower():
        urls.append(cache["LOCATION"])
    return list(dict.fromkeys(urls))


def check_redis() -> dict:
    urls = _redis_urls()
    if not urls:
        return {"ok": True, "detail": "not used"}
    import redis

    for url in urls:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        except (redis.RedisError, OSError) as exc:
            return {"ok": False, "error": type(exc).__name__}
        finally:
            client.close()
    return {"ok": True}


def check_worker(*, database_ok: bool) -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "detail": "tasks run in-process"}
    if not database_ok:
        return {"ok": False, "error": "unknown: the database cannot be read"}
    from reporting.models import WorkerHeartbeat

    latest = WorkerHeartbeat.objects.order_by("-seen_at").first()
    if latest is None:
        return {"ok": False, "error": "no worker has ever reported"}
    age = round((timezone.now() - latest.seen_at).total_seconds())
    result = {"last_seen_seconds_ago": age, "worker": latest.hostname}
    if age > settings.WORKER_SILENT_SECONDS:
        return {"ok": False, "error": "no worker reported recently", **result}
    return {"ok": True, **result}


def health_checks() -> dict:
    database = check_database()
    checks = {
        "database": database,
        "redis": check_redis(),
        "worker": check_worker(database_ok=database["ok"]),
    }
    return {"ok": all(check["ok"] for check in checks.values()), "checks": checks}
