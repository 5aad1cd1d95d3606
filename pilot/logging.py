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
