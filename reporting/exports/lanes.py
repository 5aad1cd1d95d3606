"""Lanes for a research export: forked copies of the process that write the tables in parallel.

A research export is CPU work in Python (pseudonyms, the outflow rules, the file writers) on a
machine with more than one core; the GIL keeps threads from sharing it. So the export forks two
lanes, each writing some of the tables into the same temporary folder on its own database
connection, while this process passes their progress on and makes the zip when both are done.

Every lane reads the same moment of the database: this process opens a REPEATABLE READ
transaction on a connection of its own and exports its snapshot (``exported_snapshot``), and
each lane imports it before its first read. A change committed while the export runs is in none
of the tables, rather than in some. This is what ``pg_dump --jobs`` does, for the same reasons.

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
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, Pipe, wait
from typing import ClassVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

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


@contextlib.contextmanager
def exported_snapshot() -> Iterator[str]:
    """A snapshot id that lanes can import, valid until the block ends.

    The transaction that holds it runs on a connection of its own, not the one this process
    uses, so that the export's progress can still be written and seen while it runs.
    """
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        yield snapshot
    finally:
        holder.close()  # ends the read-only transaction


def run_lanes(
    works: list[Callable[[ProgressSink], dict[str, int]]],
    progress: ProgressSink,
    *,
    snapshot: str,
) -> dict[str, int]:
    """Run each work in a lane of its own on ``snapshot``, passing their progress on; return
    their row counts together, or raise LaneFailed when one fails (the others are stopped)."""
    started: list[ForkedLane] = []
    try:
        for work in works:
            started.append(ForkedLane(work, snapshot=snapshot))
        counts: dict[str, int] = {}
        running = {lane.receiver: lane for lane in started}
        while running:
            for receiver in wait(list(running)):
                lane = running[receiver]
                lane.receive(progress)
                if lane.result is not None:
                    counts |= lane.join()
                    del running[receiver]
        return counts
    finally:
        for lane in started:
            lane.abandon()  # only those still running: after join there is nothing to stop


class ForkedLane:
    """``work(progress)`` run in a forked copy of this process, in the transaction snapshot
    ``snapshot``; ``join`` returns its result.

    ``work`` gets a function to report (table, share done) with, and returns a dict of row
    counts. Progress and the result come back through a pipe (``receiver``), one message per
    ``receive``.
    """

    # The read ends of the lanes of this process still running: a lane forked later closes
    # them, so that only this process holds them.
    _receivers: ClassVar[set[Connection]] = set()

    def __init__(self, work: Callable[[ProgressSink], dict[str, int]], *, snapshot: str) -> None:
        receiver, sender = Pipe(duplex=False)
        self.receiver = receiver
        self.result: dict[str, int] | None = None
        try:
            self._pid = os.fork()
        except BaseException:
            receiver.close()
            sender.close()
            raise
        if self._pid == 0:  # the copy: never returns
            receiver.close()
            for other in ForkedLane._receivers:
                other.close()
            _run_copy(work, sender, snapshot)
        sender.close()
        ForkedLane._receivers.add(receiver)
        logger.info("research export: lane in process %s", self._pid)

    def receive(self, progress: ProgressSink) -> None:
        """Take one message: progress goes to ``progress``, the end sets ``result``."""
        try:
            kind, payload = self.receiver.recv()
        except EOFError:
            status = self._reap()
            raise LaneFailed(f"an export lane stopped without a result ({status})") from None
        if kind == "progress":
            progress(*payload)
        elif kind == "done":
            self.result = payload
        else:
            self._reap()
            raise LaneFailed(payload)

    def join(self) -> dict[str, int]:
        """Wait for the finished lane's process to end; its row counts."""
        self._reap()
        return self.result

    def abandon(self) -> None:
        """Stop the lane (this process failed: its tables are not needed any more). SIGKILL,
        because the copy inherited this process's signal handlers (a Celery worker's, say),
        which may not end it; its database session simply ends with it."""
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> str:
        """Wait for the lane's process to end; how it ended, in words for LaneFailed."""
        if not self._pid:
            return "already ended"
        pid, self._pid = self._pid, 0
        ForkedLane._receivers.discard(self.receiver)
        self.receiver.close()
        try:
            _pid, status = os.waitpid(pid, 0)
        except ChildProcessError:  # someone else waited for it
            return "exit status unknown"
        if os.WIFSIGNALED(status):
            return f"killed by signal {os.WTERMSIG(status)}"
        return f"exit status {os.waitstatus_to_exitcode(status)}"


def _run_copy(
    work: Callable[[ProgressSink], dict[str, int]], sender: Connection, snapshot: str
) -> None:
    status = 1
    try:
        _forget_inherited_connections()
        # SET TRANSACTION SNAPSHOT must come before the transaction's first query.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
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
    # next query. (The snapshot's holder is not in ``connections``; it is never closed here
    # either, since the frame that holds it never returns in the copy.)
    for inherited in connections.all(initialized_only=True):
        if inherited.connection is not None:
            _INHERITED.append(inherited.connection)
            inherited.connection = None
