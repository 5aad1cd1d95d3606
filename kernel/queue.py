"""Sending Celery tasks without letting a broker outage turn a request into a 500.

The broker is Redis. When it cannot be reached, ``apply_async`` raises after its publish
retries; callers that run after a commit (``on_commit``) would otherwise turn a committed
write into an error page. ``send_task`` answers False instead, and the caller decides what the
user is told (a job is marked failed; a figures refresh is left to the next save or night).
"""

from __future__ import annotations

import logging

from django.conf import settings
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# OSError covers refused and timed-out connections below kombu and redis-py.
BROKER_ERRORS = (OperationalError, RedisError, OSError)


def send_task(name: str, *, kwargs: dict, countdown: int | None = None) -> bool:
    """Queue the task ``name``; return False (and log) when the broker cannot take it."""
    from celery import current_app

    task = current_app.tasks[name]
    try:
        # In demo mode (CELERY_TASK_ALWAYS_EAGER) this runs the task here and now.
        task.apply_async(kwargs=kwargs, countdown=countdown)
    except BROKER_ERRORS as exc:
        logger.warning("task %s not queued: broker unreachable (%s)", name, exc)
        return False
    return True


def broker_reachable() -> bool:
    """Whether the broker answers a ping now (at most about a second)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (RedisError, OSError):
        return False
