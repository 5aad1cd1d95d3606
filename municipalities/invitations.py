"""Invitations: a programme admin gives a person an account, and the person sets a password.

There is no sign-up. The invitation creates the user without a usable password, with their
roles, and mails a link to allauth's set-password page. The link is an allauth password-reset
key, so it expires after ``PASSWORD_RESET_TIMEOUT`` (three days by default) and stops working
once a password has been set.
"""

from __future__ import annotations

from collections.abc import Iterable

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .access import forget_access
from .models import Municipality, RoleAssignment, User
from .services import audit_record

RoleGrant = tuple[str, Municipality | None]


def invitation_link(*, user: User, request) -> str:
    """An absolute link to allauth's set-password page for ``user``."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path)


def _send_invitation_mail(*, user: User, request) -> None:
    context = {
        "user": user,
        "link": invitation_link(user=user, request=request),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "sign_in_url": request.build_absolute_uri(reverse("account_login")),
    }
    # The person has not chosen a language yet: write in the pilot's default language, not in
    # the language of the admin who happens to send it.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("account/email/invitation_subject.txt", context)
        body = render_to_string("account/email/invitation_message.txt", context)
    EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email]).send(
        fail_silently=False
    )


def _audit_invitation(*, user: User, invited_by, again: bool) -> None:
    grants = list(user.role_assignments.select_related("municipality").order_by("role", "id"))
    municipalities = sorted({g.municipality.code for g in grants if g.municipality_id})
    # Keys and codes only: the audit log never holds names or e-mail addresses.
    audit_record(
        actor=invited_by,
        action="invite",
        object_type="user",
        object_ref=str(user.pk),
        municipality=grants[0].municipality if len(municipalities) == 1 else None,
        roles=sorted({g.role for g in grants}),
        municipalities=municipalities,
        again=again,
    )


def invite_user(
    *,
    email: str,
    full_name: str,
    roles: Iterable[RoleGrant],
    invited_by,
    request,
) -> User:
    """Create an account without a password, with the given roles, and mail the person a link
    to set a password. Nothing is kept when the mail cannot be sent."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("A person with this e-mail address already has an account.")},
            code="email_taken",
        )
    with transaction.atomic():
        user = User(email=email, full_name=full_name)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        for role, municipality in roles:
            grant = RoleAssignment(user=user, role=role, municipality=municipality)
            grant.full_clean()
            grant.save()
        forget_access(user)
        _audit_invitation(user=user, invited_by=invited_by, again=False)
        # Inside the transaction on purpose: if the mail server refuses, no account is left
        # behind that nobody was told about.
        _send_invitation_mail(user=user, request=request)
    return user


def invitation_send_again(*, user: User, invited_by, request) -> bool:
    """Mail a new set-password link to a person who has not set a password yet.

    Returns False (and sends nothing) for someone who already has a password: they can use
    "forgot password" themselves, and a stray invitation should not reset a working account.
    """
    if user.has_usable_password() or not user.is_active:
        return False
    _send_invitation_mail(user=user, request=request)
    _audit_invitation(user=user, invited_by=invited_by, again=True)
    return True
