from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from portal import views

urlpatterns = [
    path("health/", views.health, name="health"),
    path("health/live/", views.liveness, name="liveness"),
    # One door: the admin signs in (and changes passwords) through allauth's pages, with their
    # rate limits and second factor; the admin's own forms are never served.
    path("admin/login/", views.admin_login, name="admin_login_redirect"),
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="account_change_password"),
        name="admin_password_change_redirect",
    ),
    path("admin/", admin.site.urls),
    # Login e-mails are changed by the programme admin only (in the admin): allauth's e-mail
    # management and its confirmation links are not served.
    path("accounts/email/", views.not_served),
    path("accounts/confirm-email/", views.not_served),
    re_path(r"^accounts/confirm-email/(?P<key>[-:\w]+)/$", views.not_served),
    path("accounts/", include("allauth.urls")),
    path("api/", include("pilot.api_urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("", include("municipalities.urls")),
    path("", include("placements.urls")),
    path("", include("coaching.urls")),
    path("", include("reporting.urls")),
    path("exports/", include("reporting.export_urls")),
    path("privacy/", include("privacy.urls")),
    path("", views.home, name="home"),
]
