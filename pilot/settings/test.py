"""Tests run on PostgreSQL and a real Redis, as production does.

DATABASE_URL overrides the local default server.
"""

import os

from .base import *  # noqa: F403
from .base import env

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/pilot"),
}
DATABASES["default"]["CONN_MAX_AGE"] = 0
# A test database per run, so that two suites on one machine never drop each other's database.
DATABASES["default"]["TEST"] = {
    "NAME": env("TEST_DATABASE_NAME", default=f"test_pilot_{os.getpid()}")
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# A Redis database of its own, so that tests never meet a developer's queued tasks.
REDIS_URL = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
# A queue per test run, shared with the worker that the run starts (tests/conftest.py).
CELERY_TASK_DEFAULT_QUEUE = env("TEST_CELERY_QUEUE", default=f"pilot-test-{os.getpid()}")

# Fixed, so that pseudonyms in tests are reproducible; tests of other keys override it.
PSEUDONYM_KEY = "test-pseudonym-key"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The cache gets a Redis database of its own, and every test run a key prefix of its own, so
# that tests clearing the cache never touch the queues or another run's keys.
CACHES = {
    "default": {
        "BACKEND": "kernel.cache.FallbackRedisCache",
        "LOCATION": env("TEST_CACHE_URL", default="redis://127.0.0.1:6379/14"),
        "KEY_PREFIX": env("TEST_CACHE_PREFIX", default=f"pilot-test-{os.getpid()}"),
    }
}
