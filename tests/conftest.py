import pytest


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
    import subprocess
    import sys
    import time
    from pathlib import Path

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
