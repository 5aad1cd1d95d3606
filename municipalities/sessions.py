"""Ending sessions and resetting second factors: what a programme admin (or the person) does
when an account may be in the wrong hands."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import transaction

from .services import audit_record


def sessions_end(*, user, keep_session_key: str | None = None) -> int:
    """End every session of ``user`` (except ``keep_session_key``, the one making the change).

    Returns how many were ended. Sessions are found through allauth's user-session table,
    which records every sign-in.
    """
    ended = 0
    for user_session in UserSession.objects.filter(user_id=user.pk):
        if keep_session_key and user_session.session_key == keep_session_key:
            continue
        user_session.end()
        ended += 1
    return ended


def sessions_sign_out_everywhere(*, user, actor) -> int:
    """Sign ``user`` out of every browser, and log who did it."""
    ended = sessions_end(user=user)
    audit_record(
        actor=actor,
        action="sign_out_everywhere",
        object_type="user",
        object_ref=str(user.pk),
        sessions=ended,
    )
    return ended


@transaction.atomic
def second_factor_reset(*, user, actor) -> int:
    """Remove every second factor of ``user`` (authenticator app, passkeys, recovery codes) and
    end their sessions: at the next sign-in they set up a new one. Logged in the audit log."""
    removed, _per_model = Authenticator.objects.filter(user_id=user.pk).delete()
    ended = sessions_end(user=user)
    audit_record(
        actor=actor,
        action="second_factor_reset",
        object_type="user",
        object_ref=str(user.pk),
        authenticators=removed,
        sessions=ended,
    )
    return removed


def on_authenticator_changed(sender, request, user, **kwargs) -> None:
    """A second factor was added, removed or reset through allauth: end the person's other
    sessions (whoever else holds one must sign in again with the new factor)."""
    session = getattr(request, "session", None)
    sessions_end(user=user, keep_session_key=session.session_key if session else None)
