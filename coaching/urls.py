from django.urls import path

from . import views

app_name = "coaching"

urlpatterns = [
    path("entrepreneurs/", views.EntrepreneurListView.as_view(), name="entrepreneur_list"),
    path(
        "entrepreneurs/<int:pk>/",
        views.EntrepreneurDetailView.as_view(),
        name="entrepreneur_detail",
    ),
    path(
        "entrepreneurs/<int:pk>/sessions/new/",
        views.GuidanceSessionCreateView.as_view(),
        name="session_create",
    ),
    path(
        "sessions/<int:pk>/edit/",
        views.GuidanceSessionUpdateView.as_view(),
        name="session_update",
    ),
    path(
        "sessions/<int:pk>/withdraw/",
        views.GuidanceSessionWithdrawView.as_view(),
        name="session_withdraw",
    ),
]
