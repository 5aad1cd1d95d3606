"""One door: the admin signs in through allauth, wrong passwords are counted per account on
every path, and only the programme admin changes a login e-mail."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.urls import reverse

from municipalities.enums import Role
from municipalities.models import AuditEvent, User
from tests.factories import totp_code, user_with_role

PASSWORD = "correct horse battery"

pytestmark = pytest.mark.django_db


def test_admin_login_sends_to_allauth(client):
    response = client.get("/admin/login/", {"next": "/admin/placements/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fplacements%2F"


def test_admin_login_keeps_no_foreign_next(client):
    response = client.get("/admin/login/", {"next": "https://evil.example/"})
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_admin_login_form_takes_no_password(client):
    admin_user = user_with_role(Role.PROGRAMME_ADMIN)
    response = client.post("/admin/login/", {"username": admin_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_admin_password_change_goes_to_allauth(client):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    response = client.get("/admin/password_change/")
    assert response["Location"] == reverse("account_change_password")


def test_admin_pages_send_signed_out_people_to_allauth(client):
    response = client.get("/admin/municipalities/user/")
    assert response["Location"] == "/admin/login/?next=/admin/municipalities/user/"
    assert client.get(response["Location"])["Location"] == (
        "/accounts/login/?next=%2Fadmin%2Fmunicipalities%2Fuser%2F"
    )


def test_sixth_wrong_password_within_five_minutes_is_refused_even_when_right(client):
    admin_user = user_with_role(Role.PROGRAMME_ADMIN)
    for _attempt in range(5):
        response = client.post(
            reverse("account_login"), {"login": admin_user.email, "password": "wrong"}
        )
        assert "The email address and/or password you specified are not correct." in (
            response.content.decode()
        )
    response = client.post(
        reverse("account_login"), {"login": admin_user.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The admin's door leads to the same form, with the same count.
    response = client.post(
        client.get("/admin/login/")["Location"], {"login": admin_user.email, "password": PASSWORD}
    )
    assert "Too many failed login attempts. Try again later." in response.content.decode()


def test_login_counts_per_account_not_per_browser(client):
    from django.test import Client

    person = user_with_role(Role.FUNDER)
    for _attempt in range(5):
        Client().post(reverse("account_login"), {"login": person.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert "Too many failed login attempts. Try again later." in response.content.decode()


def test_own_email_management_is_not_served(client):
    client.force_login(user_with_role(Role.FUNDER))
    assert client.get("/accounts/email/").status_code == 404
    assert (
        client.post("/accounts/email/", {"action_add": "", "email": "x@example.org"}).status_code
        == 404
    )
    assert client.get("/accounts/confirm-email/").status_code == 404
    assert client.get("/accounts/confirm-email/abc:def/").status_code == 404


def _change_email(client, user, email):
    return client.post(
        reverse("admin:municipalities_user_change", args=[user.pk]),
        {
            "email": email,
            "full_name": user.full_name,
            "is_active": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "09:00:00",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )


def test_programme_admin_changes_a_login_email(client):
    person = user_with_role(Role.FUNDER, email="old@example.org")
    EmailAddress.objects.create(user=person, email="old@example.org", primary=True, verified=True)
    admin_user = user_with_role(Role.PROGRAMME_ADMIN)
    client.force_login(admin_user)
    response = _change_email(client, person, "New@Example.org")
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.email == "new@example.org"
    assert list(EmailAddress.objects.filter(user=person)) == []
    assert authenticate(username="old@example.org", password=PASSWORD) is None
    assert authenticate(username="new@example.org", password=PASSWORD) == person
    event = AuditEvent.objects.get(action="login_email_change")
    assert (event.actor, event.object_ref, event.detail) == (admin_user, str(person.pk), {})


def test_login_email_never_becomes_an_address_in_use(client):
    user_with_role(Role.FUNDER, email="taken@example.org")
    person = user_with_role(Role.FUNDER, email="person@example.org")
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    response = _change_email(client, person, "TAKEN@example.org")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "email": ["A person with this e-mail address already has an account."]
    }
    assert User.objects.get(pk=person.pk).email == "person@example.org"


def test_totp_code_is_asked_on_the_admin_door_too(client):
    admin_user = user_with_role(Role.PROGRAMME_ADMIN)
    target = client.get("/admin/login/", {"next": "/admin/"})["Location"]
    response = client.post(target, {"login": admin_user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
