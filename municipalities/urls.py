from django.urls import path

from . import views

app_name = "municipalities"

urlpatterns = [
    path("invitations/new/", views.InvitationCreateView.as_view(), name="invitation_create"),
    path(
        "municipalities/suggest/",
        views.MunicipalitySuggestView.as_view(),
        name="municipality_suggest",
    ),
]
