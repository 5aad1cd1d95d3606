"""The two database roles of a test run: the owner and the application's own role.

pytest-django creates and migrates the test database as the owner (DATABASE_URL's user, the
``postgres`` superuser locally). Then ``tests/conftest.py`` makes a role for this run with
``manage.py db_app_role`` and switches Django's connection to it: every test, the live server
of the browser tests and the Celery worker of ``celery_worker_process`` work as the
application does in production, behind row-level security. Only what the application never
does itself uses the owner, through ``as_owner()`` or ``owner_url()``: flushing the tables
after a transactional test (TRUNCATE passes by the policies, so the application's role may not
do it), backup and restore (``pg_dump`` refuses to dump tables whose policies would hide rows),
``seed_demo --reset`` (it deletes the append-only audit log) and creating or dropping
databases.
"""

from __future__ import annotations

import contextlib
import os

from django.db import connections

_owner: dict[str, str] = {}

# What test code (factories, fixtures, assertions) works in outside a request: every
# municipality. Requests through the test client and the live server set their own scope and
# put this one back; tests of the wall itself use no_scope() or scoped_to().
TEST_SCOPE_REASON = "tests: factories, fixtures and assertions read and write every municipality"


def in_tests_scope():
    """The tests' pilot-wide scope, for a thread of a test: a thread has a connection of its
    own, which starts with no scope, as a server's does."""
    from municipalities.db_scope import pilot_wide

    return pilot_wide(TEST_SCOPE_REASON)


def app_role_name() -> str:
    return f"test_pilot_app_{os.getpid()}"


def remember_owner() -> None:
    settings = connections["default"].settings_dict
    _owner.update(USER=settings["USER"], PASSWORD=settings["PASSWORD"] or "")


def owner_user() -> str:
    return _owner.get("USER") or connections["default"].settings_dict["USER"]


def _switch(user: str, password: str) -> None:
    connection = connections["default"]
    connection.close()
    connection.settings_dict["USER"] = user
    connection.settings_dict["PASSWORD"] = password


def use_app_role(name: str) -> None:
    _switch(name, "")


def use_owner() -> None:
    _switch(_owner["USER"], _owner["PASSWORD"])


@contextlib.contextmanager
def as_owner():
    """Django's connection as the owner for the block (outside any transaction)."""
    connection = connections["default"]
    app_user = connection.settings_dict["USER"]
    if app_user == _owner.get("USER"):
        yield
        return
    use_owner()
    try:
        yield
    finally:
        _switch(app_user, "")


def owner_url(database: str | None = None) -> str:
    settings = connections["default"].settings_dict
    password = _owner.get("PASSWORD", "")
    return (
        f"postgres://{owner_user()}:{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{database or settings['NAME']}"
    )


def app_url(database: str | None = None) -> str:
    settings = connections["default"].settings_dict
    return (
        f"postgres://{app_role_name()}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{database or settings['NAME']}"
    )
