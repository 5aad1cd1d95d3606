import pytest
from django.urls import reverse

from municipalities.enums import Role
from tests.factories import totp_code, user_with_role


@pytest.mark.django_db
def test_sign_in_page_asks_for_email_and_password(client):
    page = client.get(reverse("account_login")).content.decode()
    assert 'name="login"' in page
    assert 'type="email"' in page
    assert 'name="password"' in page


@pytest.mark.django_db
def test_sign_in_with_email_leads_home(client):
    user_with_role(Role.FUNDER, email="financier@example.org")
    response = client.post(
        reverse("account_login"),
        {"login": "financier@example.org", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_sign_in_with_wrong_password_is_refused(client):
    user_with_role(Role.FUNDER, email="financier@example.org")
    response = client.post(
        reverse("account_login"), {"login": "financier@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_public_sign_up_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in response.content.decode()


@pytest.mark.django_db
def test_home_requires_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
