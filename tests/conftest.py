import contextlib
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest

from tests import db_roles

TEST_SCOPE_REASON = db_roles.TEST_SCOPE_REASON


def _drop_role(name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(db_roles.owner_url("postgres"))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP ROLE IF EXISTS "{name}"')
    finally:
        connection.close()


@pytest.fixture(scope="session")
def _app_role():
    """This run's application role; dropped after the test database is gone."""
    from django.db import connections

    if connections["default"].vendor != "postgresql":
        yield None
        return
    db_roles.remember_owner()
    name = db_roles.app_role_name()
    yield name
    _drop_role(name)


def _tests_scope_on_connect(sender, connection, **kwargs):
    """A connection object of the tests' own thread that never had a scope gets the tests'
    one: Django makes a new one per async context (Playwright's event loop, in the browser
    tests). A server thread's (the live server) and the worker's start with none, as in
    production."""
    import threading

    from municipalities.db_scope import _apply, pilot_wide_scope

    if (
        connection.vendor == "postgresql"
        and db_roles._owner
        and threading.current_thread() is threading.main_thread()
        and not hasattr(connection, "_pilot_db_scope")
    ):
        connection._pilot_db_scope = pilot_wide_scope(TEST_SCOPE_REASON)
        _apply(connection, connection._pilot_db_scope)


@pytest.fixture(scope="session")
def django_db_setup(_app_role, django_db_setup, django_db_blocker):
    """The test database, made and migrated by the owner; the tests then run as the
    application's own role (tests/db_roles.py), never as a superuser."""
    from django.core.management import call_command
    from django.db.backends.signals import connection_created
    from django.test import TransactionTestCase

    from municipalities.db_scope import pilot_wide

    if _app_role is None:
        yield
        return
    with django_db_blocker.unblock():
        out = StringIO()
        call_command("db_app_role", _app_role, stdout=out)
        assert out.getvalue().splitlines()[-1].startswith(f"DATABASE_URL=postgres://{_app_role}@")
    db_roles.use_app_role(_app_role)

    # After a transactional test Django empties the tables with TRUNCATE, which the
    # application's role may not do (it would pass by the policies): the owner does it.
    flush_as_app = TransactionTestCase._fixture_teardown

    def flush_as_owner(self):
        with db_roles.as_owner():
            flush_as_app(self)

    TransactionTestCase._fixture_teardown = flush_as_owner
    connection_created.connect(_tests_scope_on_connect, dispatch_uid="tests-scope-on-connect")
    with contextlib.ExitStack() as stack:
        stack.enter_context(pilot_wide(TEST_SCOPE_REASON))
        yield
        TransactionTestCase._fixture_teardown = flush_as_app
        with django_db_blocker.unblock():
            stack.close()
            db_roles.use_owner()


@pytest.fixture(autouse=True)
def _scope_put_back():
    """Every scope a test entered (requests included) is left again by its end."""
    yield
    from django.db import connections

    from municipalities.db_scope import current_scope

    connection = connections["default"]
    # (A connection object that was never used has no scope yet: see _tests_scope_on_connect.)
    if connection.vendor == "postgresql" and hasattr(connection, "_pilot_db_scope"):
        scope = current_scope()
        assert scope.all_municipalities and scope.reason == TEST_SCOPE_REASON, scope


@pytest.fixture(autouse=True)
def _english_messages(settings):
    # Tests assert on message text; the interface's own language tests set "nl" themselves.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _empty_cache():
    # The cache lives in Redis (as in production): start every test without rate-limit counters.
    from django.conf import settings
    from django.core.cache import cache

    # Only this run's keys (cache.clear() would flush the keys of every run on this Redis).
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    yield


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real Celery worker in its own process, on the test database and the test Redis.

    Module-scoped: it is stopped before the test database is dropped. Tests that use it need
    ``django_db(transaction=True)`` so that the worker sees their committed rows.
    """
    import os
    import socket
    import time

    from django.conf import settings
    from django.db import connection

    from pilot.celery import app

    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    # The queue is this test run's own (see pilot/settings/test.py): a worker of another run
    # on the same Redis never takes these tasks, and this one never takes theirs.
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    # Tasks that earlier tests of this run queued while no worker ran are not for this one.
    app.control.purge()
    nodename = f"test-{os.getpid()}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pilot.settings.test",
        "DATABASE_URL": database_url,
        "TEST_DATABASE_NAME": db["NAME"],
        "TEST_CELERY_QUEUE": queue,
        "TEST_CACHE_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }
    root = Path(__file__).resolve().parent.parent
    log = subprocess.DEVNULL
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pilot",
            "worker",
            "--pool=solo",
            "--loglevel=info",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            "-n",
            nodename,
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(destination=[nodename], timeout=0.5):
            break
        if worker.poll() is not None:
            raise RuntimeError("the Celery worker exited while starting")
    else:
        worker.kill()
        raise RuntimeError("the Celery worker did not answer within 60 s")
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
