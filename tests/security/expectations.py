"""The leak matrix's expectations: for every route, what each kind of actor gets.

One row per route of the URL resolver (its full pattern, exactly as ``routes()`` spells it).
``obj`` says which object of municipality A or B fills the route's parameters (None: the
route has none and runs once per actor); ``GET``/``POST`` (and ``writes`` for PUT, PATCH and
DELETE on the API) give the status per actor, in the order of ``ACTORS``:

    anonymous, jobcoach A, jobcoach B, IMK coach 1 (A's entrepreneur), IMK coach 2 (B's),
    funder, researcher, programme admin

and ``privacy_officer`` as a keyword (403 unless given: the officer sees the processing log and
nothing else).

A number is the status for objects of A and of B alike; a pair ``(a, b)`` differs by
municipality. A new route fails ``test_every_route_has_an_expectation`` until it has a row.
The Django admin's routes follow one rule (``admin_row``) so that a registered model is
covered without a row of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

Status = int | tuple[int, int]


@dataclass(frozen=True)
class Expect:
    anonymous: Status
    jobcoach_a: Status
    jobcoach_b: Status
    imk_coach_1: Status
    imk_coach_2: Status
    funder: Status
    researcher: Status
    programme_admin: Status
    # Pilot-wide, the processing log and a person's requests only: refused everywhere else.
    privacy_officer: Status = 403

    def status(self, actor: str, tenant: str | None) -> int:
        value = getattr(self, actor)
        if isinstance(value, tuple):
            return value[0 if tenant == "a" else 1]
        return value


def e(*statuses: Status, privacy_officer: Status = 403) -> Expect:
    return Expect(*statuses, privacy_officer=privacy_officer)


def same(status: int) -> Expect:
    return Expect(*[status] * 8, privacy_officer=status)


def officer_only(status: Status, others: int = 403) -> Expect:
    """A page of the privacy officer's: ``status`` for the officer, ``others`` for every other
    signed-in person, sign in first for the anonymous."""
    return e(302, *[others] * 7, privacy_officer=status)


@dataclass(frozen=True)
class Row:
    obj: str | None
    GET: Expect
    POST: Expect
    writes: Expect | None = None  # PUT, PATCH, DELETE (API routes)
    PUT: Expect | None = None  # when PUT differs from PATCH and DELETE (the write API)


# The pilot's own pages, its API and allauth's pages: reviewed against domain.md's table "Roles
# and what each may see" (another municipality's row is 404, a role without the page 403, the
# signed-out are sent to sign in).
EXPECTATIONS: dict[str, Row] = {
    # The matrix's world has a worker heartbeat of just now, so /health/ is ok.
    "health/": Row(None, GET=same(200), POST=same(405)),
    "admin/login/": Row(None, GET=same(302), POST=same(302)),
    "admin/password_change/": Row(None, GET=same(302), POST=same(302)),
    "accounts/email/": Row(None, GET=same(404), POST=same(404)),
    "accounts/confirm-email/": Row(None, GET=same(404), POST=same(404)),
    r"^accounts/confirm-email/(?P<key>[-:\w]+)/$": Row("token", GET=same(404), POST=same(404)),
    "accounts/login/": Row(
        None,
        GET=e(200, 302, 302, 302, 302, 302, 302, 302, privacy_officer=302),
        POST=e(200, 302, 302, 302, 302, 302, 302, 302, privacy_officer=302),
    ),
    "accounts/logout/": Row(
        None, GET=e(302, 200, 200, 200, 200, 200, 200, 200, privacy_officer=200), POST=same(302)
    ),
    "accounts/inactive/": Row(None, GET=same(200), POST=same(405)),
    "accounts/signup/": Row(
        None,
        GET=e(200, 302, 302, 302, 302, 302, 302, 302, privacy_officer=302),
        POST=e(200, 302, 302, 302, 302, 302, 302, 302, privacy_officer=302),
    ),
    "accounts/reauthenticate/": Row(
        None,
        GET=e(302, 200, 200, 200, 200, 200, 200, 200, privacy_officer=200),
        POST=e(302, 200, 200, 200, 200, 200, 200, 200, privacy_officer=200),
    ),
    # Reauthentication by a mailed code is off (ACCOUNT_REAUTHENTICATION_METHODS).
    "accounts/reauthenticate/code/": Row(
        None,
        GET=e(302, 403, 403, 403, 403, 403, 403, 403),
        POST=e(302, 403, 403, 403, 403, 403, 403, 403),
    ),
    # Reauthentication by a mailed code is off (ACCOUNT_REAUTHENTICATION_METHODS).
    "accounts/reauthenticate/code/confirm/": Row(
        None,
        GET=e(302, 403, 403, 403, 403, 403, 403, 403),
        POST=e(302, 403, 403, 403, 403, 403, 403, 403),
    ),
    "accounts/password/change/": Row(
        None,
        GET=e(302, 200, 200, 200, 200, 200, 200, 200, privacy_officer=200),
        POST=e(302, 200, 200, 200, 200, 200, 200, 200, privacy_officer=200),
    ),
    "accounts/password/set/": Row(None, GET=same(302), POST=same(302)),
    "accounts/password/reset/": Row(None, GET=same(200), POST=same(200)),
    "accounts/login/code/confirm/": Row(None, GET=same(302), POST=same(302)),
    r"accounts/^confirm-email/(?P<key>[-:\w]+)/$": Row("token", GET=same(404), POST=same(404)),
    "accounts/password/reset/key/done/": Row(None, GET=same(200), POST=same(405)),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": Row(
        "token", GET=same(200), POST=same(200)
    ),
    "accounts/password/reset/done/": Row(None, GET=same(200), POST=same(405)),
    "accounts/2fa/": Row(
        None,
        GET=e(302, 200, 200, 200, 200, 200, 200, 200, privacy_officer=200),
        POST=e(302, 405, 405, 405, 405, 405, 405, 405, privacy_officer=405),
    ),
    "accounts/2fa/authenticate/": Row(None, GET=same(302), POST=same(302)),
    "accounts/2fa/reauthenticate/": Row(
        None,
        GET=e(302, 200, 200, 200, 200, 200, 200, 200, privacy_officer=200),
        POST=e(302, 200, 200, 200, 200, 200, 200, 200, privacy_officer=200),
    ),
    "accounts/2fa/totp/activate/": Row(None, GET=same(302), POST=same(302)),
    "accounts/2fa/totp/deactivate/": Row(None, GET=same(302), POST=same(302)),
    "accounts/2fa/recovery-codes/": Row(
        None,
        GET=e(302, 404, 404, 404, 404, 404, 404, 404, privacy_officer=404),
        POST=e(302, 405, 405, 405, 405, 405, 405, 405, privacy_officer=405),
    ),
    "accounts/2fa/recovery-codes/generate/": Row(None, GET=same(302), POST=same(302)),
    "accounts/2fa/recovery-codes/download/": Row(
        None,
        GET=e(302, 404, 404, 404, 404, 404, 404, 404, privacy_officer=404),
        POST=e(302, 404, 404, 404, 404, 404, 404, 404, privacy_officer=404),
    ),
    "accounts/sessions/": Row(
        None, GET=e(302, 200, 200, 200, 200, 200, 200, 200, privacy_officer=200), POST=same(302)
    ),
    "api/v1/^jobseekers/$": Row(
        None,
        GET=e(401, 200, 200, 403, 403, 403, 403, 200),
        POST=e(401, 405, 405, 403, 403, 403, 403, 405),
        writes=e(401, 405, 405, 403, 403, 403, 403, 405),
    ),
    r"api/v1/^jobseekers\.(?P<format>[a-z0-9]+)/?$": Row(
        None,
        GET=e(401, 200, 200, 403, 403, 403, 403, 200),
        POST=e(401, 405, 405, 403, 403, 403, 403, 405),
        writes=e(401, 405, 405, 403, 403, 403, 403, 405),
    ),
    "api/v1/^jobseekers/(?P<ref>[A-Za-z0-9_-]{1,64})/$": Row(
        "jobseeker",
        GET=e(401, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(401, 405, 405, 403, 403, 403, 403, 405),
        writes=e(401, 405, 405, 403, 403, 403, 403, 405),
        # Only API clients write (api-write.md); their own tests are in tests/api.
        PUT=e(401, 403, 403, 403, 403, 403, 403, 403),
    ),
    r"api/v1/^jobseekers/(?P<ref>[A-Za-z0-9_-]{1,64})\.(?P<format>[a-z0-9]+)/?$": Row(
        "jobseeker",
        GET=e(401, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(401, 405, 405, 403, 403, 403, 403, 405),
        writes=e(401, 405, 405, 403, 403, 403, 403, 405),
        # Only API clients write (api-write.md); their own tests are in tests/api.
        PUT=e(401, 403, 403, 403, 403, 403, 403, 403),
    ),
    "api/v1/^placements/$": Row(
        None,
        GET=e(401, 200, 200, 200, 200, 403, 403, 200),
        POST=e(401, 405, 405, 405, 405, 403, 403, 405),
        writes=e(401, 405, 405, 405, 405, 403, 403, 405),
    ),
    r"api/v1/^placements\.(?P<format>[a-z0-9]+)/?$": Row(
        None,
        GET=e(401, 200, 200, 200, 200, 403, 403, 200),
        POST=e(401, 405, 405, 405, 405, 403, 403, 405),
        writes=e(401, 405, 405, 405, 405, 403, 403, 405),
    ),
    "api/v1/^placements/(?P<ref>[A-Za-z0-9_-]{1,64})/$": Row(
        "placement",
        GET=e(401, (200, 404), (404, 200), (200, 404), (404, 200), 403, 403, 200),
        POST=e(401, 405, 405, 405, 405, 403, 403, 405),
        writes=e(401, 405, 405, 405, 405, 403, 403, 405),
        # Only API clients write (api-write.md); their own tests are in tests/api.
        PUT=e(401, 403, 403, 403, 403, 403, 403, 403),
    ),
    r"api/v1/^placements/(?P<ref>[A-Za-z0-9_-]{1,64})\.(?P<format>[a-z0-9]+)/?$": Row(
        "placement",
        GET=e(401, (200, 404), (404, 200), (200, 404), (404, 200), 403, 403, 200),
        POST=e(401, 405, 405, 405, 405, 403, 403, 405),
        writes=e(401, 405, 405, 405, 405, 403, 403, 405),
        # Only API clients write (api-write.md); their own tests are in tests/api.
        PUT=e(401, 403, 403, 403, 403, 403, 403, 403),
    ),
    "api/v1/^entrepreneurs/$": Row(
        None,
        GET=e(401, 200, 200, 200, 200, 403, 403, 200),
        POST=e(401, 405, 405, 405, 405, 403, 403, 405),
        writes=e(401, 405, 405, 405, 405, 403, 403, 405),
    ),
    r"api/v1/^entrepreneurs\.(?P<format>[a-z0-9]+)/?$": Row(
        None,
        GET=e(401, 200, 200, 200, 200, 403, 403, 200),
        POST=e(401, 405, 405, 405, 405, 403, 403, 405),
        writes=e(401, 405, 405, 405, 405, 403, 403, 405),
    ),
    "api/v1/^entrepreneurs/(?P<ref>[A-Za-z0-9_-]{1,64})/$": Row(
        "entrepreneur",
        GET=e(401, (200, 404), (404, 200), (200, 404), (404, 200), 403, 403, 200),
        POST=e(401, 405, 405, 405, 405, 403, 403, 405),
        writes=e(401, 405, 405, 405, 405, 403, 403, 405),
        # Only API clients write (api-write.md); their own tests are in tests/api.
        PUT=e(401, 403, 403, 403, 403, 403, 403, 403),
    ),
    r"api/v1/^entrepreneurs/(?P<ref>[A-Za-z0-9_-]{1,64})\.(?P<format>[a-z0-9]+)/?$": Row(
        "entrepreneur",
        GET=e(401, (200, 404), (404, 200), (200, 404), (404, 200), 403, 403, 200),
        POST=e(401, 405, 405, 405, 405, 403, 403, 405),
        writes=e(401, 405, 405, 405, 405, 403, 403, 405),
        # Only API clients write (api-write.md); their own tests are in tests/api.
        PUT=e(401, 403, 403, 403, 403, 403, 403, 403),
    ),
    "api/v1/": Row(
        None,
        GET=e(401, 200, 200, 200, 200, 200, 200, 200),
        POST=e(401, 405, 405, 405, 405, 405, 405, 405),
        writes=e(401, 405, 405, 405, 405, 405, 405, 405),
    ),
    "api/v1/<drf_format_suffix:format>": Row(
        None,
        GET=e(401, 200, 200, 200, 200, 200, 200, 200),
        POST=e(401, 405, 405, 405, 405, 405, 405, 405),
        writes=e(401, 405, 405, 405, 405, 405, 405, 405),
    ),
    "api/v1/metrics/": Row(
        None,
        GET=e(401, 200, 200, 403, 403, 200, 200, 200),
        POST=e(401, 405, 405, 403, 403, 405, 405, 405),
        writes=e(401, 405, 405, 403, 403, 405, 405, 405),
    ),
    # Savings (issue 14): scoped as the metrics are.
    "api/v1/savings/": Row(
        None,
        GET=e(401, 200, 200, 403, 403, 200, 200, 200),
        POST=e(401, 405, 405, 403, 403, 405, 405, 405),
        writes=e(401, 405, 405, 403, 403, 405, 405, 405),
    ),
    "api/schema/": Row(
        None,
        GET=e(401, 200, 200, 200, 200, 200, 200, 200),
        POST=e(401, 405, 405, 405, 405, 405, 405, 405),
        writes=e(401, 405, 405, 405, 405, 405, 405, 405),
    ),
    # The write API (api-write.md): benefit periods under their jobseeker. People read them as
    # they read the jobseeker's periods; only API clients write (tests/api).
    "api/^v1/jobseekers/(?P<ref>[A-Za-z0-9_-]{1,64})/benefit-periods/$": Row(
        "jobseeker",
        GET=e(401, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(401, 405, 405, 403, 403, 403, 403, 405),
        writes=e(401, 405, 405, 403, 403, 403, 403, 405),
    ),
    "api/^v1/jobseekers/(?P<ref>[A-Za-z0-9_-]{1,64})/benefit-periods/"
    "(?P<benefit_type>[a-z_]{1,32})/(?P<start_date>[0-9]{4}-[0-9]{2}-[0-9]{2})/$": Row(
        "benefit_key",
        GET=e(401, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(401, 405, 405, 403, 403, 403, 403, 405),
        writes=e(401, 405, 405, 403, 403, 403, 403, 405),
        PUT=e(401, 403, 403, 403, 403, 403, 403, 403),
    ),
    "i18n/setlang/": Row(None, GET=same(302), POST=same(302)),
    "invitations/new/": Row(
        None,
        GET=e(302, 403, 403, 403, 403, 403, 403, 200),
        POST=e(302, 403, 403, 403, 403, 403, 403, 200),
    ),
    # A list's municipality field's suggestions: only the municipalities the user may see
    # (a jobcoach's own; test_municipality_suggest.py checks the names).
    "municipalities/suggest/": Row(
        None,
        GET=e(302, 200, 200, 403, 403, 403, 403, 200),
        POST=e(302, 405, 405, 403, 403, 403, 403, 405),
    ),
    "jobseekers/": Row(
        None,
        GET=e(302, 200, 200, 403, 403, 403, 403, 200),
        POST=e(302, 405, 405, 403, 403, 403, 403, 405),
    ),
    "jobseekers/new/": Row(
        None,
        GET=e(302, 200, 200, 403, 403, 403, 403, 200),
        POST=e(302, 200, 200, 403, 403, 403, 403, 200),
    ),
    "jobseekers/<int:pk>/": Row(
        "jobseeker",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, 405, 405, 403, 403, 403, 403, 405),
    ),
    "jobseekers/<int:pk>/edit/": Row(
        "jobseeker",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "jobseekers/<int:pk>/benefits/ended/": Row(
        "jobseeker",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "jobseekers/<int:pk>/benefits/new/": Row(
        "jobseeker",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "placements/": Row(
        None,
        GET=e(302, 200, 200, 403, 403, 403, 403, 200),
        POST=e(302, 405, 405, 403, 403, 403, 403, 405),
    ),
    # The whole of two home-page to-do lists: a jobcoach's own work (their municipalities).
    "benefit-checks/due/": Row(
        None,
        GET=e(302, 200, 200, 403, 403, 403, 403, 403),
        POST=e(302, 405, 405, 403, 403, 403, 403, 403),
    ),
    "reviews/due/": Row(
        None,
        GET=e(302, 200, 200, 403, 403, 403, 403, 403),
        POST=e(302, 405, 405, 403, 403, 403, 403, 403),
    ),
    "placements/new/": Row(
        None,
        GET=e(302, 200, 200, 403, 403, 403, 403, 200),
        POST=e(302, 200, 200, 403, 403, 403, 403, 200),
    ),
    "placements/<int:pk>/": Row(
        "placement",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, 405, 405, 403, 403, 403, 403, 405),
    ),
    "placements/<int:pk>/agree/": Row(
        "placement",
        GET=e(302, (302, 404), (404, 302), 403, 403, 403, 403, 302),
        POST=e(302, (302, 404), (404, 302), 403, 403, 403, 403, 302),
    ),
    "placements/<int:pk>/start/": Row(
        "placement",
        GET=e(302, (302, 404), (404, 302), 403, 403, 403, 403, 302),
        POST=e(302, (302, 404), (404, 302), 403, 403, 403, 403, 302),
    ),
    "placements/<int:pk>/review/": Row(
        "placement",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "placements/<int:pk>/complete/": Row(
        "placement",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "placements/<int:pk>/terminate/": Row(
        "placement",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "placements/<int:pk>/cancel/": Row(
        "placement",
        GET=e(302, (302, 404), (404, 302), 403, 403, 403, 403, 302),
        POST=e(302, (302, 404), (404, 302), 403, 403, 403, 403, 302),
    ),
    "entrepreneurs/": Row(
        None,
        GET=e(302, 200, 200, 200, 200, 403, 403, 200),
        POST=e(302, 405, 405, 405, 405, 403, 403, 405),
    ),
    "entrepreneurs/<int:pk>/": Row(
        "entrepreneur",
        GET=e(302, (200, 404), (404, 200), (200, 404), (404, 200), 403, 403, 200),
        POST=e(302, 405, 405, 405, 405, 403, 403, 405),
    ),
    "entrepreneurs/<int:pk>/sessions/new/": Row(
        "entrepreneur",
        GET=e(302, 403, 403, (200, 404), (404, 200), 403, 403, 403),
        POST=e(302, 403, 403, (200, 404), (404, 200), 403, 403, 403),
    ),
    "sessions/<int:pk>/edit/": Row(
        "session",
        GET=e(302, 403, 403, (200, 404), (404, 200), 403, 403, 200),
        POST=e(302, 403, 403, (200, 404), (404, 200), 403, 403, 200),
    ),
    "dashboard/": Row(
        None,
        GET=e(302, 200, 200, 403, 403, 200, 200, 200),
        POST=e(302, 405, 405, 403, 403, 405, 405, 405),
    ),
    "dashboard/status/": Row(
        None,
        GET=e(302, 204, 204, 403, 403, 204, 204, 204),
        POST=e(302, 405, 405, 403, 403, 405, 405, 405),
    ),
    # The rollout calculator (issue 14): the funder and the programme admin only.
    "rollout/": Row(
        None,
        GET=e(302, 403, 403, 403, 403, 200, 403, 200),
        POST=e(302, 403, 403, 403, 403, 405, 403, 405),
    ),
    "reports/": Row(
        None,
        GET=e(302, 200, 200, 403, 403, 200, 200, 200),
        POST=e(302, 400, 400, 403, 403, 400, 400, 400),
    ),
    "reports/<int:pk>/status/": Row(
        "report",
        GET=e(302, (200, 404), (404, 200), 403, 403, 404, 404, 200),
        POST=e(302, 405, 405, 403, 403, 405, 405, 405),
    ),
    "reports/<int:pk>/download/": Row(
        "report",
        GET=e(302, 404, 404, 403, 403, 404, 404, 404),
        POST=e(302, 405, 405, 403, 403, 405, 405, 405),
    ),
    "exports/": Row(
        None,
        GET=e(302, 403, 403, 403, 403, 403, 200, 200),
        POST=e(302, 403, 403, 403, 403, 403, 400, 400),
    ),
    "exports/<int:pk>/status/": Row(
        "export",
        GET=e(302, 403, 403, 403, 403, 403, 200, 200),
        POST=e(302, 403, 403, 403, 403, 403, 405, 405),
    ),
    "exports/<int:pk>/download/": Row(
        "export",
        GET=e(302, 403, 403, 403, 403, 403, 404, 404),
        POST=e(302, 403, 403, 403, 403, 403, 405, 405),
    ),
    # Corrections (issue 10): the jobcoach of the record's municipality and the programme admin.
    "benefits/<int:pk>/correct/": Row(
        "benefit",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    # Consent per purpose, from the jobseeker's page: the admin and the municipality's jobcoach.
    "jobseekers/<int:pk>/consent/": Row(
        "jobseeker",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "consents/<int:pk>/withdraw/": Row(
        "consent",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "benefits/<int:pk>/withdraw/": Row(
        "benefit",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "reviews/<int:pk>/correct/": Row(
        "review",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "reviews/<int:pk>/withdraw/": Row(
        "review",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "placements/<int:pk>/correct/": Row(
        "placement",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "placements/<int:pk>/undo/": Row(
        "placement",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
    ),
    "sessions/<int:pk>/withdraw/": Row(
        "session",
        GET=e(302, 403, 403, (200, 404), (404, 200), 403, 403, 200),
        POST=e(302, 403, 403, (200, 404), (404, 200), 403, 403, 200),
    ),
    # Benefit checks and evaluations follow an ended internship: the matrix's placement is
    # running, so those allowed are sent back to it (302) with a message.
    "placements/<int:pk>/benefit-checks/<int:months>/": Row(
        "placement",
        GET=e(302, (302, 404), (404, 302), 403, 403, 403, 403, 302),
        POST=e(302, (302, 404), (404, 302), 403, 403, 403, 403, 302),
    ),
    "placements/<int:pk>/evaluation/": Row(
        "placement",
        GET=e(302, (302, 404), (404, 302), (302, 404), (404, 302), 403, 403, 302),
        POST=e(302, (302, 404), (404, 302), (302, 404), (404, 302), 403, 403, 302),
    ),
    # Data completeness: a jobcoach of one municipality goes straight to its page.
    "completeness/": Row(
        None,
        GET=e(302, 302, 302, 403, 403, 403, 403, 200),
        POST=e(302, 405, 405, 403, 403, 403, 403, 405),
    ),
    "completeness/<int:pk>/": Row(
        "municipality",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, 405, 405, 403, 403, 403, 403, 405),
    ),
    # Jobs (issue 13): the liveness answer is the process's own; a failed export is retried by
    # whoever may export.
    "health/live/": Row(None, GET=same(200), POST=same(405)),
    "exports/<int:pk>/retry/": Row(
        "export",
        GET=e(302, 403, 403, 403, 403, 403, 405, 405),
        # A researcher retries their own export; another researcher's is not theirs (404).
        POST=e(302, 403, 403, 403, 403, 403, (302, 404), 302),
    ),
    # Imports from the browser (issue 15): the programme admin and jobcoaches. A jobcoach sees
    # the imports of their municipality; only the uploader confirms (the admin gets 404 too).
    # An empty upload is refused with the form (400).
    "imports/": Row(
        None,
        GET=e(302, 200, 200, 403, 403, 403, 403, 200),
        POST=e(302, 400, 400, 403, 403, 403, 403, 400),
    ),
    "imports/<int:pk>/": Row(
        "import_run",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, 405, 405, 403, 403, 403, 403, 405),
    ),
    "imports/<int:pk>/status/": Row(
        "import_run",
        GET=e(302, (200, 404), (404, 200), 403, 403, 403, 403, 200),
        POST=e(302, 405, 405, 403, 403, 403, 403, 405),
    ),
    "imports/<int:pk>/confirm/": Row(
        "import_run",
        GET=e(302, 405, 405, 403, 403, 403, 403, 405),
        POST=e(302, (302, 404), (404, 302), 403, 403, 403, 403, 404),
    ),
    # Privacy requests (issue 12): the privacy officer and the programme admin; everyone else
    # 403. The person is found by reference in a form (POST), then addressed by record id.
    "privacy/people/": Row(
        None,
        GET=e(302, 403, 403, 403, 403, 403, 403, 200, privacy_officer=200),
        POST=e(302, 403, 403, 403, 403, 403, 403, 200, privacy_officer=200),
    ),
    "privacy/people/<int:pk>/": Row(
        "jobseeker",
        GET=e(302, 403, 403, 403, 403, 403, 403, 200, privacy_officer=200),
        POST=e(302, 403, 403, 403, 403, 403, 403, 405, privacy_officer=405),
    ),
    "privacy/people/<int:pk>/restrict/": Row(
        "jobseeker",
        GET=e(302, 403, 403, 403, 403, 403, 403, 200, privacy_officer=200),
        POST=e(
            302,
            403,
            403,
            403,
            403,
            403,
            403,
            200,
            privacy_officer=200,
            # without a reason: the form again
        ),
    ),
    "privacy/people/<int:pk>/lift/": Row(
        "jobseeker",
        GET=e(302, 403, 403, 403, 403, 403, 403, 405, privacy_officer=405),
        POST=e(
            302,
            403,
            403,
            403,
            403,
            403,
            403,
            302,
            privacy_officer=302,
            # nothing to lift: back to the page
        ),
    ),
    "privacy/people/<int:pk>/erase/": Row(
        "jobseeker",
        GET=e(302, 403, 403, 403, 403, 403, 403, 200, privacy_officer=200),
        POST=e(
            302,
            403,
            403,
            403,
            403,
            403,
            403,
            200,
            privacy_officer=200,
            # without the typed reference: form
        ),
    ),
    "privacy/retention/": Row(
        None,
        GET=e(302, 403, 403, 403, 403, 403, 403, 200, privacy_officer=200),
        POST=e(302, 403, 403, 403, 403, 403, 403, 405, privacy_officer=405),
    ),
    # The processing log and a person's access downloads (issue 12): the privacy officer only,
    # pilot-wide (every person of A and B).
    "privacy/": Row(None, GET=officer_only(200), POST=officer_only(405)),
    "privacy/people/<int:pk>/access.json": Row(
        "jobseeker", GET=officer_only(200), POST=officer_only(405)
    ),
    "privacy/people/<int:pk>/access.pdf": Row(
        "jobseeker", GET=officer_only(200), POST=officer_only(405)
    ),
    # The privacy officer's home is the processing log.
    "": Row(
        None,
        GET=e(302, 200, 200, 200, 200, 200, 200, 200, privacy_officer=302),
        POST=e(302, 200, 200, 200, 200, 200, 200, 200, privacy_officer=302),
    ),
}


# The Django admin: only a programme admin enters; everyone else is sent to sign in (302), for
# every route and method. For the programme admin every page answers 200, except what a model's
# admin refuses (403) below. A newly registered model is covered by the default; a model whose
# admin refuses more gets its label added here.
# Written by their services only (the history, the jobs and the workers' heartbeats): read-only.
_WRITTEN_BY_SERVICES = {
    "municipalities.auditevent",
    "municipalities.correction",
    "placements.importrun",
    "placements.placementstatechange",
    "reporting.metricssnapshot",
    "reporting.progressreport",
    "reporting.researchexport",
    "reporting.workerheartbeat",
    "privacy.restriction",
    "privacy.erasure",
    "privacy.retentionrun",
    "privacy.processingentry",
}
ADMIN_NO_ADD = _WRITTEN_BY_SERVICES | {"pilot.pilotsettings"}
ADMIN_NO_CHANGE = _WRITTEN_BY_SERVICES
# Recorded facts are withdrawn on the pages, with a reason kept in the history; never deleted in
# the admin (ServiceModelAdmin).
ADMIN_NO_DELETE = ADMIN_NO_ADD | {
    # API clients are revoked, never deleted: the audit log keeps naming them.
    "municipalities.apiclient",
    "coaching.guidancesession",
    "placements.benefitperiod",
    "placements.consentrecord",
    "placements.placement",
    "placements.progressreview",
    "placements.hostevaluation",
}
# The admin's own pages that are not a model's, for the programme admin (GET, POST).
ADMIN_SITE_PAGES = {
    "admin/": (200, 200),
    "admin/logout/": (405, 200),
    "admin/password_change/done/": (200, 405),
    "admin/autocomplete/": (403, 405),  # without its parameters
    "admin/jsi18n/": (200, 405),
    "admin/r/<path:content_type_id>/<path:object_id>/": (404, 404),  # no model has a site URL
    "admin/^(?P<app_label>account|municipalities|coaching|placements|reporting|privacy|pilot)/$": (
        200,
        200,
    ),
    "admin/(?P<url>.*)$": (404, 404),
}


def _admin_only(get: int, post: int, obj: str | None) -> Row:
    return Row(
        obj,
        GET=e(*[302] * 7, get, privacy_officer=302),
        POST=e(*[302] * 7, post, privacy_officer=302),
    )


def admin_row(route: str) -> Row | None:
    if route in ADMIN_SITE_PAGES:
        get, post = ADMIN_SITE_PAGES[route]
        return _admin_only(get, post, "admin" if "(?P<" in route or "<" in route else None)
    parts = route.split("/")
    if len(parts) < 4:
        return None
    label = f"{parts[1]}.{parts[2]}"
    rest = "/".join(parts[3:])
    if rest == "":
        return _admin_only(200, 200, None)
    if rest == "add/":
        status = 403 if label in ADMIN_NO_ADD else 200
        return _admin_only(status, status, None)
    if rest == "<path:object_id>/":
        return _admin_only(302, 302, "admin")  # to the change page
    if rest == "<path:object_id>/change/":
        return _admin_only(200, 403 if label in ADMIN_NO_CHANGE else 200, "admin")
    if rest == "<path:object_id>/delete/":
        status = 403 if label in ADMIN_NO_DELETE else 200
        return _admin_only(status, status, "admin")
    if rest == "<path:object_id>/history/":
        return _admin_only(200, 200, "admin")
    if label == "municipalities.user" and rest == "<id>/password/":
        return _admin_only(200, 200, "admin")
    return None


def expectation_for(route: str) -> Row | None:
    if route in EXPECTATIONS:
        return EXPECTATIONS[route]
    if route.startswith("admin/"):
        return admin_row(route)
    return None
