"""An IMK coach logs a guidance session on a phone (390 px wide) between two appointments."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching.enums import GuidanceTopic, SessionMode
from coaching.models import GuidanceSession
from municipalities.enums import Role
from placements.enums import PlacementStatus
from tests.factories import (
    EntrepreneurFactory,
    GuidanceSessionFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    user_with_role,
)

from .helpers import assert_fits_width, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_imk_coach_logs_a_guidance_session_on_a_phone(phone_page, a11y):
    page = phone_page
    today = timezone.localdate()
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    coach = user_with_role(Role.IMK_COACH, email="joost@imk.example", full_name="Joost Bakker")
    colleague = user_with_role(Role.IMK_COACH, email="ria@imk.example", full_name="Ria Smit")
    bakery = EntrepreneurFactory(
        municipality=heerlen, ref="ENT-HRL-01", trade_name="Bakkerij Van Dam", imk_coach=coach
    )
    bike_shop = EntrepreneurFactory(
        municipality=heerlen, ref="ENT-HRL-02", trade_name="Fietsenmaker De Spaak", imk_coach=coach
    )
    EntrepreneurFactory(
        municipality=heerlen, ref="ENT-HRL-03", trade_name="Kapsalon Knip", imk_coach=colleague
    )
    PlacementFactory(
        jobseeker=JobseekerFactory(municipality=heerlen, given_name="Sanne", family_name="Jansen"),
        entrepreneur=bike_shop,
        status=PlacementStatus.ACTIVE,
        planned_start=today - datetime.timedelta(days=30),
        planned_end=today + datetime.timedelta(days=120),
        actual_start=today - datetime.timedelta(days=30),
        actual_end=None,
    )
    earlier = GuidanceSessionFactory(
        entrepreneur=bakery,
        coach=coach,
        held_on=today - datetime.timedelta(days=14),
        minutes=30,
        mode=SessionMode.PHONE,
        topics=[GuidanceTopic.ONBOARDING],
        notes="First week went well.",
    )

    sign_in(page, coach)
    a11y.check(page)
    assert_fits_width(page)

    # On a phone the navigation folds behind one button.
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Entrepreneurs"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My entrepreneurs")
    table = page.get_by_role("table", name="2 entrepreneurs")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Bakkerij Van Dam")
    expect(rows.nth(1)).to_contain_text("Fietsenmaker De Spaak")
    expect(rows.nth(1)).to_contain_text("Sanne")
    expect(rows.nth(1)).to_contain_text("active")
    expect(table).not_to_contain_text("Jansen")  # the intern's given name only
    expect(page.get_by_text("Kapsalon Knip")).to_have_count(0)
    a11y.check(page)
    assert_fits_width(page)
    screenshot(page, "imk-entrepreneur-list-390")

    page.get_by_role("link", name="Log session – Bakkerij Van Dam").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a guidance session")
    expect(page.get_by_text("With Bakkerij Van Dam")).to_be_visible()
    # Today, and the duration and mode of the coach's previous session, are filled in already.
    expect(page.get_by_label("Date")).to_have_value(today.isoformat())
    expect(page.get_by_role("radio", name="30 min")).to_be_checked()
    expect(page.get_by_role("radio", name="by phone")).to_be_checked()
    a11y.check(page, "empty")
    page.get_by_role("radio", name="45 min").check()
    page.get_by_role("radio", name="in person").check()
    page.get_by_role("checkbox", name="giving instructions").check()
    page.get_by_role("checkbox", name="supervision and feedback").check()
    page.get_by_label("Notes").fill("Agreed a checklist for the morning shift.")
    a11y.check(page, "filled in")
    assert_fits_width(page)
    screenshot(page, "guidance-session-form-390")
    page.get_by_role("button", name="Save session").click()

    expect(page.get_by_role("status")).to_contain_text("Guidance session saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bakkerij Van Dam")
    history = page.locator("ol.coaching-sessions > li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("45 minutes, in person")
    expect(history.nth(0)).to_contain_text("Topics: giving instructions, supervision and feedback")
    expect(history.nth(0)).to_contain_text("Agreed a checklist for the morning shift.")
    expect(history.nth(1)).to_contain_text("30 minutes, by phone")
    a11y.check(page)
    assert_fits_width(page)
    screenshot(page, "entrepreneur-detail-390")

    logged = GuidanceSession.objects.exclude(pk=earlier.pk).get()
    assert (
        logged.entrepreneur_id,
        logged.municipality_id,
        logged.coach_id,
        logged.held_on,
        logged.minutes,
        logged.mode,
        logged.topics,
        logged.notes,
    ) == (
        bakery.pk,
        heerlen.pk,
        coach.pk,
        today,
        45,
        SessionMode.IN_PERSON,
        [GuidanceTopic.INSTRUCTION, GuidanceTopic.SUPERVISION],
        "Agreed a checklist for the morning shift.",
    )

    a11y.assert_clean()


def test_imk_coach_records_the_entrepreneurs_evaluation_on_a_phone(phone_page, a11y):
    page = phone_page
    today = timezone.localdate()
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    coach = user_with_role(Role.IMK_COACH, email="joost@imk.example", full_name="Joost Bakker")
    bakery = EntrepreneurFactory(
        municipality=heerlen, ref="ENT-HRL-01", trade_name="Bakkerij Van Dam", imk_coach=coach
    )
    placement = PlacementFactory(
        jobseeker=JobseekerFactory(municipality=heerlen, given_name="Sanne"),
        entrepreneur=bakery,
        ref="PL-HRL-01",
        planned_start=today - datetime.timedelta(days=130),
        planned_end=today - datetime.timedelta(days=3),
        actual_start=today - datetime.timedelta(days=130),
        actual_end=today - datetime.timedelta(days=3),
    )

    sign_in(page, coach)
    page.goto(f"/entrepreneurs/{bakery.pk}/")
    expect(page.get_by_text("No evaluation recorded yet.")).to_be_visible()
    a11y.check(page, "entrepreneur page, evaluation missing")
    page.get_by_role("link", name="Record the evaluation of PL-HRL-01").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluation of placement PL-HRL-01")
    a11y.check(page, "evaluation form")
    assert_fits_width(page)

    page.get_by_role("group", name="Would the entrepreneur host an intern again?").get_by_label(
        "yes"
    ).check()
    page.get_by_label("4", exact=True).check()
    page.get_by_label("employment contract").check()
    page.get_by_label("clear tasks and agreements").check()
    page.get_by_label("time to supervise").check()
    page.get_by_role("button", name="Save evaluation").click()

    expect(page.get_by_text("Evaluation of placement PL-HRL-01 saved.")).to_be_visible()
    expect(page.get_by_text("employment contract")).to_be_visible()
    a11y.check(page, "entrepreneur page with the evaluation")
    assert_fits_width(page)
    a11y.assert_clean()
    evaluation = placement.host_evaluation
    assert (evaluation.offer, evaluation.work_readiness, evaluation.missing) == (
        "contract",
        4,
        ["time"],
    )
