"""Two writes at the same moment, each on its own database connection (one thread each): one
succeeds, the other is refused as stale, and no update is lost silently."""

import re
import threading
from collections.abc import Callable
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from kernel.versioning import StaleEdit
from placements.consents import consent_give, consent_withdraw
from placements.enums import ConsentPurpose, ConsentSource, PlacementStatus
from placements.models import ConsentRecord, Jobseeker, Placement, PlacementStateChange
from placements.services import jobseeker_save, placement_transition
from tests.db_roles import in_tests_scope
from tests.factories import PlacementFactory

from .pages import two_municipalities

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(*writes: Callable[[], object]) -> list[object]:
    """Run each write in a thread of its own (so on a connection of its own), released at the
    same moment; returns each one's result or the exception it raised."""
    barrier = threading.Barrier(len(writes))
    results: list[object] = [None] * len(writes)

    def run(i: int, write: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            with in_tests_scope():
                results[i] = write()
        except Exception as exc:  # noqa: BLE001 - the test asserts on it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_simultaneous_jobseeker_edits_one_saved_one_refused():
    a, _b = two_municipalities()
    jobseeker = Jobseeker.objects.get(pk=a.jobseeker.pk)
    first_read = {"phone": "06-11111111"}
    second_read = {"email": "nieuw@example.nl"}
    # Both edits are based on version 1: read it before either writes.
    writes = []
    for changes in (first_read, second_read):
        row = Jobseeker.objects.get(pk=jobseeker.pk)

        def write(row=row, changes=changes):
            for name, value in changes.items():
                setattr(row, name, value)
            return jobseeker_save(jobseeker=row)

        writes.append(write)
    results = _at_once(*writes)

    saved = [r for r in results if isinstance(r, Jobseeker)]
    refused = [r for r in results if isinstance(r, StaleEdit)]
    assert (len(saved), len(refused)) == (1, 1)
    assert refused[0].current.version == 2
    jobseeker.refresh_from_db()
    assert jobseeker.version == 2
    # The saved edit is there; the refused one changed nothing (and its user is told).
    winner = first_read if saved[0].phone == "06-11111111" else second_read
    loser = second_read if winner is first_read else first_read
    for name, value in winner.items():
        assert getattr(jobseeker, name) == value
    for name in loser:
        assert getattr(jobseeker, name) == ""


def test_two_simultaneous_agree_steps_one_succeeds():
    a, _b = two_municipalities()
    proposal = PlacementFactory(
        jobseeker__municipality=a.municipality,
        entrepreneur__municipality=a.municipality,
        status=PlacementStatus.PROPOSED,
        actual_start=None,
        actual_end=None,
    )
    rows = [Placement.objects.get(pk=proposal.pk) for _ in range(2)]
    writes = [
        lambda row=row, hours=hours: placement_transition(
            placement=row, to_status=PlacementStatus.AGREED, actor=a.jobcoach, hours_per_week=hours
        )
        for row, hours in zip(rows, (20, 32), strict=True)
    ]
    results = _at_once(*writes)

    saved = [r for r in results if isinstance(r, Placement)]
    refused = [r for r in results if isinstance(r, StaleEdit)]
    assert (len(saved), len(refused)) == (1, 1)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.hours_per_week, proposal.version) == (
        PlacementStatus.AGREED,
        saved[0].hours_per_week,
        2,
    )
    assert list(
        PlacementStateChange.objects.filter(placement=proposal).values_list(
            "from_status", "to_status"
        )
    ) == [(PlacementStatus.PROPOSED, PlacementStatus.AGREED)]


def test_two_simultaneous_agree_steps_through_the_pages():
    a, _b = two_municipalities()
    proposal = PlacementFactory(
        jobseeker__municipality=a.municipality,
        entrepreneur__municipality=a.municipality,
        status=PlacementStatus.PROPOSED,
        actual_start=None,
        actual_end=None,
    )
    url = reverse("placements:placement_agree", args=[proposal.pk])
    detail = reverse("placements:placement_detail", args=[proposal.pk])

    def post(hours: str):
        def write():
            client = Client()
            client.force_login(a.jobcoach)
            response = client.post(
                url,
                {
                    "agree-version": "1",
                    "agree-planned_start": proposal.planned_start.isoformat(),
                    "agree-planned_end": proposal.planned_end.isoformat(),
                    "agree-hours_per_week": hours,
                },
                follow=True,
            )
            landed = response.redirect_chain[-1][0]
            # From the page itself: the test client's response.context collects the templates
            # rendered by every thread, so it would mix the two requests up.
            html = response.content.decode()
            shown = re.search(
                r'role="status">.*?<p class="utrecht-paragraph">(.*?)</p>', html, re.S
            )
            return landed, [unescape(shown.group(1))]

        return write

    results = _at_once(post("20"), post("32"))

    assert [landed for landed, _messages in results] == [detail, detail]
    messages = sorted(m for _status, found in results for m in found)
    assert messages == [
        f"Placement {proposal.ref} is agreed.",
        f"Placement {proposal.ref} was changed by someone else meanwhile and is now agreed. "
        "Your step was not recorded: check the placement and try again if still needed.",
    ]
    assert PlacementStateChange.objects.filter(placement=proposal).count() == 1


def test_two_simultaneous_consents_for_one_purpose_one_recorded_one_refused():
    a, _b = two_municipalities()
    jobseeker = Jobseeker.objects.get(pk=a.jobseeker.pk)

    def give():
        return consent_give(
            jobseeker=jobseeker, purpose=ConsentPurpose.FOLLOW_UP, source=ConsentSource.WEB
        )

    results = _at_once(give, give)

    recorded = [r for r in results if isinstance(r, ConsentRecord)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(recorded), len(refused)) == (1, 1)
    assert [e.code for e in refused[0].error_dict["purpose"]] == ["consent_holds"]
    assert ConsentRecord.objects.filter(jobseeker=jobseeker, purpose="follow_up").count() == 1


def test_two_simultaneous_withdrawals_one_recorded_one_refused_as_stale():
    a, _b = two_municipalities()
    pk = a.jobseeker.consents.get().pk
    rows = [ConsentRecord.objects.get(pk=pk), ConsentRecord.objects.get(pk=pk)]
    results = _at_once(
        *[lambda row=row: consent_withdraw(record=row, source=ConsentSource.WEB) for row in rows]
    )

    assert sorted(type(r).__name__ for r in results) == ["ConsentRecord", "StaleEdit"]
    record = ConsentRecord.objects.get(pk=pk)
    assert (record.version, record.withdrawn_on is not None) == (2, True)
