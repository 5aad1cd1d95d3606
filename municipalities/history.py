"""The correction history: what a correction changed, who made it, when and why.

The domain services (placements, coaching) call ``correction_record`` inside the transaction of
the write itself, so a correction and its trace are committed together or not at all. The rule
"a correction needs a reason" lives in ``require_reason``; which changes count as a correction is
decided by ``is_correction``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .enums import ChangeSource
from .models import Correction

EMPTY = (None, "", [])


@dataclass(frozen=True)
class ChangedBy:
    """Who makes a write, through which way in, and (for a correction) why.

    ``actor`` is the person (a User) or None for the system; ``client`` the API client
    (``municipalities.models.ApiClient``) when the write came through the API.
    """

    actor: object = None
    source: str = ChangeSource.WEB
    reason: str = ""
    client: object = None

    @property
    def user(self):
        """The person, for a ``changed_by`` key (None for the system or an API client)."""
        return self.actor if getattr(self.actor, "pk", None) else None


def _plain(value):
    """A value as JSON keeps it: dates as ISO text, amounts as text (exact), keys as ids."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _value(obj, name: str):
    """A field's value as the database will hold it, so that 1004 and Decimal("1004.00") or a
    date given as text compare as what they are."""
    if obj is None:
        return None
    meta = getattr(obj, "_meta", None)
    if meta is None:
        return getattr(obj, name)
    field = meta.get_field(name)
    value = getattr(obj, field.attname)
    if value is None or field.is_relation:
        return value
    value = field.to_python(value)
    if isinstance(field, models.DecimalField):
        value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return value


def fact_changes(
    before: models.Model | None,
    after: models.Model | None,
    *,
    fields: tuple[str, ...],
    text_fields: tuple[str, ...] = (),
) -> dict:
    """``{field: [old, new]}`` for each of ``fields`` that differs, and ``{field: None}`` for
    each free-text field that differs (its text stays out of the history).

    ``after`` None is a withdrawal: every recorded value goes to None.
    """
    changes: dict = {}
    for name in fields:
        old, new = _value(before, name), _value(after, name)
        # "" and None both say "nothing recorded" (a withdrawn row's empty end reason, say).
        if old != new and not (old in EMPTY and new in EMPTY):
            changes[name] = [_plain(old), _plain(new)]
    for name in text_fields:
        old = getattr(before, name) if before is not None else ""
        new = getattr(after, name) if after is not None else ""
        if old != new:
            changes[name] = None
    return changes


def is_correction(changes: dict) -> bool:
    """Changing or clearing a value that was already recorded corrects it; filling in an empty
    one (recording a benefit's end, say) is recording, not correcting."""
    return any(pair is None or pair[0] not in EMPTY for pair in changes.values())


def correction_errors(changes: dict, change: ChangedBy | None, errors: dict) -> bool:
    """Whether ``changes`` correct a recorded fact; adds a missing reason to ``errors`` (keyed by
    field, as the services collect them)."""
    if not is_correction(changes):
        return False
    try:
        require_reason(change)
    except ValidationError as exc:
        for field, field_errors in exc.update_error_dict({}).items():
            errors.setdefault(field, []).extend(field_errors)
    return True


def require_reason(change: ChangedBy | None) -> None:
    if change is None or not change.reason.strip():
        raise ValidationError(
            {"reason": _("Say why this is corrected: the reason is kept with the correction.")},
            code="reason_required",
        )


def correction_record(
    *,
    record: models.Model,
    record_kind: str,
    subject_kind: str,
    subject_id: int,
    action: str,
    changes: dict,
    change: ChangedBy,
) -> Correction:
    """Append one correction to the history. Call it inside the write's own transaction."""
    require_reason(change)
    return Correction.objects.create(
        municipality_id=record.municipality_id,
        record_kind=record_kind,
        record_id=record.pk,
        subject_kind=subject_kind,
        subject_id=subject_id,
        action=action,
        changes=changes,
        reason=change.reason.strip(),
        changed_by=change.user,
        changed_by_client=change.client,
        changed_at=timezone.now(),
        source=change.source,
    )


@dataclass(frozen=True)
class ChangeLine:
    label: str
    old: str
    new: str
    text_only: bool = False  # free text: changed, values not kept


def _show(field: models.Field, value) -> str:
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(field, models.DateField):
        return date_format(datetime.date.fromisoformat(value), "j F Y")
    if isinstance(field, models.ForeignKey):
        return _("changed")
    return str(value)


def describe_changes(model: type[models.Model], changes: dict) -> list[ChangeLine]:
    """The changes of one correction as lines a person reads: field label, old, new."""
    lines = []
    # In the model's field order: PostgreSQL's jsonb keeps keys in an order of its own.
    order = {field.name: position for position, field in enumerate(model._meta.fields)}
    for name, pair in sorted(changes.items(), key=lambda item: order.get(item[0], 0)):
        field = model._meta.get_field(name)
        label = str(field.verbose_name)
        label = label[:1].upper() + label[1:]
        if pair is None:
            lines.append(ChangeLine(label, "", "", text_only=True))
        else:
            lines.append(ChangeLine(label, _show(field, pair[0]), _show(field, pair[1])))
    return lines


@dataclass(frozen=True)
class HistoryEntry:
    """One correction as the history on a page shows it."""

    correction: Correction
    title: str
    lines: list[ChangeLine]

    @property
    def who(self) -> str:
        user = self.correction.changed_by
        if user is not None:
            return user.get_full_name()
        client = self.correction.changed_by_client
        if client is not None:
            return _("API client %(name)s") % {"name": client.name}
        return _("the system")


def history_entries(
    corrections, *, models_by_kind: dict[str, type[models.Model]]
) -> list[HistoryEntry]:
    """Corrections (read through ``access.visible``) as the pages show them, oldest first."""
    entries = []
    for correction in corrections:
        title = _("%(record)s %(action)s") % {
            "record": correction.get_record_kind_display(),
            "action": correction.get_action_display(),
        }
        entries.append(
            HistoryEntry(
                correction=correction,
                title=title[:1].upper() + title[1:],
                lines=describe_changes(models_by_kind[correction.record_kind], correction.changes),
            )
        )
    return entries
