"""Per-person limits on work that a request queues for the worker (figures, reports, exports).

A fixed window per person and kind of work, counted in the cache (Redis in production). Going
over raises ``TooManyRequests``, which the middleware answers with 429 (portal/middleware.py).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


class TooManyRequests(Exception):
    """A person asked for more work of one kind than the limit allows."""

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def work_limit(*, user, action: str) -> None:
    """Count one piece of ``action`` work for ``user``; raise ``TooManyRequests`` past the
    limit of ``settings.WORK_RATE_LIMITS[action]`` (count, seconds)."""
    count, seconds = settings.WORK_RATE_LIMITS[action]
    client = getattr(user, "api_client", None)
    who = f"client-{client.pk}" if client is not None else user.pk
    _count(f"pilot:work:{action}:{who}", count, seconds)


def client_limit(*, client) -> None:
    """Count one request of an API client; raise ``TooManyRequests`` past
    ``settings.API_CLIENT_RATE_LIMIT`` (count, seconds)."""
    count, seconds = settings.API_CLIENT_RATE_LIMIT
    _count(f"pilot:api-client:{client.pk}", count, seconds)


def _count(prefix: str, count: int, seconds: int) -> None:
    """A fixed window of ``seconds`` that holds ``count`` requests."""
    now = int(time.time())
    window = now // seconds
    key = f"{prefix}:{window}"
    cache.add(key, 0, timeout=seconds)
    if cache.incr(key) > count:
        raise TooManyRequests(retry_after=(window + 1) * seconds - now)
