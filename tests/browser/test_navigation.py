"""The navigation on a phone is one "Menu" button (a <details>, no JavaScript); on a wide screen
every link shows at once."""

import pytest
from playwright.sync_api import expect

from municipalities.enums import Role
from tests.factories import user_with_role

from .helpers import assert_fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _header_height(page) -> float:
    return page.evaluate("document.querySelector('header').getBoundingClientRect().height")


def test_on_a_phone_the_navigation_is_one_menu_button(phone_page, a11y):
    page = phone_page
    sign_in(page, user_with_role(Role.PROGRAMME_ADMIN))
    nav = page.get_by_role("navigation", name="Main navigation")
    menu = page.get_by_text("Menu", exact=True)

    expect(menu).to_be_visible()
    expect(nav.get_by_role("link", name="Jobseekers")).to_be_hidden()
    assert _header_height(page) <= 80  # one row: the site name and the button
    a11y.check(page, "menu closed")

    menu.click()
    expect(nav.get_by_role("link", name="Jobseekers")).to_be_visible()
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()
    expect(nav.get_by_label("Language")).to_be_visible()
    assert_fits_width(page)
    a11y.check(page, "menu open")
    nav.get_by_role("link", name="Jobseekers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobseekers")
    a11y.assert_clean()


def test_on_a_wide_screen_every_link_shows_without_a_button(page):
    sign_in(page, user_with_role(Role.PROGRAMME_ADMIN))
    nav = page.get_by_role("navigation", name="Main navigation")

    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    expect(nav.get_by_role("link", name="Jobseekers")).to_be_visible()
    expect(nav.get_by_role("link", name="Administration")).to_be_visible()
    expect(page.locator("#language-select-bar")).to_be_visible()
    expect(page.locator("#language-select-menu")).to_be_hidden()


def test_signed_out_there_is_no_menu_and_the_switch_is_in_the_header(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    expect(page.get_by_text("Menu", exact=True)).to_have_count(0)
    expect(page.get_by_label("Language")).to_be_visible()
    context.close()
