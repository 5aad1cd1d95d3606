"""Writes to entrepreneurs and guidance sessions.

As in placements: a write of an existing row is based on the version the caller read
(``kernel.versioning``), and changing what a saved guidance session says is a correction with a
reason, kept in the history (``municipalities.history``) in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from kernel.figures import figures_changed
from kernel.versioning import lock_current, save_next_version
from municipalities.enums import CorrectionAction, RecordKind
from municipalities.history import (
    ChangedBy,
    correction_errors,
    correction_record,
    fact_changes,
)

from .models import Entrepreneur, GuidanceSession

# What the history keeps of a session: its facts. The notes' text stays out (only "changed").
SESSION_FACTS = ("entrepreneur", "coach", "held_on", "minutes", "mode", "topics")
SESSION_TEXT = ("notes",)


def entrepreneur_save(*, entrepreneur: Entrepreneur) -> Entrepreneur:
    """Validate and save an entrepreneur, refusing an edit based on an older version."""
    with transaction.atomic():
        lock_current(entrepreneur)
        entrepreneur.full_clean()
        save_next_version(entrepreneur)
    return entrepreneur


def guidance_session_save(
    *, session: GuidanceSession, change: ChangedBy | None = None
) -> GuidanceSession:
    """Validate and save a guidance session. Its municipality follows the entrepreneur.

    Changing a saved session is a correction: ``change`` must give the reason.
    """
    with transaction.atomic():
        before = lock_current(session)
        changes = (
            fact_changes(before, session, fields=SESSION_FACTS, text_fields=SESSION_TEXT)
            if before is not None
            else {}
        )
        errors: dict[str, list] = {}
        corrects = correction_errors(changes, change, errors)
        try:
            session.full_clean()
        except ValidationError as exc:
            for field, field_errors in exc.update_error_dict({}).items():
                errors.setdefault(field, []).extend(field_errors)
        if errors:
            raise ValidationError(errors)
        save_next_version(session)
        if corrects:
            correction_record(
                record=session,
                record_kind=RecordKind.GUIDANCE_SESSION,
                subject_kind=RecordKind.ENTREPRENEUR,
                subject_id=session.entrepreneur_id,
                action=CorrectionAction.CORRECTED,
                changes=changes,
                change=change,
            )
        # The guidance chart's figures are kept in the stored snapshot: have it recomputed.
        figures_changed()
    return session


def guidance_session_withdraw(*, session: GuidanceSession, change: ChangedBy) -> None:
    """Withdraw a session recorded by mistake; the history keeps what it said, who, when, why."""
    with transaction.atomic():
        before = lock_current(session)
        correction_record(
            record=before,
            record_kind=RecordKind.GUIDANCE_SESSION,
            subject_kind=RecordKind.ENTREPRENEUR,
            subject_id=before.entrepreneur_id,
            action=CorrectionAction.WITHDRAWN,
            changes=fact_changes(before, None, fields=SESSION_FACTS, text_fields=SESSION_TEXT),
            change=change,
        )
        before.delete()
        figures_changed()
