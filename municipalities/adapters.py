from allauth.account.adapter import DefaultAccountAdapter


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """No public sign-up: people get an account through a programme admin's invitation."""

    def is_open_for_signup(self, request) -> bool:
        return False
