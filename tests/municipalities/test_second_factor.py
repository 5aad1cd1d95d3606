"""A second factor for everyone: allauth's TOTP at sign-in, and no page or API for an account
that has none until it is set up."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from municipalities.enums import Role
from municipalities.models import AuditEvent
from tests.factories import TOTP_SECRET, totp_code, user_with_role

PASSWORD = "correct horse battery"

pytestmark = pytest.mark.django_db


def _password_step(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def signed_in(user) -> Client:
    """A browser signed in as a person would: password, then the authenticator app's code.
    (Only allauth's sign-in records the session for "sign out everywhere".)"""
    browser = Client()
    _password_step(browser, user)
    assert browser.post(reverse("mfa_authenticate"), {"code": totp_code()}).status_code == 302
    return browser


def test_password_alone_reaches_nothing(client):
    user = user_with_role(Role.PROGRAMME_ADMIN)
    response = _password_step(client, user)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    for url in ["/", "/jobseekers/", "/dashboard/", "/admin/", "/api/v1/jobseekers/"]:
        assert client.get(url).status_code in {302, 401, 403}, url
    assert client.get("/").url.startswith(reverse("account_login"))
    # Not signed in: the API answers 401 (api-write.md: no session, no token).
    assert client.get("/api/v1/jobseekers/").status_code == 401


def test_password_and_totp_code_sign_in(client):
    user = user_with_role(Role.FUNDER)
    _password_step(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/").status_code == 200


def test_wrong_totp_code_is_refused(client):
    user = user_with_role(Role.FUNDER)
    _password_step(client, user)
    wrong = f"{(int(totp_code()) + 500_000) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_account_without_second_factor_is_sent_to_set_one_up(client):
    user = user_with_role(Role.FUNDER, second_factor=False)
    response = _password_step(client, user)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    # Signed in, but every page sends them to the set-up and the API refuses.
    for url in ["/", "/dashboard/", "/reports/", "/accounts/sessions/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp"), url
    response = client.get("/api/v1/metrics/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Set up a second factor before using the API."}
    # What still answers: the set-up itself (after allauth asks for the password once more),
    # the health check and signing out.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    assert client.get(reverse("account_reauthenticate")).status_code == 200
    assert client.get("/health/live/").status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_setting_up_the_authenticator_app_opens_the_pages(client):
    user = user_with_role(Role.FUNDER, second_factor=False)
    _password_step(client, user)
    response = client.post(
        f"{reverse('account_reauthenticate')}?next={reverse('mfa_activate_totp')}",
        {"password": PASSWORD},
    )
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == [
        "recovery_codes",
        "totp",
    ]
    assert client.get("/").status_code == 200


def test_force_login_without_second_factor_reaches_nothing(client):
    user = user_with_role(Role.PROGRAMME_ADMIN, second_factor=False)
    client.force_login(user)
    assert client.get("/jobseekers/")["Location"] == reverse("mfa_activate_totp")
    assert client.get("/api/v1/jobseekers/").status_code == 403


def test_nobody_removes_their_own_second_factor(client):
    user = user_with_role(Role.FUNDER)
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "You cannot deactivate two-factor authentication." in response.content.decode()
    assert Authenticator.objects.filter(user=user, type="totp").count() == 1


def test_programme_admin_resets_a_second_factor(client):
    person = user_with_role(Role.FUNDER)
    other_browser = signed_in(person)
    assert other_browser.get("/").status_code == 200
    admin_user = user_with_role(Role.PROGRAMME_ADMIN)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:municipalities_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=person).count() == 0
    event = AuditEvent.objects.get(action="second_factor_reset")
    assert (event.actor, event.object_ref, event.detail) == (
        admin_user,
        str(person.pk),
        {"authenticators": 1, "sessions": 1},
    )
    # Their session is gone; at the next sign-in they set up a new second factor.
    assert other_browser.get("/")["Location"].startswith(reverse("account_login"))
    assert UserSession.objects.filter(user=person).count() == 0
    fresh = Client()
    _password_step(fresh, person)
    assert fresh.get("/")["Location"] == reverse("mfa_activate_totp")


def test_factory_secret_is_the_one_stored():
    user = user_with_role(Role.FUNDER)
    assert Authenticator.objects.get(user=user, type="totp").data == {"secret": TOTP_SECRET}
