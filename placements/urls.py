from django.urls import path

from .views.benefit_checks import BenefitCheckView
from .views.benefits import BenefitEndView, BenefitStartView
from .views.consents import ConsentGiveView, ConsentWithdrawView
from .views.corrections import (
    BenefitCorrectView,
    BenefitWithdrawView,
    PlacementCorrectView,
    PlacementUndoView,
    ReviewCorrectView,
    ReviewWithdrawView,
)
from .views.evaluations import HostEvaluationView
from .views.imports import ImportConfirmView, ImportDetailView, ImportListView, ImportStatusView
from .views.jobseekers import (
    JobseekerCreateView,
    JobseekerDetailView,
    JobseekerListView,
    JobseekerUpdateView,
)
from .views.placements import (
    STEPS,
    PlacementDetailView,
    PlacementListView,
    PlacementProposeView,
    PlacementStepView,
)
from .views.todo import BenefitChecksDueView, ReviewsDueView

app_name = "placements"

urlpatterns = [
    path("jobseekers/", JobseekerListView.as_view(), name="jobseeker_list"),
    path("jobseekers/new/", JobseekerCreateView.as_view(), name="jobseeker_create"),
    path("jobseekers/<int:pk>/", JobseekerDetailView.as_view(), name="jobseeker_detail"),
    path("jobseekers/<int:pk>/edit/", JobseekerUpdateView.as_view(), name="jobseeker_update"),
    path("jobseekers/<int:pk>/benefits/ended/", BenefitEndView.as_view(), name="benefit_end"),
    path("jobseekers/<int:pk>/benefits/new/", BenefitStartView.as_view(), name="benefit_start"),
    path("jobseekers/<int:pk>/consent/", ConsentGiveView.as_view(), name="consent_give"),
    path("consents/<int:pk>/withdraw/", ConsentWithdrawView.as_view(), name="consent_withdraw"),
    path("benefits/<int:pk>/correct/", BenefitCorrectView.as_view(), name="benefit_correct"),
    path("benefits/<int:pk>/withdraw/", BenefitWithdrawView.as_view(), name="benefit_withdraw"),
    path("reviews/<int:pk>/correct/", ReviewCorrectView.as_view(), name="review_correct"),
    path("reviews/<int:pk>/withdraw/", ReviewWithdrawView.as_view(), name="review_withdraw"),
    path("placements/", PlacementListView.as_view(), name="placement_list"),
    # The whole of the home page's two date-rule to-do lists.
    path("benefit-checks/due/", BenefitChecksDueView.as_view(), name="benefit_checks_due"),
    path("reviews/due/", ReviewsDueView.as_view(), name="reviews_due"),
    path("placements/new/", PlacementProposeView.as_view(), name="placement_propose"),
    path("placements/<int:pk>/", PlacementDetailView.as_view(), name="placement_detail"),
    path(
        "placements/<int:pk>/benefit-checks/<int:months>/",
        BenefitCheckView.as_view(),
        name="benefit_check",
    ),
    path(
        "placements/<int:pk>/evaluation/",
        HostEvaluationView.as_view(),
        name="placement_evaluation",
    ),
    path("placements/<int:pk>/correct/", PlacementCorrectView.as_view(), name="placement_correct"),
    path("placements/<int:pk>/undo/", PlacementUndoView.as_view(), name="placement_undo"),
    # Imports from the browser (CSV files of data-exchange.md).
    path("imports/", ImportListView.as_view(), name="import_list"),
    path("imports/<int:pk>/", ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/status/", ImportStatusView.as_view(), name="import_status"),
    path("imports/<int:pk>/confirm/", ImportConfirmView.as_view(), name="import_confirm"),
    # One URL per lifecycle step: placements/<pk>/agree/, .../start/, .../review/, ...
    *(
        path(
            f"placements/<int:pk>/{name}/",
            PlacementStepView.as_view(step_name=name),
            name=f"placement_{name}",
        )
        for name in STEPS
    ),
]
