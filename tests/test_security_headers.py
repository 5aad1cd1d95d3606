"""Headers on every response: a strict Content-Security-Policy, Permissions-Policy, and no
caching of anything that may carry personal data."""

import pytest

from municipalities.enums import Role
from portal.middleware import CONTENT_SECURITY_POLICY
from tests.factories import MunicipalityFactory, user_with_role

pytestmark = pytest.mark.django_db

NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


def test_policy_allows_no_inline_script_or_style():
    assert CONTENT_SECURITY_POLICY == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def test_sign_in_page_has_the_headers_and_may_not_be_framed(client):
    response = client.get("/accounts/login/")
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["Permissions-Policy"] == (
        "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
        "magnetometer=(), microphone=(), payment=(), usb=()"
    )
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/", "/jobseekers/", "/dashboard/", "/api/v1/jobseekers/"])
def test_signed_in_pages_and_api_are_never_stored(client, path):
    client.force_login(user_with_role(Role.JOBCOACH, MunicipalityFactory()))
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_api_answers_anonymous_never_stored(client):
    response = client.get("/api/v1/jobseekers/")
    assert response.status_code == 401
    assert response["Cache-Control"] == NO_STORE


@pytest.mark.parametrize("path", ["/api/schema/", "/api/v1/"])
def test_schema_and_api_root_only_for_the_signed_in(client, path):
    assert client.get(path).status_code == 401
    client.force_login(user_with_role(Role.FUNDER))
    assert client.get(path).status_code == 200


def test_pages_carry_no_inline_script_or_style(client):
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    offenders = []
    for template in templates.rglob("*.html"):
        text = template.read_text()
        if "<script>" in text or " style=" in text or " on" + "click=" in text:
            offenders.append(str(template.relative_to(templates)))
        for line in text.splitlines():
            if "<script" in line and "src=" not in line:
                offenders.append(str(template.relative_to(templates)))
    assert offenders == []
