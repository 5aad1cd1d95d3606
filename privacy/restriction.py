"""Restriction of processing (art. 18 AVG): set and lifted by the privacy officer (or the
programme admin). Who may open a restricted person is decided in municipalities/access.py."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from municipalities.processing_enums import Action, Activity
from municipalities.processing_log import record_write
from municipalities.services import audit_record
from placements.models import Jobseeker

from .erasure import ErasureRefused, check_reason, identifiers_of
from .models import Erasure, Restriction


def restriction_set(jobseeker: Jobseeker, *, reason: str, actor) -> Restriction:
    """Restrict the processing of ``jobseeker``'s data; ``ErasureRefused`` (a ValidationError)
    when it is restricted or erased already, or the reason is empty or names the person."""
    with transaction.atomic():
        person = Jobseeker.objects.select_for_update().get(pk=jobseeker.pk)
        if Erasure.objects.filter(jobseeker=person).exists():
            raise ErasureRefused(
                _("This person's data has already been erased."), code="already_erased"
            )
        if Restriction.objects.filter(jobseeker=person).exists():
            raise ErasureRefused(_("This person is restricted already."), code="restricted")
        reason = check_reason(reason, identifiers_of(person))
        restriction = Restriction.objects.create(
            jobseeker=person,
            municipality_id=person.municipality_id,
            restricted_by=actor if getattr(actor, "pk", None) else None,
            reason=reason,
        )
        audit_record(
            actor=actor,
            action="restriction_set",
            object_type="jobseeker",
            object_ref=str(person.pk),
            municipality=person.municipality,
        )
        record_write(Action.UPDATE, [person], activity=Activity.PRIVACY_REQUEST)
    return restriction


def restriction_lift(jobseeker: Jobseeker, *, actor) -> bool:
    """Lift the restriction; False when there was none."""
    with transaction.atomic():
        deleted, _rows = Restriction.objects.filter(jobseeker_id=jobseeker.pk).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="restriction_lifted",
                object_type="jobseeker",
                object_ref=str(jobseeker.pk),
                municipality=jobseeker.municipality,
            )
            record_write(Action.UPDATE, [jobseeker], activity=Activity.PRIVACY_REQUEST)
    return bool(deleted)
