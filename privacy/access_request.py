"""A person's right of access (AVG art. 15): everything held on one person, and every processing
of their data, as JSON and as a readable PDF.

A registry of sections: each says which rows of which model belong to the person. A record kind
added later (consent records, say) is one ``register_section(...)`` line in its own app.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.enums import RecordKind
from municipalities.models import AuditEvent, Correction
from placements.models import (
    BenefitCheck,
    BenefitPeriod,
    ConsentRecord,
    HostEvaluation,
    Jobseeker,
    Placement,
    PlacementStateChange,
    ProgressReview,
)

from .models import ProcessingEntry, Restriction


@dataclass(frozen=True)
class Section:
    key: str
    title: object  # a lazy translation
    model: type[models.Model]
    rows: Callable[[Jobseeker], models.QuerySet]
    # Extra values next to the row's own fields (a related record's name, say).
    extra: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def fields(self) -> list[str]:
        own = [f.attname for f in self.model._meta.concrete_fields if f.attname not in self.exclude]
        return own + list(self.extra)

    def values(self, jobseeker: Jobseeker) -> list[dict]:
        return list(self.rows(jobseeker).order_by("pk").values(*self.fields()))

    def label(self, name: str) -> str:
        try:
            field = self.model._meta.get_field(name.removesuffix("_id").split("__")[0])
        except Exception:  # noqa: BLE001 - an extra value without a field of its own
            return name
        text = str(field.verbose_name)
        return text[:1].upper() + text[1:]


SECTIONS: list[Section] = []


def register_section(section: Section) -> None:
    """Add a kind of record to every access request (in the order of registration)."""
    SECTIONS[:] = [s for s in SECTIONS if s.key != section.key] + [section]


def _placements(jobseeker: Jobseeker) -> models.QuerySet:
    return Placement.objects.filter(jobseeker=jobseeker)


def _corrections(jobseeker: Jobseeker) -> models.QuerySet:
    return Correction.objects.filter(
        Q(subject_kind=RecordKind.JOBSEEKER, subject_id=jobseeker.pk)
        | Q(
            subject_kind=RecordKind.PLACEMENT,
            subject_id__in=_placements(jobseeker).values("pk"),
        )
    )


def _audit_events(jobseeker: Jobseeker) -> models.QuerySet:
    return AuditEvent.objects.filter(
        Q(object_type="jobseeker", object_ref=jobseeker.ref)
        | Q(object_type="placement", object_ref__in=_placements(jobseeker).values("ref"))
    )


for _section in (
    Section(
        "jobseeker",
        _("Personal details"),
        Jobseeker,
        lambda j: Jobseeker.objects.filter(pk=j.pk),
        extra=("municipality__name",),
    ),
    Section(
        "benefit_periods",
        _("Benefit periods"),
        BenefitPeriod,
        lambda j: BenefitPeriod.objects.filter(jobseeker=j),
    ),
    Section(
        "placements",
        _("Placements"),
        Placement,
        _placements,
        extra=("entrepreneur__trade_name",),
    ),
    Section(
        "placement_state_changes",
        _("Changes of placement status"),
        PlacementStateChange,
        lambda j: PlacementStateChange.objects.filter(placement__jobseeker=j),
    ),
    Section(
        "progress_reviews",
        _("Progress reviews"),
        ProgressReview,
        lambda j: ProgressReview.objects.filter(placement__jobseeker=j),
    ),
    Section(
        "benefit_checks",
        _("Benefit checks"),
        BenefitCheck,
        lambda j: BenefitCheck.objects.filter(placement__jobseeker=j),
    ),
    Section(
        "host_evaluations",
        _("Evaluations by the host"),
        HostEvaluation,
        lambda j: HostEvaluation.objects.filter(placement__jobseeker=j),
    ),
    Section(
        "consent_records",
        _("Consent"),
        ConsentRecord,
        lambda j: ConsentRecord.objects.filter(jobseeker=j).order_by("purpose", "given_on"),
        exclude=("version",),
    ),
    Section(
        "restriction",
        _("Restriction of processing"),
        Restriction,
        lambda j: Restriction.objects.filter(jobseeker=j),
    ),
    Section("corrections", _("Correction history"), Correction, _corrections),
    Section("audit_events", _("Audit events"), AuditEvent, _audit_events),
    Section(
        "processing_log",
        _("Processing of the data (processing log)"),
        ProcessingEntry,
        lambda j: ProcessingEntry.objects.filter(subjects__jobseeker=j),
        extra=("actor__full_name",),
    ),
):
    register_section(_section)


def access_data(jobseeker: Jobseeker) -> dict:
    """Everything held on ``jobseeker``: one list of rows per section."""
    return {
        "generated_at": timezone.now(),
        "sections": {section.key: section.values(jobseeker) for section in SECTIONS},
    }


def access_json(jobseeker: Jobseeker) -> bytes:
    return json.dumps(access_data(jobseeker), cls=DjangoJSONEncoder, indent=2).encode()


def _shown(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, (list, dict)):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(value)


def access_pdf(jobseeker: Jobseeker) -> bytes:
    from reporting.reports.pdf import html_to_pdf

    data = access_data(jobseeker)
    sections = [
        {
            "title": section.title,
            "rows": [
                [(section.label(name), _shown(value)) for name, value in row.items()]
                for row in data["sections"][section.key]
            ],
        }
        for section in SECTIONS
    ]
    html = render_to_string(
        "privacy/access_request.html",
        {"jobseeker": jobseeker, "sections": sections, "generated_at": data["generated_at"]},
    )
    return html_to_pdf(html)
