"""Pages of the IMK coach (their entrepreneurs and guidance sessions), and the entrepreneur list
that jobcoaches use to find a free place."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, UpdateView

from kernel.forms import WithdrawForm
from kernel.pagination import KeysFirstPaginator
from kernel.stale_edits import StaleEditViewMixin
from kernel.versioning import StaleEdit
from municipalities.access import access_for, editable
from municipalities.enums import ChangeSource, Role
from municipalities.history import ChangedBy
from municipalities.views_base import ScopedQuerysetMixin

from .enums import GuidanceTopic
from .filters import EntrepreneurFilter
from .forms import GuidanceSessionForm
from .models import Entrepreneur, GuidanceSession
from .selectors import (
    entrepreneur_corrections,
    entrepreneur_evaluations,
    entrepreneurs_with_intern,
    guidance_history,
    session_defaults,
)
from .services import guidance_session_save, guidance_session_withdraw

ENTREPRENEUR_ROLES = frozenset({Role.PROGRAMME_ADMIN, Role.IMK_COACH, Role.JOBCOACH})


class EntrepreneurListView(ScopedQuerysetMixin, ListView):
    model = Entrepreneur
    roles = ENTREPRENEUR_ROLES
    paginate_by = 25
    paginator_class = KeysFirstPaginator
    template_name = "coaching/entrepreneur_list.html"
    context_object_name = "entrepreneurs"

    def scope_queryset(self, queryset):
        self.filterset = EntrepreneurFilter(
            self.request.GET or None, queryset=queryset, request=self.request
        )
        access = access_for(self.request.user)
        if not (access.is_programme_admin or access.is_imk_coach):
            # A jobcoach sees the free places, not the interns: no filter on them either.
            self.filterset.filters.pop("internship")
        rows = self.filterset.qs.order_by("trade_name", "ref")
        return entrepreneurs_with_intern(user=self.request.user, entrepreneurs=rows)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        access = access_for(self.request.user)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=self.filterset,
            query=query.urlencode(),
            own_only=access.is_imk_coach and not (access.is_programme_admin or access.is_jobcoach),
            show_intern=access.is_programme_admin or access.is_imk_coach,
            show_free_place=access.is_programme_admin or access.is_jobcoach,
            show_coach=access.is_programme_admin,
            # Straight from the list to the form: logging a session is the coach's daily task.
            show_log=access.is_imk_coach,
        )
        return context

    def people_shown(self, context):
        if not context["show_intern"]:
            return []
        return [e.intern_jobseeker_id for e in context["object_list"] if e.intern_given_name]


class EntrepreneurDetailView(ScopedQuerysetMixin, DetailView):
    model = Entrepreneur
    roles = ENTREPRENEUR_ROLES
    template_name = "coaching/entrepreneur_detail.html"
    context_object_name = "entrepreneur"

    def scope_queryset(self, queryset):
        return entrepreneurs_with_intern(user=self.request.user, entrepreneurs=queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        access = access_for(user)
        entrepreneur = self.object
        # KvK number and contact details: the programme admin and the entrepreneur's own coach;
        # a jobcoach sees the trade name, municipality and intern only (domain.md).
        own_coach = access.is_imk_coach and entrepreneur.imk_coach_id == user.pk
        sessions = list(guidance_history(user=user, entrepreneur=entrepreneur))
        editable_ids = set(
            editable(user, GuidanceSession)
            .filter(entrepreneur=entrepreneur)
            .values_list("id", flat=True)
        )
        for session in sessions:
            session.can_edit = session.id in editable_ids
            session.topic_labels = [GuidanceTopic(topic).label for topic in session.topics]
        context.update(
            show_details=access.is_programme_admin or own_coach,
            show_history=access.is_programme_admin or access.is_imk_coach,
            show_coach=access.is_programme_admin,
            sessions=sessions,
            evaluations=entrepreneur_evaluations(user=user, entrepreneur=entrepreneur),
            can_log=access.is_imk_coach
            and editable(user, Entrepreneur).filter(pk=entrepreneur.pk).exists(),
            corrections=entrepreneur_corrections(user=user, entrepreneur=entrepreneur),
        )
        return context

    def people_shown(self, context):
        entrepreneur = context["entrepreneur"]
        current = [entrepreneur.intern_jobseeker_id] if entrepreneur.intern_status else []
        return current + list(context["evaluations"])


class GuidanceSessionCreateView(ScopedQuerysetMixin, FormView):
    """Log a session with one of the coach's own entrepreneurs (404 for any other)."""

    model = Entrepreneur
    for_writing = True
    roles = frozenset({Role.IMK_COACH})
    form_class = GuidanceSessionForm
    template_name = "coaching/guidance_session_form.html"

    @cached_property
    def entrepreneur(self) -> Entrepreneur:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = GuidanceSession(
            entrepreneur=self.entrepreneur, coach=self.request.user
        )
        kwargs["defaults"] = session_defaults(coach=self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(entrepreneur=self.entrepreneur, **kwargs)

    def form_valid(self, form):
        try:
            guidance_session_save(session=form.save(commit=False))
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Guidance session saved."))
        return redirect("coaching:entrepreneur_detail", pk=self.entrepreneur.pk)


class GuidanceSessionUpdateView(StaleEditViewMixin, ScopedQuerysetMixin, UpdateView):
    """Correct a session afterwards: its author, or a programme admin (404 for anyone else).

    The form carries the version it was based on; a change made meanwhile is shown, not lost.
    """

    model = GuidanceSession
    for_writing = True
    roles = frozenset({Role.IMK_COACH, Role.PROGRAMME_ADMIN})
    form_class = GuidanceSessionForm
    template_name = "coaching/guidance_session_form.html"
    context_object_name = "session"

    def scope_queryset(self, queryset):
        return queryset.select_related("entrepreneur")

    def get_context_data(self, **kwargs):
        return super().get_context_data(entrepreneur=self.object.entrepreneur, **kwargs)

    def form_valid(self, form):
        change = ChangedBy(
            actor=self.request.user,
            source=ChangeSource.WEB,
            reason=form.cleaned_data.get("reason", ""),
        )
        try:
            self.object = guidance_session_save(session=form.save(commit=False), change=change)
        except StaleEdit as exc:
            return self.stale_edit(form, exc)
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Guidance session saved."))
        return redirect(self.get_success_url())

    def gone_url(self) -> str:
        return self.get_success_url()

    def get_success_url(self) -> str:
        return reverse("coaching:entrepreneur_detail", kwargs={"pk": self.object.entrepreneur_id})


class GuidanceSessionWithdrawView(StaleEditViewMixin, ScopedQuerysetMixin, UpdateView):
    """Withdraw a session logged by mistake, with a reason (its author or a programme admin)."""

    model = GuidanceSession
    for_writing = True
    roles = frozenset({Role.IMK_COACH, Role.PROGRAMME_ADMIN})
    form_class = WithdrawForm
    template_name = "coaching/guidance_session_withdraw.html"
    context_object_name = "session"

    def scope_queryset(self, queryset):
        return queryset.select_related("entrepreneur")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(entrepreneur=self.object.entrepreneur, **kwargs)

    def form_valid(self, form):
        self.object.version = form.cleaned_data["version"]
        change = ChangedBy(
            actor=self.request.user, source=ChangeSource.WEB, reason=form.cleaned_data["reason"]
        )
        try:
            guidance_session_withdraw(session=self.object, change=change)
        except StaleEdit as exc:
            return self.stale_edit(form, exc)
        except ValidationError as exc:
            form.add_error("reason", exc.message_dict.get("reason", exc.messages))
            return self.form_invalid(form)
        messages.success(self.request, _("Guidance session withdrawn."))
        return redirect(self.gone_url())

    def gone_url(self) -> str:
        return reverse("coaching:entrepreneur_detail", kwargs={"pk": self.object.entrepreneur_id})
