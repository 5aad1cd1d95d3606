"""allauth's password forms with the password rules shown next to the field before anyone
fails them (allauth shows them on its sign-up form only, which the pilot does not use)."""

from allauth.account.forms import ChangePasswordForm, ResetPasswordKeyForm, SetPasswordForm
from django.contrib.auth import password_validation


def password_rules() -> str:
    """Django's password rules as plain sentences, in the person's language."""
    return " ".join(password_validation.password_validators_help_texts())


class _WithRules:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_rules()


class ResetPasswordKeyWithRulesForm(_WithRules, ResetPasswordKeyForm):
    """The page of the invitation link (and of "forgot password")."""


class ChangePasswordWithRulesForm(_WithRules, ChangePasswordForm):
    pass


class SetPasswordWithRulesForm(_WithRules, SetPasswordForm):
    pass
