from django.urls import path

from . import completeness_views, rollout_views, views

app_name = "reporting"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/status/", views.DashboardStatusView.as_view(), name="dashboard_status"),
    path("rollout/", rollout_views.RolloutView.as_view(), name="rollout"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path(
        "completeness/",
        completeness_views.CompletenessOverviewView.as_view(),
        name="completeness",
    ),
    path(
        "completeness/<int:pk>/",
        completeness_views.CompletenessDetailView.as_view(),
        name="completeness_detail",
    ),
    path("reports/<int:pk>/status/", views.ReportStatusView.as_view(), name="report_status"),
    path("reports/<int:pk>/download/", views.ReportDownloadView.as_view(), name="report_download"),
]
