from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("health/", views.health, name="health"),
    path("health/live/", views.liveness, name="liveness"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/", include("pilot.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("municipalities.urls")),
    path("", include("placements.urls")),
    path("", include("coaching.urls")),
    path("", include("reporting.urls")),
    path("exports/", include("reporting.export_urls")),
    path("", views.home, name="home"),
]
