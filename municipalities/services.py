"""Writes to municipalities, roles and the audit log."""

from __future__ import annotations

from kernel.figures import figures_changed

from .models import AuditEvent, Municipality


def municipality_save(*, municipality: Municipality) -> Municipality:
    """Validate and save a municipality."""
    municipality.full_clean()
    municipality.save()
    figures_changed()
    return municipality


def audit_record(
    *,
    actor,
    action: str,
    object_type: str = "",
    object_ref: str = "",
    municipality=None,
    api_client=None,
    **detail,
) -> AuditEvent:
    """Append to the audit log. ``detail`` holds keys and counts only, never personal data.
    ``api_client`` names the API client that did it (``actor`` is then None)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        api_client=api_client,
        action=action,
        object_type=object_type,
        object_ref=object_ref,
        municipality=municipality,
        detail=detail,
    )


def login_email_changed(*, user, actor) -> None:
    """After a programme admin changed ``user``'s login e-mail: allauth's record of the old
    address goes (so it no longer signs in or receives reset mails) and the change is logged
    (without either address)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    audit_record(
        actor=actor, action="login_email_change", object_type="user", object_ref=str(user.pk)
    )
