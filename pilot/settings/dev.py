"""Development and demo: runs with no environment and no external service.

Without DATABASE_URL the data lives in a SQLite file in the checkout; without a broker the
Celery tasks run in-process, so the demo needs nothing but Python.
"""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = env.bool("DEBUG", default=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# In-process tasks unless a broker is configured explicitly.
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default="CELERY_BROKER_URL" not in env and "REDIS_URL" not in env
)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# No Redis needed for the demo: an in-process cache.
if "REDIS_URL" not in env:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# On SQLite (the demo) the one-report-per-kind-date-municipality rule cannot be a database
# constraint (SQLite has no NULLS NOT DISTINCT); the report service looks the report up before
# it makes one, and PostgreSQL (tests, production) holds the constraint. Likewise the lists'
# covering indexes (INCLUDE columns, issue 17) are plain indexes on SQLite. No warning on every
# start.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    SILENCED_SYSTEM_CHECKS = ["models.W047", "models.W040"]
