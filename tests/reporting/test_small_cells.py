"""Issue 12, item 6: small cells in what the funder sees. A count of 1 to 4 in a breakdown finer
than the headline per municipality is shown as "< 5"; 5 and more, 0 and every total stay exact;
the programme admin and the researchers see exact counts."""

import datetime
import re

import pytest
from django.utils import translation
from django.utils.html import escape

from municipalities.access import access_for
from municipalities.enums import Role
from municipalities.models import Municipality
from placements.enums import BenefitEndReason
from reporting.dashboard import small_cells_suppressed
from reporting.models import ReportKind
from reporting.small_cells import Suppressed, shown_count, suppress_for_funder
from reporting.snapshots import snapshot_compute
from tests.factories import (
    BenefitPeriodFactory,
    JobseekerFactory,
    RoleAssignmentFactory,
    user_with_role,
)
from tests.reporting.test_reports import _pdf_text, _render

AS_OF = datetime.date(2025, 9, 30)
NOTE = (
    'Counts from 1 to 4 are shown as "< 5", so that no one can be recognised in a small '
    "municipality; the totals are exact."
)


def test_four_is_suppressed_five_is_shown():
    assert shown_count(4, suppress=True) == Suppressed(5)
    assert str(shown_count(4, suppress=True)) == "< 5"
    assert str(shown_count(1, suppress=True)) == "< 5"
    assert shown_count(5, suppress=True) == 5
    assert shown_count(0, suppress=True) == 0  # says nothing about any person
    assert shown_count(4, suppress=False) == 4


def test_the_minimum_is_a_setting(settings):
    settings.SMALL_CELL_MINIMUM = 10

    assert str(shown_count(9, suppress=True)) == "< 10"
    assert shown_count(10, suppress=True) == 10


def test_suppressing_leaves_the_exact_rows_as_they_were():
    rows = [{"code": "GM1", "name": "A", "cells": [("x", 4), ("y", 5), ("z", 0)]}]

    shown = small_cells_suppressed(rows, True)

    assert shown[0]["cells"] == [("x", Suppressed(5)), ("y", 5), ("z", 0)]
    assert rows[0]["cells"] == [("x", 4), ("y", 5), ("z", 0)]
    assert small_cells_suppressed(rows, False) is rows


@pytest.mark.django_db
def test_only_a_funder_without_an_exact_role_sees_suppressed_counts():
    funder = user_with_role(Role.FUNDER)
    assert suppress_for_funder(access_for(funder))
    for role in (Role.PROGRAMME_ADMIN, Role.RESEARCHER):
        assert not suppress_for_funder(access_for(user_with_role(role)))
    both = user_with_role(Role.FUNDER)
    RoleAssignmentFactory(user=both, role=Role.RESEARCHER)
    assert not suppress_for_funder(access_for(both))


@pytest.fixture
def four_and_five():
    """Benefit ends with an unknown reason: 4 in Amstel, 5 in Berkel (a gap kind per
    municipality, finer than the headline)."""
    amstel = Municipality.objects.create(code="GM0001", name="Amstel", planned_places=10)
    berkel = Municipality.objects.create(code="GM0002", name="Berkel", planned_places=10)
    for municipality, count in ((amstel, 4), (berkel, 5)):
        for _i in range(count):
            BenefitPeriodFactory(
                jobseeker=JobseekerFactory(municipality=municipality),
                end_date=datetime.date(2025, 1, 31),
                end_reason=BenefitEndReason.OTHER,
            )
    snapshot, _created = snapshot_compute(as_of=AS_OF, trigger="on_demand")
    return snapshot


def _unknown_reason_cells(html: str) -> dict[str, str]:
    label = "Benefit ends with an unknown reason"
    section = html.split('id="completeness-title"')[1]
    cells = {}
    for name in ("Amstel", "Berkel"):
        row = section.split(f'data-label="Municipality">{name}</th>')[1].split("</tr>")[0]
        cells[name] = row.split(f'data-label="{label}">')[1].split("<")[0]
    return cells


@pytest.mark.django_db
def test_funder_dashboard_suppresses_four_and_shows_five(client, four_and_five):
    client.force_login(user_with_role(Role.FUNDER))

    html = client.get("/dashboard/", {"as_of": AS_OF.isoformat()}).content.decode()

    assert _unknown_reason_cells(html) == {"Amstel": "&lt; 5", "Berkel": "5"}
    assert escape(NOTE) in html
    # The stored counts, and so every total, are the exact ones.
    assert four_and_five.figures_as_of["completeness"]["GM0001"]["unknown_end_reason"] == 4


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PROGRAMME_ADMIN, Role.RESEARCHER])
def test_admin_and_researcher_see_exact_counts(client, four_and_five, role):
    client.force_login(user_with_role(role))

    html = client.get("/dashboard/", {"as_of": AS_OF.isoformat()}).content.decode()

    assert _unknown_reason_cells(html) == {"Amstel": "4", "Berkel": "5"}
    assert "so that no one can be recognised" not in html


@pytest.mark.django_db
def test_funder_report_suppresses_four_and_keeps_the_totals(settings, tmp_path, four_and_five):
    settings.MEDIA_ROOT = str(tmp_path)

    report = _render(ReportKind.FUNDER, as_of=AS_OF)

    text = " ".join(_pdf_text(report.file.path).split())
    with translation.override("nl"):
        note = translation.gettext(
            'Counts from 1 to %(below)s are shown as "< %(minimum)s", so that no one can be '
            "recognised in a small municipality; the totals are exact."
        ) % {"below": 4, "minimum": 5}
    assert note in text
    # Code, name, then the seven gap kinds; the unknown reason is the last column.
    # (pdftotext may close up the narrow cell's "< 5" to "<5".)
    assert re.search(r"GM0001 Amstel 0 0 0 0 0 0 < ?5 ", text)
    assert "GM0002 Berkel 0 0 0 0 0 0 5" in text
