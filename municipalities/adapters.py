import time
from datetime import UTC, datetime

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """No public sign-up: people get an account through a programme admin's invitation."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Someone who has just set their password from the invitation link (or a reset link)
        and had no second factor goes on to set one up and to see its recovery codes without
        typing that password again: they proved the mailbox and chose the password moments ago.
        Every other sensitive step asks again, as allauth does."""
        request = getattr(self, "request", None) or context.request
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            records = get_authentication_records(request, user)
            if (
                records
                and records[-1].get("method") == "password_reset"
                and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
                # No second factor from before this sign-in: only the set-up made now.
                and not Authenticator.objects.filter(
                    user_id=user.pk,
                    created_at__lt=datetime.fromtimestamp(records[-1]["at"], tz=UTC),
                ).exists()
            ):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


class PilotMFAAdapter(DefaultMFAAdapter):
    """Nobody removes their own second factor: it is required for everyone. A programme admin
    resets it for a person who lost theirs (municipalities/sessions.py, in the admin)."""

    def can_delete_authenticator(self, authenticator) -> bool:
        return False
