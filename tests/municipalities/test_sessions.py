"""Sessions end: after 30 idle minutes, 12 hours after signing in, everywhere on request, and
the other ones when a password or second factor changes."""

import time

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.test import Client
from django.urls import reverse

from municipalities.enums import Role
from municipalities.middleware import SEEN_AT, SIGNED_IN_AT
from municipalities.models import AuditEvent
from tests.factories import user_with_role
from tests.municipalities.test_second_factor import PASSWORD, signed_in

pytestmark = pytest.mark.django_db


def _set(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_lifetimes_are_the_agreed_defaults():
    assert (settings.SESSION_IDLE_TIMEOUT, settings.SESSION_MAX_AGE) == (30 * 60, 12 * 60 * 60)
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60


def test_idle_session_ends(client):
    client.force_login(user_with_role(Role.FUNDER))
    assert client.get("/").status_code == 200
    _set(client, **{SEEN_AT: int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1})
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/dashboard/"
    assert "_auth_user_id" not in client.session
    assert client.get("/")["Location"].startswith(reverse("account_login"))


def test_active_session_lives_on(client):
    client.force_login(user_with_role(Role.FUNDER))
    assert client.get("/").status_code == 200
    _set(client, **{SEEN_AT: int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 60})
    assert client.get("/").status_code == 200
    # The request counted as activity.
    assert client.session[SEEN_AT] >= int(time.time()) - 1


def test_session_ends_after_its_absolute_lifetime_even_when_active(client):
    client.force_login(user_with_role(Role.FUNDER))
    assert client.get("/").status_code == 200
    _set(
        client,
        **{
            SIGNED_IN_AT: int(time.time()) - settings.SESSION_MAX_AGE - 1,
            SEEN_AT: int(time.time()),
        },
    )
    assert client.get("/")["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_ended_session_answers_the_api_with_401(client):
    client.force_login(user_with_role(Role.FUNDER))
    assert client.get("/api/v1/metrics/", {"as_of": "2025-01-01"}).status_code in {200, 202}
    _set(client, **{SEEN_AT: int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1})
    response = client.get("/api/v1/metrics/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Your session has ended. Please sign in again."}


def test_password_change_ends_the_other_sessions_only():
    user = user_with_role(Role.FUNDER)
    here, elsewhere = Client(), Client()
    here.force_login(user)
    elsewhere.force_login(user)
    here.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = here.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a new and long passphrase",
            "password2": "a new and long passphrase",
        },
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith(reverse("account_login"))


def test_second_factor_change_ends_the_other_sessions(client, django_capture_on_commit_callbacks):
    user = user_with_role(Role.FUNDER)
    elsewhere = signed_in(user)
    assert elsewhere.get("/").status_code == 200
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    # allauth reports the change once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith(reverse("account_login"))


def test_person_signs_out_everywhere_else(client):
    user = user_with_role(Role.FUNDER)
    elsewhere = signed_in(user)
    client.force_login(user)
    # The other browser's session is listed.
    page = client.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert page.context["session_count"] == 1
    assert client.post(reverse("usersessions_list")).status_code == 302
    assert client.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith(reverse("account_login"))


def test_programme_admin_signs_a_person_out_everywhere(client):
    person = user_with_role(Role.FUNDER)
    elsewhere = signed_in(person)
    admin_user = user_with_role(Role.PROGRAMME_ADMIN)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:municipalities_user_changelist"),
        {"action": "sign_out_everywhere", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    assert elsewhere.get("/")["Location"].startswith(reverse("account_login"))
    assert UserSession.objects.filter(user=person).count() == 0
    event = AuditEvent.objects.get(action="sign_out_everywhere")
    assert (event.actor, event.object_ref, event.detail) == (
        admin_user,
        str(person.pk),
        {"sessions": 1},
    )
