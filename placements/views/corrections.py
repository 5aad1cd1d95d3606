"""Correcting and withdrawing what was recorded: benefit periods, progress reviews, a placement's
dates, and a lifecycle step taken by mistake.

Each page edits one row of the user's editable set (another municipality's row is a 404), sends
the version it was based on, and calls one service, which decides whether a reason is needed
and keeps the trace. A change made by someone else meanwhile is shown, not overwritten.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, UpdateView
from django.views.generic.detail import SingleObjectMixin

from kernel.forms import WithdrawForm
from kernel.stale_edits import StaleEditViewMixin
from kernel.versioning import StaleEdit
from municipalities.enums import ChangeSource
from municipalities.history import ChangedBy, describe_changes, fact_changes
from municipalities.views_base import ScopedQuerysetMixin

from ..enums import PlacementStatus
from ..forms import (
    BenefitCorrectForm,
    PlacementCorrectForm,
    ReviewCorrectForm,
    UndoStepForm,
    add_service_errors,
)
from ..models import BenefitPeriod, Placement, ProgressReview
from ..services import (
    BENEFIT_FACTS,
    benefit_period_withdraw,
    progress_review_withdraw,
    undo_target,
)
from .base import JOBCOACH_ROLES
from .placements import changed_meanwhile


class RecordPageMixin(StaleEditViewMixin, ScopedQuerysetMixin):
    """A correction page of one editable row: a 404 for a row the user may not change."""

    roles = JOBCOACH_ROLES
    for_writing = True
    template_name = "placements/correction_form.html"
    title = ""
    intro = ""
    button = ""
    done = ""

    def back_url(self) -> str:
        raise NotImplementedError

    def subject(self) -> str:
        """Whose record this is, as the page's subtitle."""
        raise NotImplementedError

    def gone_url(self) -> str:
        return self.back_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title,
            intro=self.intro,
            button=self.button,
            back_url=self.back_url(),
            subject=self.subject(),
            record=self.object,
            **kwargs,
        )

    def write(self, form) -> None:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.write(form)
        except StaleEdit as exc:
            return self.stale_edit(form, exc)
        except ValidationError as exc:
            self.object.refresh_from_db()
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, str(self.done))
        return redirect(self.back_url())


class CorrectView(RecordPageMixin, UpdateView):
    def write(self, form) -> None:
        form.save(actor=self.request.user)


class WithdrawView(RecordPageMixin, UpdateView):
    form_class = WithdrawForm
    facts: tuple[str, ...] = ()

    def get_context_data(self, **kwargs):
        # What is withdrawn, as it is stored now (after a stale refusal: the current values).
        lines = describe_changes(self.model, fact_changes(None, self.object, fields=self.facts))
        shown = [line for line in lines if line.new != "–"]
        return super().get_context_data(record_facts=shown, **kwargs)

    @staticmethod
    def withdraw(record, change: ChangedBy) -> None:
        raise NotImplementedError

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        return kwargs

    def write(self, form) -> None:
        self.object.version = form.cleaned_data["version"]
        change = ChangedBy(
            actor=self.request.user, source=ChangeSource.WEB, reason=form.cleaned_data["reason"]
        )
        self.withdraw(self.object, change)


# --- benefit periods --------------------------------------------------------------------------


class BenefitPageMixin:
    model = BenefitPeriod

    def scope_queryset(self, queryset):
        return queryset.select_related("jobseeker")

    def back_url(self) -> str:
        return reverse("placements:jobseeker_detail", args=[self.object.jobseeker_id]) + "#benefits"

    def subject(self) -> str:
        jobseeker = self.object.jobseeker
        return f"{jobseeker.full_name} ({jobseeker.ref})"


class BenefitCorrectView(BenefitPageMixin, CorrectView):
    form_class = BenefitCorrectForm
    title = gettext_lazy("Correct a benefit")
    intro = gettext_lazy(
        "Change what was recorded wrongly. The old and new values are kept with your reason."
    )
    button = gettext_lazy("Save correction")
    done = gettext_lazy("The benefit is corrected.")


class BenefitWithdrawView(BenefitPageMixin, WithdrawView):
    facts = BENEFIT_FACTS
    title = gettext_lazy("Withdraw a benefit")
    intro = gettext_lazy(
        "Only for a benefit recorded by mistake. It is removed; the history keeps what it said."
    )
    button = gettext_lazy("Withdraw benefit")
    done = gettext_lazy("The benefit is withdrawn.")

    @staticmethod
    def withdraw(period, change):
        benefit_period_withdraw(period=period, change=change)


# --- progress reviews -------------------------------------------------------------------------


class ReviewPageMixin:
    model = ProgressReview

    def scope_queryset(self, queryset):
        return queryset.select_related("placement")

    def back_url(self) -> str:
        return reverse("placements:placement_detail", args=[self.object.placement_id])

    def subject(self) -> str:
        return self.object.placement.ref


class ReviewCorrectView(ReviewPageMixin, CorrectView):
    form_class = ReviewCorrectForm
    title = gettext_lazy("Correct a progress review")
    intro = gettext_lazy(
        "Change what was recorded wrongly. The dates before and after are kept with your "
        "reason; of the notes, only that they changed."
    )
    button = gettext_lazy("Save correction")
    done = gettext_lazy("The progress review is corrected.")


class ReviewWithdrawView(ReviewPageMixin, WithdrawView):
    facts = ("held_on", "next_review_on")
    title = gettext_lazy("Withdraw a progress review")
    intro = gettext_lazy("Only for a review recorded by mistake. It is removed.")
    button = gettext_lazy("Withdraw review")
    done = gettext_lazy("The progress review is withdrawn.")

    @staticmethod
    def withdraw(review, change):
        progress_review_withdraw(review=review, change=change)


# --- placements -------------------------------------------------------------------------------


class PlacementPageMixin:
    model = Placement

    def scope_queryset(self, queryset):
        return queryset.select_related("jobseeker", "entrepreneur")

    def back_url(self) -> str:
        return reverse("placements:placement_detail", args=[self.object.pk])

    def subject(self) -> str:
        return f"{self.object.ref} ({self.object.get_status_display()})"


class PlacementCorrectView(PlacementPageMixin, CorrectView):
    form_class = PlacementCorrectForm
    title = gettext_lazy("Correct the placement's dates")
    intro = gettext_lazy(
        "Change dates or hours that were recorded wrongly. The old and new values are kept "
        "with your reason."
    )
    button = gettext_lazy("Save correction")
    done = gettext_lazy("The placement is corrected.")


class PlacementUndoView(PlacementPageMixin, RecordPageMixin, SingleObjectMixin, FormView):
    """Take back the last lifecycle step, taken by mistake."""

    form_class = UndoStepForm
    title = gettext_lazy("Undo the last step")
    button = gettext_lazy("Undo step")
    done = gettext_lazy("The step is undone.")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if undo_target(self.object) is None:
            return redirect(self.back_url())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if undo_target(self.object) is None:
            return changed_meanwhile(request, self.object)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "placement": self.object}

    def get_context_data(self, **kwargs):
        target = undo_target(self.object)
        context = super().get_context_data(**kwargs)
        context["intro"] = gettext_lazy(
            "Placement %(ref)s goes back from %(now)s to %(back)s. What the step recorded is "
            "cleared; the history keeps it, with your reason."
        ) % {
            "ref": self.object.ref,
            "now": self.object.get_status_display(),
            "back": PlacementStatus(target).label if target else "",
        }
        return context

    def write(self, form) -> None:
        form.perform(actor=self.request.user)

    def stale_edit(self, form, exc: StaleEdit):
        # The step to undo is no longer the last one: say so rather than undo another.
        if exc.current is None:
            return super().stale_edit(form, exc)
        return changed_meanwhile(self.request, exc.current)
