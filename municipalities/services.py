"""Writes to municipalities, roles and the audit log."""

from __future__ import annotations

from pilot.figures import figures_changed

from .models import AuditEvent, Municipality


def municipality_save(*, municipality: Municipality) -> Municipality:
    """Validate and save a municipality."""
    municipality.full_clean()
    municipality.save()
    figures_changed()
    return municipality


def audit_record(
    *, actor, action: str, object_type: str = "", object_ref: str = "", municipality=None, **detail
) -> AuditEvent:
    """Append to the audit log. ``detail`` holds keys and counts only, never personal data."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_ref=object_ref,
        municipality=municipality,
        detail=detail,
    )
