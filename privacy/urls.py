from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.ProcessingLogView.as_view(), name="log"),
    path("people/", views.PersonFindView.as_view(), name="person_find"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
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
    path("people/<int:pk>/restrict/", views.RestrictView.as_view(), name="restrict"),
    path("people/<int:pk>/lift/", views.LiftRestrictionView.as_view(), name="lift"),
    path("people/<int:pk>/erase/", views.EraseView.as_view(), name="erase"),
    path("retention/", views.RetentionView.as_view(), name="retention"),
]
