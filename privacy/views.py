"""The privacy officer's pages: the processing log, a person's page and their access request.

The officer sees these and nothing else (every other page refuses the role). Every page that
shows people is itself recorded in the processing log, as a privacy request.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from municipalities.access import privacy_request_people
from municipalities.enums import Role
from municipalities.views_base import RoleRequiredMixin, ScopedQuerysetMixin
from placements.models import Jobseeker

from .access_request import access_json, access_pdf
from .enums import Action, Activity
from .filters import ProcessingLogFilter
from .forms import FindPersonForm
from .log import LogsReads, record
from .models import ProcessingEntry, ProcessingSubject

OFFICER = frozenset({Role.PRIVACY_OFFICER})


def _with_people(entries):
    """Each entry of the page with its people (``people``: jobseekers, ref only), in one query."""
    entries = list(entries)
    by_entry: dict[int, list] = {entry.pk: [] for entry in entries}
    subjects = (
        ProcessingSubject.objects.filter(entry_id__in=by_entry)
        .select_related("jobseeker")
        .only("entry_id", "jobseeker__id", "jobseeker__ref")
        .order_by("jobseeker__ref")
    )
    for subject in subjects:
        by_entry[subject.entry_id].append(subject.jobseeker)
    for entry in entries:
        entry.people = by_entry[entry.pk]
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
            person=privacy_request_people(self.request.user).filter(pk=person).first()
            if person
            else None,
        )
        return context

    def people_shown(self, context):
        return [person for entry in context["object_list"] for person in entry.people]


class FindPersonView(RoleRequiredMixin, FormView):
    """Open a person by reference (pilot-wide): on to their page, which has no reference in
    its URL."""

    roles = OFFICER
    form_class = FindPersonForm
    template_name = "privacy/find_person.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        return redirect("privacy:person", pk=form.person.pk)


class PersonView(LogsReads, RoleRequiredMixin, DetailView):
    """One person for the officer: who they are, the downloads of their access request, and the
    latest processing of their data."""

    roles = OFFICER
    model = Jobseeker
    template_name = "privacy/person.html"
    context_object_name = "person"
    processing_activity = Activity.PRIVACY_REQUEST

    def get_queryset(self):
        # The officer is pilot-wide: every person, for the requests they answer.
        return privacy_request_people(self.request.user).select_related("municipality")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = ProcessingEntry.objects.filter(subjects__jobseeker=self.object)
        context.update(
            entry_count=entries.count(),
            latest=entries.select_related("actor").order_by("-at", "-id")[:10],
        )
        return context


class AccessDownloadView(RoleRequiredMixin, View):
    """The access request's download: everything held on the person, JSON or PDF. The download
    is itself a processing (an export for a privacy request)."""

    roles = OFFICER
    kind = "json"

    def get(self, request, pk):
        person = get_object_or_404(privacy_request_people(request.user), pk=pk)
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
