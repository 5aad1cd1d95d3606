"""Small steps shared by the test folders."""


def warm_session(client) -> None:
    """One request after ``force_login``: the session's first request stamps its start and
    checks for a second factor (municipalities/middleware.py), which query-count tests of a
    page should not count."""
    client.get("/")
