"""Signing in takes the password and the authenticator app's code; the password alone reaches
nothing; an idle session ends. Every page passes under the Content-Security-Policy."""

import time

import pytest
from playwright.sync_api import expect

from municipalities.enums import Role
from tests.factories import MunicipalityFactory, user_with_role

from .helpers import PASSWORD, enter_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _csp_violations(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return seen


def _password_step(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_sign_in_with_password_and_totp_code(page):
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    jobcoach = user_with_role(Role.JOBCOACH, heerlen, full_name="Ilse Jansen")
    violations = _csp_violations(page)
    _password_step(page, jobcoach)
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")

    # The password alone reaches nothing: every page leads back to the second step.
    for path in ["/", "/jobseekers/", "/dashboard/", "/admin/"]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
        assert "/accounts/2fa/authenticate/" in page.url
    # Not signed in to the API either: neither a session nor a token (api-write.md: 401).
    response = page.request.get("/api/v1/jobseekers/")
    assert response.status == 401

    enter_totp_code(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ilse")
    page.goto("/jobseekers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobseekers")
    # The search (htmx) works under the policy.
    page.get_by_role("searchbox", name="Search").fill("nobody")
    expect(page.locator("#results")).to_contain_text("No jobseekers match.")
    assert violations == []


def test_account_without_second_factor_sets_one_up_first(page):
    funder = user_with_role(Role.FUNDER, full_name="Tom van Dam", second_factor=False)
    violations = _csp_violations(page)
    _password_step(page, funder)
    # allauth asks for the password once more before a second factor is added.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    assert violations == []


def test_idle_session_ends(page, settings):
    settings.SESSION_IDLE_TIMEOUT = 2
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    jobcoach = user_with_role(Role.JOBCOACH, heerlen, full_name="Ilse Jansen")
    _password_step(page, jobcoach)
    enter_totp_code(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ilse")
    time.sleep(3)
    page.goto("/jobseekers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    assert page.url.endswith("/accounts/login/?next=/jobseekers/")
