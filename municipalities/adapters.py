from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """No public sign-up: people get an account through a programme admin's invitation."""

    def is_open_for_signup(self, request) -> bool:
        return False


class PilotMFAAdapter(DefaultMFAAdapter):
    """Nobody removes their own second factor: it is required for everyone. A programme admin
    resets it for a person who lost theirs (municipalities/sessions.py, in the admin)."""

    def can_delete_authenticator(self, authenticator) -> bool:
        return False
