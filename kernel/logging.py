"""Logging filters that keep personal data out of the logs."""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?\S*")


class DropQueryString(logging.Filter):
    """The development server (runserver, and the tests' live server) logs each request line
    with its query string, where a search puts a name: keep the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                _QUERY.sub("", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("", record.msg)
        return True


class NoTracebackForClientErrors(logging.Filter):
    """A 403 or 404 is an answer, not a fault: Django logs it with the exception's traceback,
    which fills a terminal (two per refused page in the demo) and says nothing new. Keep the
    one line (status and path) and drop the traceback; server errors (500) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
