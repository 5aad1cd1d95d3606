"""A second lane for a research export: some tables are written by a forked copy of the process.

A research export is CPU work in Python (pseudonyms, the outflow rules, the file writers) on a
machine with more than one core; the GIL keeps threads from sharing it. So the export forks
once, when it starts: the copy writes its tables into the same temporary folder on its own
database connection, while this process writes the others, and the zip is made when both are
done. This is what ``pg_dump --jobs`` does for the same reason.

Forking is only safe in a process that runs nothing else at the time, so a lane is opened only
when ``can_fork`` says so: PostgreSQL, no transaction open on the connection (a copy on another
connection would not see its uncommitted rows, as in tests), a single thread (a Celery prefork
child or a management command; not a threaded development server), and the
``RESEARCH_EXPORT_PARALLEL`` setting on. Otherwise every table is written here, one after the
other, with the same result.

The copy must never touch the database connection it inherited: closing it would end this
process's session. It forgets it (keeping a reference, so that it is never closed either),
opens its own, and leaves with ``os._exit``, which runs no clean-up of inherited objects.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection, Pipe

from django.conf import settings
from django.db import connection, connections

logger = logging.getLogger(__name__)

ProgressSink = Callable[[str, float], None]  # (table name, share done 0-1)
# Kept for the life of a forked copy so that they are never closed (see the module docstring).
_INHERITED: list[object] = []


class LaneFailed(Exception):
    """The forked lane raised: its exception type and message (the traceback is in its log)."""


def can_fork() -> bool:
    return (
        settings.RESEARCH_EXPORT_PARALLEL
        and hasattr(os, "fork")
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and _single_threaded()
    )


def _single_threaded() -> bool:
    return threading.active_count() == 1


class ForkedLane:
    """``work(progress)`` run in a forked copy of this process; ``join`` returns its result.

    ``work`` gets a function to report (table, share done) with, and returns a dict of row
    counts. Progress and the result come back through a pipe; ``poll`` hands on the progress
    that has arrived so far without waiting.
    """

    def __init__(self, work: Callable[[ProgressSink], dict[str, int]]) -> None:
        receiver, sender = Pipe(duplex=False)
        self._receiver = receiver
        self._pid = os.fork()
        if self._pid == 0:  # the copy: never returns
            receiver.close()
            _run_copy(work, sender)
        sender.close()
        logger.info("research export: second lane in process %s", self._pid)
        self._result: dict[str, int] | None = None

    def poll(self, progress: ProgressSink) -> None:
        """Pass on the lane's progress messages that have arrived; never waits."""
        while self._result is None and self._receiver.poll():
            self._receive(progress)

    def join(self, progress: ProgressSink) -> dict[str, int]:
        """Wait for the lane to finish; its row counts, or LaneFailed."""
        try:
            while self._result is None:
                self._receive(progress)
        finally:
            self._reap()
        return self._result

    def abandon(self) -> None:
        """Stop the lane (this process failed: its tables are not needed any more). SIGKILL,
        because the copy inherited this process's signal handlers (a Celery worker's, say),
        which may not end it; its database session simply ends with it."""
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def _receive(self, progress: ProgressSink) -> None:
        try:
            kind, payload = self._receiver.recv()
        except EOFError:
            raise LaneFailed("the export's second lane stopped without a result") from None
        if kind == "progress":
            progress(*payload)
        elif kind == "done":
            self._result = payload
        else:
            raise LaneFailed(payload)

    def _reap(self) -> None:
        if self._pid:
            os.waitpid(self._pid, 0)
            self._pid = 0
            self._receiver.close()


def _run_copy(work: Callable[[ProgressSink], dict[str, int]], sender: Connection) -> None:
    status = 1
    try:
        _forget_inherited_connections()
        counts = work(lambda table, done: sender.send(("progress", (table, done))))
        sender.send(("done", counts))
        status = 0
    except BaseException as error:  # noqa: BLE001 - everything must reach the parent
        logger.exception("research export lane failed")
        with contextlib.suppress(BaseException):  # if not, the parent sees EOF instead
            sender.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        try:
            connections.close_all()  # only the copy's own connections: see below
        finally:
            os._exit(status)


def _forget_inherited_connections() -> None:
    # The socket is shared with the parent: closing it here, or letting the object be freed
    # (which closes it), would end the parent's session. Django opens a fresh connection on the
    # next query.
    for inherited in connections.all(initialized_only=True):
        if inherited.connection is not None:
            _INHERITED.append(inherited.connection)
            inherited.connection = None
