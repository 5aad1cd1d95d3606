"""The whole of two to-do lists the home page shows only the most urgent ten of: benefit checks
due and progress reviews due. The other two (placements ending, proposals) are a filter of the
placement list; these two follow rules a filter cannot express (dates after the internship,
the latest review), so each has its own page with the selector the home page shares."""

from django.core.paginator import Paginator
from django.utils import timezone
from django.views.generic import TemplateView

from municipalities.enums import Role
from municipalities.processing_log import LogsReads
from municipalities.views_base import RoleRequiredMixin

from ..selectors import benefit_checks_due, reviews_due, sees_several_municipalities

PER_PAGE = 50


class _DueListView(LogsReads, RoleRequiredMixin, TemplateView):
    # A jobcoach's own work list (their municipalities), as on the home page: the programme
    # admin follows the pilot through the lists and dashboard, not through every to-do.
    roles = frozenset({Role.JOBCOACH})
    # The selector behind the list: ``(user=..., today=...)`` -> the rows, most urgent first.
    selector = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = self.selector(user=self.request.user, today=today)
        page = Paginator(rows, PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page,
            rows=page.object_list,
            today=today,
            show_municipality=sees_several_municipalities(self.request.user),
        )
        return context


class BenefitChecksDueView(_DueListView):
    template_name = "placements/benefit_checks_due.html"
    selector = staticmethod(benefit_checks_due)

    def people_shown(self, context):
        return [check.jobseeker for check in context["rows"]]


class ReviewsDueView(_DueListView):
    template_name = "placements/reviews_due.html"
    selector = staticmethod(reviews_due)

    def people_shown(self, context):
        return [placement.jobseeker for placement in context["rows"]]
