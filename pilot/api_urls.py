"""The JSON API, version 1 (api-write.md: reads for people and API clients, PUT upserts for
API clients), and its OpenAPI description."""

from django.urls import include, path, re_path
from django.utils import translation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from coaching.api import EntrepreneurViewSet
from placements.api import (
    REF_PATTERN,
    BenefitPeriodDetail,
    BenefitPeriodList,
    JobseekerViewSet,
    PlacementViewSet,
)
from reporting.api import MetricsView, SavingsView


class SchemaView(SpectacularAPIView):
    """The OpenAPI description, in English unless ``?lang=`` asks otherwise: generated
    clients name their types after it, so it must not change with the reader's language."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        if request.GET.get("lang"):
            return super().get(request, *args, **kwargs)
        with translation.override("en"):
            return super().get(request, *args, **kwargs)


router = DefaultRouter()
router.register("jobseekers", JobseekerViewSet, basename="jobseeker")
router.register("placements", PlacementViewSet, basename="placement")
router.register("entrepreneurs", EntrepreneurViewSet, basename="entrepreneur")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    re_path(
        rf"^v1/jobseekers/(?P<ref>{REF_PATTERN})/benefit-periods/$",
        BenefitPeriodList.as_view(),
        name="benefit-period-list",
    ),
    re_path(
        rf"^v1/jobseekers/(?P<ref>{REF_PATTERN})/benefit-periods/"
        r"(?P<benefit_type>[a-z_]{1,32})/(?P<start_date>[0-9]{4}-[0-9]{2}-[0-9]{2})/$",
        BenefitPeriodDetail.as_view(),
        name="benefit-period-detail",
    ),
    path("v1/metrics/", MetricsView.as_view(), name="metrics"),
    path("v1/savings/", SavingsView.as_view(), name="savings"),
    path("schema/", SchemaView.as_view(), name="schema"),
]
