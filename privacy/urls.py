from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.ProcessingLogView.as_view(), name="log"),
    path("people/find/", views.FindPersonView.as_view(), name="find_person"),
    path("people/<int:pk>/", views.PersonView.as_view(), name="person"),
    path(
        "people/<int:pk>/access.json",
        views.AccessDownloadView.as_view(kind="json"),
        name="access_json",
    ),
    path(
        "people/<int:pk>/access.pdf",
        views.AccessDownloadView.as_view(kind="pdf"),
        name="access_pdf",
    ),
]
