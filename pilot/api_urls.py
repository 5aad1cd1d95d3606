"""The JSON API (read-only), version 1, and its OpenAPI description."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from coaching.api import EntrepreneurViewSet
from placements.api import JobseekerViewSet, PlacementViewSet
from reporting.api import MetricsView, SavingsView

router = DefaultRouter()
router.register("jobseekers", JobseekerViewSet, basename="jobseeker")
router.register("placements", PlacementViewSet, basename="placement")
router.register("entrepreneurs", EntrepreneurViewSet, basename="entrepreneur")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/metrics/", MetricsView.as_view(), name="metrics"),
    path("v1/savings/", SavingsView.as_view(), name="savings"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]
