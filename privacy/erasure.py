"""Erasure (art. 17 AVG): a person's identity leaves the pilot's data, their facts stay.

``erase_jobseeker`` is the one way to erase; the command ``erase_jobseeker``, the privacy
officer's page and the retention job (privacy/retention.py) all call it. In one transaction it:

- gives the jobseeker, and each of their placements, a new random reference (the references
  came from the municipality's own systems, so they point to the person);
- empties the name, client number, e-mail and phone; keeps only the year of the birth date (the
  research export's ``birth_year`` needs it, nothing needs the day);
- removes the free text about them: progress review notes and host evaluation remarks are
  emptied, a benefit check's reason (which the check needs) becomes ``ERASED``, the reasons of
  the corrections about them become ``ERASED``, and their name, references and contact details
  are cut out of the guidance notes of the entrepreneurs who hosted them;
- points every audit event and admin log entry that copied a reference at the record instead,
  and cuts any other copy of the identifiers out of them and out of the job rows' errors;
- replaces the old reference by the new one in every stored metrics snapshot (the participant
  lists hold references), so every stored and every new figure is the same as before;
- removes a restriction (its reason is about the person), records the ``Erasure`` (when, who,
  why, counts: never who it was) and an audit event that points to the record.

Everything the figures read (benefit periods, placement dates, status, end reasons, amounts,
research consent, municipality) is untouched: ``pilot_metrics`` gives the same figures at every
date, with the new reference in the participant list.
"""

from __future__ import annotations

import datetime
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from coaching.models import GuidanceSession
from kernel.figures import figures_changed
from municipalities.enums import RecordKind
from municipalities.models import AuditEvent, Correction
from municipalities.processing_enums import Action, Activity
from municipalities.processing_log import record_write
from municipalities.services import audit_record
from placements.models import BenefitCheck, HostEvaluation, Jobseeker, Placement, ProgressReview
from reporting.models import (
    MetricsSnapshot,
    ProgressReport,
    ResearchExport,
    SnapshotMunicipality,
)
from reporting.snapshot_parts import restretch_participants

from .models import Erasure, ErasureTrigger, Restriction

# What is left where free text had to stay (a benefit check's reason, a correction's reason) or
# where an identifier was cut out of a text. Not translated: it is stored.
ERASED = "[erased]"
REF_PREFIX = "ANON-"


class ErasureRefused(ValidationError):
    """The erasure was not done (already erased, or the reason is unusable); nothing changed."""


@dataclass(frozen=True)
class Identifiers:
    """What points to the person: what must not be left anywhere after the erasure."""

    ref: str
    placement_refs: dict[int, str]  # placement id -> its reference
    given_name: str
    family_name: str
    client_number: str
    email: str
    phone: str

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def distinctive(self) -> list[str]:
        """Identifiers that mean this person wherever they appear: searched for in the tables
        that are about everyone (audit log, admin log, job errors)."""
        values = [self.ref, *self.placement_refs.values(), self.client_number, self.email]
        values += [self.phone, self.full_name if self.given_name and self.family_name else ""]
        return _usable(values)

    def all(self) -> list[str]:
        """Every identifier, the names on their own too: cut out of texts about this person."""
        return _usable([*self.distinctive(), self.given_name, self.family_name])


def _usable(values: Iterable[str]) -> list[str]:
    # Longest first, so that a full name is cut out before its parts. One letter is not a name.
    return sorted({v.strip() for v in values if v and len(v.strip()) >= 2}, key=len, reverse=True)


def identifiers_of(jobseeker: Jobseeker) -> Identifiers:
    return Identifiers(
        ref=jobseeker.ref,
        placement_refs=dict(Placement.objects.filter(jobseeker=jobseeker).values_list("id", "ref")),
        given_name=jobseeker.given_name,
        family_name=jobseeker.family_name,
        client_number=jobseeker.client_number,
        email=jobseeker.email,
        phone=jobseeker.phone,
    )


def _pattern(values: list[str]) -> re.Pattern | None:
    if not values:
        return None
    words = "|".join(re.escape(v) for v in values)
    # Whole words only: "Jan" goes, "januari" stays.
    return re.compile(rf"(?<![\w@.+-])(?:{words})(?![\w@-])", re.IGNORECASE)


def redact(text: str, values: list[str]) -> str:
    """``text`` with every whole-word occurrence of ``values`` replaced by ERASED."""
    pattern = _pattern(values)
    if pattern is None or not text:
        return text
    return pattern.sub(ERASED, text)


def _mentions(field: str, values: list[str]) -> Q:
    q = Q(pk__in=[])
    for value in values:
        q |= Q(**{f"{field}__icontains": value})
    return q


def ref_digest(ref: str) -> str:
    """A keyed one-way digest of a jobseeker reference (HMAC-SHA256 under SECRET_KEY)."""
    return salted_hmac("privacy.erased-jobseeker-ref", ref, algorithm="sha256").hexdigest()


def refuse_erased(jobseeker: Jobseeker, *, ref_changed: bool) -> None:
    """For the jobseeker service: an erased record's details are not filled in again, and a
    reference that belonged to an erased person is not used again (a file or an API call that
    still holds it would otherwise bring the person back, and count them twice)."""
    if jobseeker.pk is not None and Erasure.objects.filter(jobseeker_id=jobseeker.pk).exists():
        raise ValidationError(
            _("This person's data was erased: their details cannot be changed."),
            code="erased",
        )
    if ref_changed:
        refuse_erased_ref(jobseeker.ref)


def any_erased_ref(refs: list[str]) -> bool:
    """Whether any of ``refs`` belonged to a person whose data was erased (for a whole file)."""
    digests = sorted({ref_digest(ref) for ref in refs if ref})
    return any(
        Erasure.objects.filter(ref_digest__in=digests[start : start + 10000]).exists()
        for start in range(0, len(digests), 10000)
    )


def refuse_erased_ref(ref: str) -> None:
    """Refuse a reference that belonged to a person whose data was erased."""
    if ref and Erasure.objects.filter(ref_digest=ref_digest(ref)).exists():
        raise ValidationError(
            {
                "ref": _(
                    "This reference belonged to a person whose data was erased; it cannot be "
                    "used again."
                )
            },
            code="erased_ref",
        )


def new_ref(model=Jobseeker) -> str:
    """A random reference in the references' format (municipalities.validators.REF_RE) that no
    row of ``model`` holds."""
    while True:
        ref = f"{REF_PREFIX}{secrets.token_hex(8).upper()}"
        if not model.objects.filter(ref=ref).exists():
            return ref


def _scrub_json(value, *, ref_map: dict[str, str], values: list[str]):
    """``value`` with each string equal to an old reference replaced by the new one, and the
    other identifiers cut out of every string; lists of participants sorted by ref again."""
    if isinstance(value, str):
        if value in ref_map:
            return ref_map[value]
        return redact(value, values)
    if isinstance(value, list):
        items = [_scrub_json(v, ref_map=ref_map, values=values) for v in value]
        if items and all(isinstance(v, dict) and isinstance(v.get("ref"), str) for v in items):
            items.sort(key=lambda v: v["ref"])  # participant lists are sorted by ref
        return items
    if isinstance(value, dict):
        return {k: _scrub_json(v, ref_map=ref_map, values=values) for k, v in value.items()}
    return value


def check_reason(reason: str, who: Identifiers) -> str:
    """The reason as it is kept; refused when empty or when it names the person."""
    reason = (reason or "").strip()
    if not reason:
        raise ErasureRefused(
            {"reason": _("Give the reason (for example: the person's request of 3 March).")},
            code="reason_required",
        )
    if redact(reason, who.all()) != reason:
        raise ErasureRefused(
            {
                "reason": _(
                    "The reason may not contain the person's name, reference, client number or "
                    "contact details: it is kept in the log."
                )
            },
            code="reason_identifies",
        )
    return reason


def erase_jobseeker(
    jobseeker: Jobseeker,
    *,
    reason: str,
    actor=None,
    trigger: str = ErasureTrigger.REQUEST,
) -> Erasure:
    """Erase ``jobseeker``'s identity everywhere in the pilot's data, keep their facts under a
    new random reference, and record that it was done. All or nothing; ``ErasureRefused``
    when the person was erased before or the reason is empty or names them."""
    with transaction.atomic():
        person = Jobseeker.objects.select_for_update().get(pk=jobseeker.pk)
        if Erasure.objects.filter(jobseeker=person).exists():
            raise ErasureRefused(
                _("This person's data has already been erased."), code="already_erased"
            )
        who = identifiers_of(person)
        reason = check_reason(reason, who)
        now = timezone.now()
        counts: dict[str, int] = {}

        # The person and their placements: new references, identity gone.
        ref_map = {who.ref: new_ref(Jobseeker)}
        Jobseeker.objects.filter(pk=person.pk).update(
            ref=ref_map[who.ref],
            given_name="",
            family_name="",
            birth_date=(datetime.date(person.birth_date.year, 1, 1) if person.birth_date else None),
            client_number="",
            email="",
            phone="",
            version=F("version") + 1,
            updated_at=now,
        )
        for placement_id, old in who.placement_refs.items():
            ref_map[old] = new_ref(Placement)
            Placement.objects.filter(pk=placement_id).update(
                ref=ref_map[old], version=F("version") + 1, updated_at=now
            )
        counts["placements"] = len(who.placement_refs)

        # Free text about them.
        placement_ids = list(who.placement_refs)
        counts["progress_reviews"] = (
            ProgressReview.objects.filter(placement_id__in=placement_ids)
            .exclude(notes="")
            .update(notes="", version=F("version") + 1, updated_at=now)
        )
        counts["benefit_checks"] = (
            BenefitCheck.objects.filter(placement_id__in=placement_ids)
            .exclude(reason="")
            .update(reason=ERASED)
        )
        counts["host_evaluations"] = (
            HostEvaluation.objects.filter(placement_id__in=placement_ids)
            .exclude(remark="")
            .update(remark="", version=F("version") + 1, updated_at=now)
        )
        hosts = list(
            Placement.objects.filter(pk__in=placement_ids).values_list("entrepreneur_id", flat=True)
        )
        counts["guidance_sessions"] = _redact_rows(
            GuidanceSession.objects.filter(entrepreneur_id__in=hosts), "notes", who.all()
        )

        # The correction history: the reasons of the corrections about them, and any copy of
        # an identifier in the others (a guidance session's correction may name the intern).
        about_them = Q(subject_kind=RecordKind.JOBSEEKER, subject_id=person.pk) | Q(
            subject_kind=RecordKind.PLACEMENT, subject_id__in=placement_ids
        )
        counts["corrections"] = Correction.objects.filter(about_them).update(reason=ERASED)
        for correction in Correction.objects.filter(about_them):
            scrubbed = _scrub_json(correction.changes, ref_map={}, values=who.all())
            if scrubbed != correction.changes:
                Correction.objects.filter(pk=correction.pk).update(changes=scrubbed)
        with_hosts = Q(subject_kind=RecordKind.ENTREPRENEUR, subject_id__in=hosts)
        counts["corrections"] += _redact_rows(
            Correction.objects.exclude(about_them).filter(with_hosts), "reason", who.all()
        )
        counts["corrections"] += _redact_rows(
            Correction.objects.exclude(about_them).exclude(with_hosts),
            "reason",
            who.distinctive(),
        )

        # Logs point to the record, never copy its reference.
        counts["audit_events"] = _scrub_audit(person, who, ref_map)
        counts["admin_log"] = _scrub_admin_log(person, who, ref_map)

        # Stored figures: the same figures under the new reference.
        counts["snapshots"] = _scrub_snapshots(who, ref_map)
        for model in (ProgressReport, ResearchExport):
            counts[model._meta.model_name] = _redact_rows(
                model.objects.all(), "error", who.distinctive()
            )

        counts["restrictions"] = Restriction.objects.filter(jobseeker=person).delete()[0]
        erasure = Erasure.objects.create(
            jobseeker=person,
            municipality_id=person.municipality_id,
            erased_at=now,
            erased_by=actor if getattr(actor, "pk", None) else None,
            trigger=trigger,
            reason=reason,
            counts=counts,
            ref_digest=ref_digest(who.ref),
        )
        audit_record(
            actor=actor,
            action="erasure",
            object_type="jobseeker",
            object_ref=str(person.pk),
            municipality=person.municipality,
            trigger=str(trigger),
            erasure=erasure.pk,
        )
        # The log points to the record (never its old reference): the erasure is one more
        # processing of this person's data.
        record_write(Action.UPDATE, [person], activity=Activity.PRIVACY_REQUEST)
        # The data behind the figures did not change, but the participant list's reference did.
        figures_changed()
    return erasure


def _redact_rows(queryset, field: str, values: list[str]) -> int:
    """Cut ``values`` out of ``field`` in the rows of ``queryset`` that mention one; return how
    many rows changed."""
    if not values:
        return 0
    changed = 0
    for pk, text in queryset.filter(_mentions(field, values)).values_list("pk", field):
        new = redact(text, values)
        if new != text:
            update = {field: new}
            if any(f.name == "version" for f in queryset.model._meta.fields):
                # An edit form opened before the erasure must not write the old text back.
                update["version"] = F("version") + 1
            queryset.model.objects.filter(pk=pk).update(**update)
            changed += 1
    return changed


def _json_mentions(model, field: str, values: list[str]):
    return model.objects.annotate(_text=Cast(field, TextField())).filter(_mentions("_text", values))


def _scrub_audit(person: Jobseeker, who: Identifiers, ref_map: dict[str, str]) -> int:
    values = who.distinctive()
    changed = 0
    placement_by_ref = {ref: pk for pk, ref in who.placement_refs.items()}
    candidates = AuditEvent.objects.filter(
        Q(object_ref__in=list(ref_map))
        | Q(pk__in=_json_mentions(AuditEvent, "detail", values).values("pk"))
    )
    for event in candidates:
        if event.object_ref == who.ref:
            event.object_ref = str(person.pk)
        elif event.object_ref in placement_by_ref:
            event.object_ref = str(placement_by_ref[event.object_ref])
        # In the detail an old reference becomes the record's id too: the log keeps pointing
        # at the same record without naming it.
        id_map = {who.ref: str(person.pk)}
        id_map.update({ref: str(pk) for ref, pk in placement_by_ref.items()})
        event.detail = _scrub_json(event.detail, ref_map=id_map, values=values)
        _save_scrubbed_event(event)
        changed += 1
    return changed


def _save_scrubbed_event(event: AuditEvent) -> None:
    """The audit log is append-only for the application's role (db_scope.APPEND_ONLY_TABLES):
    on PostgreSQL the scrubbed reference and detail go through the owner's function made for
    this alone (privacy migration 0003)."""
    if connection.vendor != "postgresql":
        event.save(update_fields=["object_ref", "detail"])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pilot_scrub_audit_event(%s, %s, %s::jsonb)",
            [event.pk, event.object_ref, json.dumps(event.detail)],
        )


def _scrub_admin_log(person: Jobseeker, who: Identifiers, ref_map: dict[str, str]) -> int:
    values = who.distinctive()
    changed = 0
    jobseeker_type = ContentType.objects.get_for_model(Jobseeker)
    placement_type = ContentType.objects.get_for_model(Placement)
    changed += LogEntry.objects.filter(
        content_type=jobseeker_type, object_id=str(person.pk)
    ).update(object_repr=ref_map[who.ref])
    for pk, old in who.placement_refs.items():
        changed += LogEntry.objects.filter(content_type=placement_type, object_id=str(pk)).update(
            object_repr=ref_map[old]
        )
    changed += _redact_rows(LogEntry.objects.all(), "object_repr", values)
    changed += _redact_rows(LogEntry.objects.all(), "change_message", values)
    return changed


def _scrub_snapshots(who: Identifiers, ref_map: dict[str, str]) -> int:
    old_refs = list(ref_map)
    changed = 0
    # The participant lists are the only place a snapshot names anyone (figures_as_of holds
    # counts per municipality): jsonb containment finds them without reading the snapshots as
    # text.
    wanted = Q(pk__in=[])
    for ref in old_refs:
        wanted |= Q(figures__participants__contains=[{"ref": ref}])
        wanted |= Q(savings__participants__contains=[{"ref": ref}])
    candidates = MetricsSnapshot.objects.filter(wanted)
    for snapshot in candidates.select_for_update():
        for field in ("figures", "savings", "figures_as_of"):
            value = getattr(snapshot, field)
            setattr(snapshot, field, _scrub_json(value, ref_map=ref_map, values=[]))
        snapshot.save(update_fields=["figures", "savings", "figures_as_of"])
        # The whole pilot's lists in stretches (issue 17) are cut again from the scrubbed
        # document: the new reference sorts elsewhere, maybe into another stretch.
        restretch_participants(snapshot)
        changed += 1
    # The same lists in the snapshots' parts per municipality (issue 17): the person stays in
    # their municipality's part, sorted again within it.
    fields = ("participants", "savings_participants")
    wanted = Q(pk__in=[])
    for ref in old_refs:
        for name in fields:
            wanted |= Q(**{f"{name}__contains": [{"ref": ref}]})
    for part in SnapshotMunicipality.objects.filter(wanted).select_for_update():
        for name in fields:
            setattr(part, name, _scrub_json(getattr(part, name), ref_map=ref_map, values=[]))
        part.save(update_fields=list(fields))
    return changed
