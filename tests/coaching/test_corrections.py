"""An IMK coach corrects or withdraws their own guidance sessions: the trace on the entrepreneur's
page, nothing for another coach's sessions, and no lost update."""

import datetime

import pytest
from django.urls import reverse

from coaching.models import GuidanceSession
from municipalities.enums import ChangeSource, CorrectionAction, RecordKind, Role
from municipalities.models import Correction
from tests.factories import (
    EntrepreneurFactory,
    GuidanceSessionFactory,
    MunicipalityFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot():
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    coach_a = user_with_role(Role.IMK_COACH)
    coach_b = user_with_role(Role.IMK_COACH)
    own = EntrepreneurFactory(municipality=heerlen, imk_coach=coach_a)
    other = EntrepreneurFactory(municipality=heerlen, imk_coach=coach_b)
    return {
        "heerlen": heerlen,
        "coach_a": coach_a,
        "coach_b": coach_b,
        "own": own,
        "other": other,
        "session": GuidanceSessionFactory(entrepreneur=own, coach=coach_a),
        "theirs": GuidanceSessionFactory(entrepreneur=other, coach=coach_b),
    }


def _form(session: GuidanceSession, **overrides) -> dict:
    shown = {
        "held_on": session.held_on.isoformat(),
        "minutes": str(session.minutes),
        "mode": session.mode,
        "topics": list(session.topics),
        "notes": session.notes,
    }
    data = {"version": str(session.version), "reason": ""}
    for name, value in shown.items():
        data[name] = value
        data[f"initial-{name}"] = value
    data.update(overrides)
    return data


def _rows() -> list[dict]:
    return list(GuidanceSession.objects.order_by("pk").values())


def test_session_correction_keeps_old_and_new_values_without_the_notes(client, pilot):
    session = pilot["session"]
    client.force_login(pilot["coach_a"])
    response = client.post(
        reverse("coaching:session_update", args=[session.pk]),
        _form(session, held_on="2024-02-29", minutes="30", notes="Ander verslag.", reason="Dag."),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.held_on, session.minutes, session.version) == (
        datetime.date(2024, 2, 29),
        30,
        2,
    )
    correction = Correction.objects.get()
    assert (
        correction.municipality_id,
        correction.record_kind,
        correction.record_id,
        correction.subject_kind,
        correction.subject_id,
        correction.action,
        correction.changes,
        correction.reason,
        correction.changed_by_id,
        correction.source,
    ) == (
        pilot["heerlen"].pk,
        RecordKind.GUIDANCE_SESSION,
        session.pk,
        RecordKind.ENTREPRENEUR,
        pilot["own"].pk,
        CorrectionAction.CORRECTED,
        {"held_on": ["2024-03-01", "2024-02-29"], "minutes": [60, 30], "notes": None},
        "Dag.",
        pilot["coach_a"].pk,
        ChangeSource.WEB,
    )
    page = client.get(reverse("coaching:entrepreneur_detail", args=[pilot["own"].pk]))
    [entry] = page.context["corrections"]
    assert entry.title == "Guidance session corrected"
    assert [(line.label, line.old, line.new) for line in entry.lines] == [
        ("Date", "1 March 2024", "29 February 2024"),
        ("Duration (minutes)", "60", "30"),
        ("Notes", "", ""),
    ]
    assert "Besproken hoe de eerste week" not in page.content.decode().split("Corrections")[1]


def test_session_correction_without_reason_is_refused(client, pilot):
    session = pilot["session"]
    client.force_login(pilot["coach_a"])
    before = _rows()
    response = client.post(
        reverse("coaching:session_update", args=[session.pk]), _form(session, minutes="30")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Say why this is corrected: the reason is kept with the correction."
    ]
    assert _rows() == before
    assert Correction.objects.count() == 0


def test_session_withdraw_keeps_the_trace(client, pilot):
    session = pilot["session"]
    client.force_login(pilot["coach_a"])
    response = client.post(
        reverse("coaching:session_withdraw", args=[session.pk]),
        {"version": "1", "reason": "Bij de verkeerde ondernemer gelogd."},
    )
    assert response.status_code == 302
    assert not GuidanceSession.objects.filter(pk=session.pk).exists()
    correction = Correction.objects.get()
    assert (correction.action, correction.changes) == (
        CorrectionAction.WITHDRAWN,
        {
            "entrepreneur": [pilot["own"].pk, None],
            "coach": [pilot["coach_a"].pk, None],
            "held_on": ["2024-03-01", None],
            "minutes": [60, None],
            "mode": ["in_person", None],
            "topics": [["onboarding"], None],
            "notes": None,
        },
    )


def test_imk_coach_cannot_correct_or_withdraw_another_coachs_session(client, pilot):
    theirs = pilot["theirs"]
    client.force_login(pilot["coach_a"])
    before = _rows()
    for name, data in (
        ("coaching:session_update", _form(theirs, minutes="30", reason="x")),
        ("coaching:session_withdraw", {"version": "1", "reason": "x"}),
    ):
        url = reverse(name, args=[theirs.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert _rows() == before
    assert Correction.objects.count() == 0


def test_corrections_of_sessions_are_read_by_the_own_coach_only(client, pilot):
    client.force_login(pilot["coach_b"])
    client.post(
        reverse("coaching:session_update", args=[pilot["theirs"].pk]),
        _form(pilot["theirs"], minutes="30", reason="Korter."),
    )
    assert Correction.objects.count() == 1
    jobcoach = user_with_role(Role.JOBCOACH, pilot["heerlen"])
    for user, expected in ((pilot["coach_a"], []), (pilot["coach_b"], ["Korter."])):
        client.force_login(user)
        page = client.get(reverse("coaching:entrepreneur_detail", args=[pilot["other"].pk]))
        if page.status_code == 404:
            assert expected == []
            continue
        assert [e.correction.reason for e in page.context["corrections"]] == expected
    client.force_login(jobcoach)
    page = client.get(reverse("coaching:entrepreneur_detail", args=[pilot["other"].pk]))
    assert page.context["corrections"] == []
    assert "Korter." not in page.content.decode()


def test_stale_session_edit_shows_the_change_made_meanwhile(client, pilot):
    from coaching.services import guidance_session_save
    from municipalities.history import ChangedBy

    session = pilot["session"]
    client.force_login(pilot["coach_a"])
    url = reverse("coaching:session_update", args=[session.pk])
    mine = _form(session, mode="phone", reason="Was telefonisch.")
    admin_copy = GuidanceSession.objects.get(pk=session.pk)
    admin_copy.minutes = 90
    guidance_session_save(
        session=admin_copy, change=ChangedBy(actor=None, source="admin", reason="Langer.")
    )

    response = client.post(url, mine)

    assert response.status_code == 409
    [line] = response.context["stale_lines"]
    assert (line.label, line.yours, line.current, line.you_changed_it) == (
        "Duration",
        "60 min",
        "90 min",
        False,
    )
    form = response.context["form"]
    assert (form["mode"].value(), form["minutes"].value(), form["version"].value()) == (
        "phone",
        "90",
        "2",
    )
    session.refresh_from_db()
    assert (session.mode, session.minutes) == ("in_person", 90)
