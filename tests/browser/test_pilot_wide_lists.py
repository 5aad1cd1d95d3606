"""Issue 17: the pilot-wide lists' municipality filter is a search field with suggestions
(a datalist that htmx fills from the server), usable on a phone and without axe violations."""

import pytest
from playwright.sync_api import expect

from municipalities.enums import Role
from tests.factories import JobseekerFactory, MunicipalityFactory, user_with_role

from .helpers import PHONE, assert_fits_width, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_municipality_search_suggests_and_filters_on_a_phone(page, a11y):
    for code, name, ref in (
        ("GM0917", "Heerlen", "HRL-001"),
        ("GM0246", "Heerde", "HRD-001"),
        ("GM0193", "Zwolle", "ZWL-001"),
    ):
        JobseekerFactory(municipality=MunicipalityFactory(code=code, name=name), ref=ref)
    page.set_viewport_size(PHONE)
    sign_in(page, user_with_role(Role.PROGRAMME_ADMIN))
    page.goto("/jobseekers/")
    field = page.get_by_label("Municipality")
    expect(field).to_have_attribute("type", "search")
    field.fill("hee")
    options = page.locator("#id_municipality_options option")
    expect(options).to_have_count(2)
    assert [options.nth(i).get_attribute("value") for i in range(2)] == ["Heerde", "Heerlen"]
    # Typing narrows the results as one goes (the form's own htmx request).
    results = page.locator("#results tbody")
    expect(results).to_contain_text("HRL-001")
    expect(results).to_contain_text("HRD-001")
    expect(results).not_to_contain_text("ZWL-001")
    field.fill("Heerlen")
    expect(results).not_to_contain_text("HRD-001")
    expect(page.locator("#result-count")).to_have_text("1 jobseeker found")
    a11y.check(page, "jobseeker list, municipality typed, 390 px")
    assert_fits_width(page)

    a11y.assert_clean()
