"""The cache: Redis normally, a memory cache of this process while Redis cannot be reached.

Django's RedisCache raises when Redis is down, and the cache is on the sign-in path (allauth's
rate limits) and on every save (the figures' refresh marker): a Redis restart would make
nobody able to sign in. This backend answers from a per-process memory cache instead, so rate
limits keep counting (per process) and nothing raises. What is cached is only ever a
shortcut or a counter, never data that must survive, so losing it in an outage is harmless.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# After a failure, use the memory cache without trying Redis for this long: a request that
# touches the cache ten times should not wait for ten connection attempts.
RETRY_AFTER_SECONDS = 5.0


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        # Fail fast: a Redis that does not answer should cost a request a second, not minutes.
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 2)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._fallback = LocMemCache(f"fallback-{id(self)}", {"KEY_PREFIX": self.key_prefix})
        self._down_until = 0.0

    @property
    def redis_down(self) -> bool:
        """Whether this process found Redis unreachable in the last few seconds."""
        return time.monotonic() < self._down_until

    def _call(self, name: str, *args, **kwargs):
        if not self.redis_down:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as exc:
                logger.warning("cache: Redis unreachable (%s); using the memory cache", exc)
                self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")
