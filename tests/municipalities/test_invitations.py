"""A programme admin invites a person; the person sets a password through the mailed link."""

import re

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from municipalities.access import access_for
from municipalities.enums import Role
from municipalities.models import AuditEvent, RoleAssignment
from tests.factories import EntrepreneurFactory, MunicipalityFactory, totp_code, user_with_role

pytestmark = pytest.mark.django_db

User = get_user_model()
URL = reverse("municipalities:invitation_create")
NEW_PASSWORD = "Gr0en-Zeil-Bakkerij-17"


@pytest.fixture
def admin_user():
    return user_with_role(Role.PROGRAMME_ADMIN, email="beheer@imk.example")


@pytest.fixture
def heerlen():
    return MunicipalityFactory(code="GM0917", name="Heerlen")


@pytest.fixture
def kerkrade():
    return MunicipalityFactory(code="GM0928", name="Kerkrade")


def _invite(client, **fields):
    data = {"email": "j.jansen@heerlen.example", "full_name": "Jan Jansen", **fields}
    return client.post(URL, data)


def _link(message) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)[1]


def test_invitation_creates_jobcoach_and_mails_one_link(client, admin_user, heerlen, kerkrade):
    client.force_login(admin_user)
    response = _invite(client, role=Role.JOBCOACH, municipalities=[heerlen.pk])
    assert response.status_code == 302
    assert response["Location"] == URL
    user = User.objects.get(email="j.jansen@heerlen.example")
    assert user.full_name == "Jan Jansen"
    assert user.is_active is True
    assert user.has_usable_password() is False
    assert list(user.role_assignments.values_list("role", "municipality__code")) == [
        (Role.JOBCOACH, "GM0917")
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["j.jansen@heerlen.example"]
    assert message.subject == "Your account for the Social Return pilot"
    assert "Hello Jan Jansen," in message.body
    assert "The link works for 3 days and only once." in message.body
    assert _link(message).startswith("/accounts/password/reset/key/")


def test_invitation_link_sets_password_and_sign_in_shows_only_that_municipality(
    client, admin_user, heerlen, kerkrade
):
    EntrepreneurFactory(municipality=heerlen, trade_name="Bakkerij Heerlen")
    EntrepreneurFactory(municipality=kerkrade, trade_name="Garage Kerkrade")
    client.force_login(admin_user)
    _invite(client, role=Role.JOBCOACH, municipalities=[heerlen.pk])
    client.logout()

    link = _link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["form"].__class__.__name__ == "ResetPasswordKeyWithRulesForm"
    # The rules are on the page before a password can fail them.
    assert "Your password must contain at least 8 characters." in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    user = User.objects.get(email="j.jansen@heerlen.example")
    assert user.check_password(NEW_PASSWORD) is True
    # Signed in at once, and straight on to the second factor: no dead end, no second sign-in.
    assert done.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    setup = client.get(done["Location"], follow=True)
    assert setup.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert setup.status_code == 200
    access = access_for(user)
    assert access.jobcoach_municipality_ids == frozenset({heerlen.pk})
    # Nothing else opens before the authenticator app is set.
    assert client.get(reverse("coaching:entrepreneur_list"))["Location"] == reverse(
        "mfa_activate_totp"
    )
    code = totp_code(client.session[SECRET_SESSION_KEY])
    activated = client.post(reverse("mfa_activate_totp"), {"code": code}, follow=True)
    assert activated.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    # The recovery codes, then on to the home page: no dead end.
    assert (
        f'href="{reverse("home")}">I have saved the codes: go to my home page</a>'
        in activated.content.decode()
    )
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Welcome, Jan" in home.content.decode()
    listed = client.get(reverse("coaching:entrepreneur_list"))
    assert {e.trade_name for e in listed.context["entrepreneurs"]} == {"Bakkerij Heerlen"}


def test_invited_person_sees_dutch_rules_and_dutch_errors_whatever_the_browser(
    client, admin_user, heerlen, settings
):
    settings.LANGUAGE_CODE = "nl"
    client.force_login(admin_user)
    _invite(client, role=Role.JOBCOACH, municipalities=[heerlen.pk])
    client.logout()

    form_page = client.get(_link(mail.outbox[0]), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    html = form_page.content.decode()
    assert "Uw wachtwoord moet minstens 8 tekens lang zijn." in html
    refused = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "12345678", "password2": "12345678"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 200
    errors = refused.context["form"].errors["password1"]
    assert "Dit wachtwoord is te algemeen." in errors
    assert "Dit wachtwoord bevat alleen cijfers." in errors


def test_invitation_link_works_only_once(client, admin_user, heerlen):
    client.force_login(admin_user)
    _invite(client, role=Role.JOBCOACH, municipalities=[heerlen.pk])
    client.logout()
    link = _link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    client.logout()
    again = client.get(link, follow=True)
    assert again.context["token_fail"] is True


def test_invitation_audited_without_personal_data(client, admin_user, heerlen, kerkrade):
    client.force_login(admin_user)
    _invite(client, role=Role.JOBCOACH, municipalities=[heerlen.pk, kerkrade.pk])
    user = User.objects.get(email="j.jansen@heerlen.example")
    event = AuditEvent.objects.get(action="invite")
    assert (event.actor, event.object_type, event.object_ref, event.municipality) == (
        admin_user,
        "user",
        str(user.pk),
        None,
    )
    assert event.detail == {
        "roles": ["jobcoach"],
        "municipalities": ["GM0917", "GM0928"],
        "again": False,
    }
    assert "jansen" not in str(event.detail).lower()


def test_invitation_pilot_wide_role_has_no_municipality(client, admin_user):
    client.force_login(admin_user)
    response = _invite(client, email="coach@imk.example", role=Role.IMK_COACH)
    assert response.status_code == 302
    user = User.objects.get(email="coach@imk.example")
    assert list(user.role_assignments.values_list("role", "municipality")) == [
        (Role.IMK_COACH, None)
    ]


def test_invitation_existing_email_gives_form_error(client, admin_user, heerlen):
    user_with_role(Role.JOBCOACH, heerlen, email="j.jansen@heerlen.example")
    client.force_login(admin_user)
    response = _invite(
        client, email="J.Jansen@Heerlen.example", role=Role.JOBCOACH, municipalities=[heerlen.pk]
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["A person with this e-mail address already has an account."]
    }
    assert "A person with this e-mail address already has an account." in response.content.decode()
    assert User.objects.filter(email__iexact="j.jansen@heerlen.example").count() == 1
    assert mail.outbox == []


def test_invitation_jobcoach_without_municipality_gives_form_error(client, admin_user):
    client.force_login(admin_user)
    response = _invite(client, role=Role.JOBCOACH)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "municipalities": ["Choose at least one municipality for a jobcoach."]
    }
    assert not User.objects.filter(email="j.jansen@heerlen.example").exists()
    assert mail.outbox == []


def test_invitation_pilot_wide_role_with_municipality_gives_form_error(client, admin_user, heerlen):
    client.force_login(admin_user)
    response = _invite(client, role=Role.FUNDER, municipalities=[heerlen.pk])
    assert response.context["form"].errors == {
        "municipalities": ["This role is pilot-wide; leave the municipalities empty."]
    }
    assert not User.objects.filter(email="j.jansen@heerlen.example").exists()


@pytest.mark.parametrize("role", [Role.JOBCOACH, Role.IMK_COACH, Role.FUNDER, Role.RESEARCHER])
def test_invitation_page_forbidden_for_other_roles(client, heerlen, role):
    user = user_with_role(role, heerlen) if role == Role.JOBCOACH else user_with_role(role)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    response = _invite(client, role=Role.PROGRAMME_ADMIN)
    assert response.status_code == 403
    assert not User.objects.filter(email="j.jansen@heerlen.example").exists()
    assert RoleAssignment.objects.filter(role=Role.PROGRAMME_ADMIN).count() == 0
    assert mail.outbox == []


def test_invitation_page_anonymous_redirected_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_invitation_page_in_navigation_of_admin_only(client, admin_user, heerlen):
    client.force_login(admin_user)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    client.force_login(user_with_role(Role.IMK_COACH))
    assert f'href="{URL}"' not in client.get(reverse("home")).content.decode()


def _send_again(client, *users):
    return client.post(
        reverse("admin:municipalities_user_changelist"),
        {"action": "send_invitation_again", "_selected_action": [u.pk for u in users]},
    )


def test_admin_action_sends_invitation_again(client, admin_user, heerlen):
    client.force_login(admin_user)
    _invite(client, role=Role.JOBCOACH, municipalities=[heerlen.pk])
    invited = User.objects.get(email="j.jansen@heerlen.example")
    with_password = user_with_role(Role.FUNDER, email="financier@example.org")
    mail.outbox.clear()

    response = _send_again(client, invited, with_password)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["j.jansen@heerlen.example"]]
    assert with_password.has_usable_password() is True
    events = AuditEvent.objects.filter(action="invite").order_by("at", "id")
    assert [e.detail["again"] for e in events] == [False, True]

    client.logout()
    form_page = client.get(_link(mail.outbox[0]), follow=True)
    assert form_page.context["form"].__class__.__name__ == "ResetPasswordKeyWithRulesForm"


def test_a_reset_link_still_asks_for_an_existing_second_factor(client):
    """Signing in after setting a password is a sign-in like any other: a person who has a
    second factor is asked for it, and is not signed in before."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    user = user_with_role(Role.FUNDER, email="financier@example.org")
    assert user.authenticator_set.exists()
    link = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    form_page = client.get(link, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert done.status_code == 302
    assert done["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
