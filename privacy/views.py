"""The privacy officer's pages: the processing log, a person's page with their requests
(access, restriction, erasure) and the retention periods.

The processing log and the access downloads are the privacy officer's alone; the person's page,
restriction, erasure and retention are the privacy officer's and the programme admin's
(``access.privacy_subjects``). A person is found by their exact reference, sent in a form (never
in a URL); the pages then address the record by its id. Every page that shows people is itself
recorded in the processing log, as a privacy request.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from municipalities.access import (
    access_for,
    privacy_subjects,
    visible,
)
from municipalities.enums import Role
from municipalities.processing_enums import Action, Activity
from municipalities.processing_log import LogsReads, record
from municipalities.views_base import RoleRequiredMixin, ScopedQuerysetMixin

from .access_request import access_json, access_pdf
from .erasure import erase_jobseeker
from .filters import ProcessingLogFilter
from .forms import EraseForm, FindPersonForm, RestrictForm
from .models import Erasure, ProcessingEntry, ProcessingSubject, Restriction, RetentionRun
from .restriction import restriction_lift, restriction_set
from .retention import retention_due

OFFICER = frozenset({Role.PRIVACY_OFFICER})
PRIVACY_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.PROGRAMME_ADMIN})


SHOWN_PEOPLE = 5  # per entry; "and N more" says how many others it names


def _with_people(entries):
    """Each entry of the page with the first people it names (``people``: jobseekers, ref
    only, by ref) and how many it names (``people_count``), in two queries. An import's entry
    names every person it wrote, tens of thousands at national scale: only those shown are read."""
    entries = list(entries)
    by_entry: dict[int, list] = {entry.pk: [] for entry in entries}
    subjects = ProcessingSubject.objects.filter(entry_id__in=by_entry)
    first = (
        subjects.select_related("jobseeker")
        .only("entry_id", "jobseeker__id", "jobseeker__ref")
        .annotate(
            place=Window(RowNumber(), partition_by=[F("entry_id")], order_by="jobseeker__ref")
        )
        .filter(place__lte=SHOWN_PEOPLE)
        .order_by("entry_id", "place")
    )
    for subject in first:
        by_entry[subject.entry_id].append(subject.jobseeker)
    counts = dict(
        subjects.order_by().values("entry_id").annotate(n=Count("id")).values_list("entry_id", "n")
    )
    for entry in entries:
        entry.people = by_entry[entry.pk]
        entry.people_count = counts.get(entry.pk, 0)
        entry.more_people = max(entry.people_count - SHOWN_PEOPLE, 0)
    return entries


class ProcessingLogView(ScopedQuerysetMixin, ListView):
    roles = OFFICER
    model = ProcessingEntry
    paginate_by = 25
    template_name = "privacy/log.html"
    processing_activity = Activity.PRIVACY_REQUEST

    def scope_queryset(self, queryset):
        self.filterset = ProcessingLogFilter(
            self.request.GET or None, queryset=queryset.select_related("actor")
        )
        return self.filterset.qs.distinct().order_by("-at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object_list"] = _with_people(context["object_list"])
        person = self.filterset.form.cleaned_data.get("person") if self.filterset.is_bound else None
        context.update(
            filter=self.filterset,
            find_form=FindPersonForm(),
            person=privacy_subjects(self.request.user).filter(pk=person).first()
            if person
            else None,
        )
        return context

    def people_shown(self, context):
        return [person for entry in context["object_list"] for person in entry.people]


def _errors_to_form(form, exc: ValidationError) -> None:
    for field, errors in exc.update_error_dict({}).items():
        form.add_error(field if field in form.fields else None, errors)


class PersonFindView(RoleRequiredMixin, FormView):
    roles = PRIVACY_ROLES
    form_class = FindPersonForm
    template_name = "privacy/person_find.html"

    def form_valid(self, form):
        person = privacy_subjects(self.request.user).filter(ref=form.cleaned_data["ref"]).first()
        if person is None:
            form.add_error("ref", _("No jobseeker has this reference."))
            return self.form_invalid(form)
        return redirect("privacy:person_detail", pk=person.pk)


class PersonMixin(RoleRequiredMixin):
    roles = PRIVACY_ROLES

    @cached_property
    def person(self):
        return get_object_or_404(
            privacy_subjects(self.request.user).select_related("municipality"),
            pk=self.kwargs["pk"],
        )

    @cached_property
    def restriction(self) -> Restriction | None:
        return Restriction.objects.filter(jobseeker=self.person).first()

    @cached_property
    def erasure(self) -> Erasure | None:
        return Erasure.objects.filter(jobseeker=self.person).first()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "person": self.person,
            "restriction": self.restriction,
            "erasure": self.erasure,
        }


class PersonDetailView(LogsReads, PersonMixin, TemplateView):
    """One person: who they are, the downloads of their access request (the officer), the
    latest processing of their data, restriction and erasure."""

    template_name = "privacy/person_detail.html"
    processing_activity = Activity.PRIVACY_REQUEST

    def get_context_data(self, **kwargs):
        entries = ProcessingEntry.objects.filter(subjects__jobseeker=self.person)
        return {
            **super().get_context_data(**kwargs),
            "placement_count": self.person.placements.count(),
            "restrict_form": RestrictForm(),
            "is_officer": access_for(self.request.user).is_privacy_officer,
            "entry_count": entries.count(),
            "latest": entries.select_related("actor").order_by("-at", "-id")[:10],
        }

    def people_shown(self, context):
        return [self.person]


class RestrictView(PersonMixin, FormView):
    form_class = RestrictForm
    template_name = "privacy/restrict.html"

    def form_valid(self, form):
        try:
            restriction_set(
                self.person, reason=form.cleaned_data["reason"], actor=self.request.user
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Processing is restricted: only you and the programme admin can open this person."),
        )
        return redirect("privacy:person_detail", pk=self.person.pk)


class LiftRestrictionView(PersonMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if restriction_lift(self.person, actor=request.user):
            messages.success(request, _("The restriction is lifted."))
        else:
            messages.info(request, _("This person was not restricted."))
        return redirect("privacy:person_detail", pk=self.person.pk)


class EraseView(LogsReads, PersonMixin, FormView):
    form_class = EraseForm
    template_name = "privacy/erase.html"
    processing_activity = Activity.PRIVACY_REQUEST

    def people_shown(self, context):
        return [self.person]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ref": self.person.ref}

    def form_valid(self, form):
        try:
            erase_jobseeker(
                self.person, reason=form.cleaned_data["reason"], actor=self.request.user
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The person's data is erased. The figures keep their facts under a new reference."),
        )
        return redirect("privacy:person_detail", pk=self.person.pk)


class RetentionView(RoleRequiredMixin, TemplateView):
    """Who is due for erasure under the retention periods, and the job's last runs."""

    roles = PRIVACY_ROLES
    template_name = "privacy/retention.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "due": retention_due(),
            "runs": visible(self.request.user, RetentionRun)[:5],
            "after_window_days": settings.PILOT_RETENTION_AFTER_WINDOW_DAYS,
            "after_end_days": settings.PILOT_RETENTION_AFTER_PILOT_END_DAYS,
            "pilot_end": settings.PILOT_END_DATE,
        }


class AccessDownloadView(RoleRequiredMixin, View):
    """The access request's download: everything held on the person, JSON or PDF. The download
    is itself a processing (an export for a privacy request)."""

    roles = OFFICER
    kind = "json"

    def get(self, request, pk):
        person = get_object_or_404(privacy_subjects(request.user), pk=pk)
        if self.kind == "pdf":
            body, content_type = access_pdf(person), "application/pdf"
        else:
            body, content_type = access_json(person), "application/json"
        record(action=Action.EXPORT, people=[person], activity=Activity.PRIVACY_REQUEST)
        response = HttpResponse(body, content_type=content_type)
        # The file's name carries the person's key, not their reference or name.
        response["Content-Disposition"] = (
            f'attachment; filename="access-request-{person.pk}.{self.kind}"'
        )
        return response
