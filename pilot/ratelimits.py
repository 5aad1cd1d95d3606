"""Per-person limits on work that a request queues for the worker (figures, reports, exports).

A fixed window per person and kind of work, counted in the cache (Redis in production). Going
over raises ``TooManyRequests``, which the middleware answers with 429 (pilot/middleware.py).
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
    now = int(time.time())
    window = now // seconds
    key = f"pilot:work:{action}:{user.pk}:{window}"
    cache.add(key, 0, timeout=seconds)
    if cache.incr(key) > count:
        raise TooManyRequests(retry_after=(window + 1) * seconds - now)
