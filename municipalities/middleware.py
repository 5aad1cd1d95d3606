"""Sign-in rules that hold for every request: sessions end, and nobody works without a second
factor.

Both sit after Django's and allauth's authentication middleware, so ``request.user`` is known.
"""

from __future__ import annotations

import contextlib
import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Keys in the session; the leading underscore keeps them apart from the pages' own keys.
SIGNED_IN_AT = "_pilot_signed_in_at"
SEEN_AT = "_pilot_seen_at"
SECOND_FACTOR_OK = "_pilot_second_factor"

# The last-seen time is written at most this often, so that a page full of htmx requests does
# not write the session row on every one of them; the idle timeout is precise to this much.
SEEN_WRITE_INTERVAL = 60


class SessionLifetimeMiddleware:
    """Ends a session ``SESSION_IDLE_TIMEOUT`` seconds after its last request and
    ``SESSION_MAX_AGE`` seconds after it began, whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.get(SIGNED_IN_AT)
            seen_at = session.get(SEEN_AT)
            idle = seen_at is not None and now - seen_at > settings.SESSION_IDLE_TIMEOUT
            too_old = signed_in_at is not None and now - signed_in_at > settings.SESSION_MAX_AGE
            if idle or too_old:
                logout(request)
                return _signed_out_response(request)
            if signed_in_at is None:
                session[SIGNED_IN_AT] = now
            if seen_at is None or now - seen_at >= SEEN_WRITE_INTERVAL:
                session[SEEN_AT] = now
        return self.get_response(request)


def _signed_out_response(request):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("Your session has ended. Please sign in again.")}, status=401
        )
    login_url = reverse("account_login")
    return redirect(f"{login_url}?next={request.path}" if request.method == "GET" else login_url)


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


# Paths that answer a signed-in person who has no second factor yet: setting one up (and the
# reauthentication allauth may ask for first), signing out, the language switch, the health
# check and static files.
_SETUP_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/i18n/",
    "/health/",
)


def _setup_prefixes() -> tuple[str, ...]:
    return (*_SETUP_PREFIXES, "/" + settings.STATIC_URL.lstrip("/"))


class SecondFactorRequiredMiddleware:
    """A signed-in person without a second factor is sent to set one up, and no other page or
    API answers until they have.

    allauth itself asks for the second factor at sign-in whenever an account has one; this
    closes the gap of an account that has none. The answer is kept in the session so that it
    costs one query per session, not per request; removing a second factor ends the person's
    sessions (municipalities/sessions.py), so a stale "yes" cannot outlive it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(SECOND_FACTOR_OK)
            and not request.path_info.startswith(_setup_prefixes())
        ):
            from allauth.mfa.models import Authenticator

            if Authenticator.objects.filter(
                user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
            ).exists():
                request.session[SECOND_FACTOR_OK] = True
            elif _is_api(request):
                return JsonResponse(
                    {"detail": _("Set up a second factor before using the API.")}, status=403
                )
            else:
                return redirect("mfa_activate_totp")
        return self.get_response(request)


class DatabaseScopeMiddleware:
    """Sets the database's scope (row-level security, ``db_scope.py``) for the whole request:
    the municipalities of the signed-in user's roles (``access.db_scope_for``), or none.

    Last in the chain, so that it sees the user the other middleware left (a session that
    ended is anonymous by then). Everything the view, its template and the other middleware's
    responses read runs inside it; the scope before it (none, in a server process) is back
    when the response leaves. A streaming response reads while it is sent, after this returns:
    its content is read in the same scope. (A file download streams a file, not the database.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import FileResponse

        from .access import db_scope_for
        from .db_scope import current_scope, scoped_to

        scope = db_scope_for(getattr(request, "user", None))
        with scoped_to(scope), contextlib.ExitStack() as later:
            request.pilot_db_scopes = later  # see rescope_request
            response = self.get_response(request)
            scope = current_scope()
        if response.streaming and not isinstance(response, FileResponse):
            response.streaming_content = _read_in_scope(response.streaming_content, scope)
        return response


def rescope_request(request, scope) -> None:
    """Work in ``scope`` for the rest of this request: for who is known only inside the view
    (a system signing in with a token in the API's own authentication, say). The middleware
    puts the scope before it back when the response leaves."""
    from .db_scope import scoped_to

    stack = getattr(request, "_request", request).pilot_db_scopes
    stack.enter_context(scoped_to(scope))


def _read_in_scope(content, scope):
    from .db_scope import scoped_to

    with scoped_to(scope):
        yield from content
