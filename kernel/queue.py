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


# One client per broker address and process, kept: its pool keeps the connection open, so a
# ping is one round trip instead of a connection made and closed on every dashboard request
# (with redis-py's handshake, the larger part of a warm dashboard's time at national scale).
# The pool notices a forked process and reconnects after an outage by itself.
_ping_clients: dict[str, object] = {}


def broker_reachable() -> bool:
    """Whether the broker answers a ping now (at most about a second)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    import redis

    url = settings.CELERY_BROKER_URL
    try:
        client = _ping_clients.get(url)
        if client is None:
            client = _ping_clients.setdefault(
                url, redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
            )
        return bool(client.ping())
    except (RedisError, OSError):
        return False
