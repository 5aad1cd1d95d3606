from django.urls import path

from . import export_views

app_name = "exports"

urlpatterns = [
    path("", export_views.ResearchExportListView.as_view(), name="list"),
    path("<int:pk>/status/", export_views.ResearchExportStatusView.as_view(), name="status"),
    path("<int:pk>/retry/", export_views.ResearchExportRetryView.as_view(), name="retry"),
    path("<int:pk>/download/", export_views.ResearchExportDownloadView.as_view(), name="download"),
]
