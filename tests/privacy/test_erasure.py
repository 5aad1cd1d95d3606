"""Erasure (art. 17): every figure unchanged, the person's identity nowhere in the database."""

import datetime
import json
import re
import zipfile
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from coaching.models import GuidanceSession
from municipalities.enums import Role
from municipalities.models import AuditEvent, Correction
from placements.enums import BenefitCheckOutcome
from placements.models import BenefitCheck, HostEvaluation, Jobseeker, Placement, ProgressReview
from privacy import erasure as erasure_module
from privacy.erasure import ERASED, ErasureRefused, erase_jobseeker
from privacy.models import Erasure, ErasureTrigger, Restriction
from privacy.restriction import restriction_set
from reporting.exports.build import build_research_export
from reporting.models import (
    MetricsSnapshot,
    ProgressReport,
    ResearchExport,
    SnapshotMunicipality,
    SnapshotParticipantChunk,
)
from reporting.snapshots import snapshot_compute
from tests.factories import (
    GuidanceSessionFactory,
    HostEvaluationFactory,
    ProgressReviewFactory,
    user_with_role,
)
from tests.reporting.test_pilot_metrics_command import load_pilot_small

pytestmark = pytest.mark.django_db

AS_OF = ["2024-03-31", "2024-06-30", "2024-12-31", "2025-03-31", "2025-09-30", "2026-06-30"]
GIVEN, FAMILY = "Bastiaan-Quirijn", "Vriesendorp"
CLIENT, EMAIL, PHONE = "CL-778899", "b.vriesendorp@example.net", "06-98765432"


def _command(name: str, *args) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def figures() -> dict:
    """pilot_metrics and pilot_savings as JSON at every date of AS_OF."""
    return {
        day: {
            "metrics": json.loads(_command("pilot_metrics", "--as-of", day)),
            "savings": json.loads(_command("pilot_savings", "--as-of", day)),
        }
        for day in AS_OF
    }


def with_ref(value, old: str, new: str):
    """``value`` (JSON) with ``old`` read as ``new``, participant lists sorted by ref again."""
    if isinstance(value, str):
        return new if value == old else value
    if isinstance(value, list):
        items = [with_ref(v, old, new) for v in value]
        if items and all(isinstance(v, dict) and "ref" in v for v in items):
            items.sort(key=lambda v: v["ref"])
        return items
    if isinstance(value, dict):
        return {k: with_ref(v, old, new) for k, v in value.items()}
    return value


def research_export(tmp_path, name: str) -> dict[str, bytes]:
    """Every file of a CSV research export as of 30 September 2025; the codebook's "Built:"
    minute left out (two exports a minute boundary apart differ only there)."""
    path = tmp_path / f"{name}.zip"
    build_research_export(as_of=datetime.date(2025, 9, 30), format="csv", path=path, parallel=False)
    with zipfile.ZipFile(path) as archive:
        files = {member: archive.read(member) for member in archive.namelist()}
    files["codebook.html"] = re.sub(rb"Built: [0-9: -]+\.", b"Built: .", files["codebook.html"])
    return files


def text_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN "
            "('text', 'character varying', 'character', 'json', 'jsonb') "
            "AND table_name IN (SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE') "
            "ORDER BY table_name, column_name"
        )
        return cursor.fetchall()


def hits(needles: list[str]) -> dict[str, list[str]]:
    """Per needle, the table.column of every column of every table that holds it."""
    found: dict[str, list[str]] = {needle: [] for needle in needles}
    with connection.cursor() as cursor:
        for table, column in text_columns():
            for needle in needles:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',  # noqa: S608
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    found[needle].append(f"{table}.{column}")
    return found


def snapshot_parts() -> dict[str, list]:
    """The participants' lists of every stored snapshot's parts, in a stable order."""
    shares = SnapshotMunicipality.objects.order_by("snapshot_id", "municipality_id")
    chunks = SnapshotParticipantChunk.objects.order_by("snapshot_id", "pk")
    return {
        "shares": [[s.participants, s.savings_participants] for s in shares],
        "chunks": [c.participants for c in chunks],
    }


@pytest.fixture
def world():
    """pilot-small (two municipalities, seven participants) with HRL-002 given every kind of
    row that can hold their identity."""
    load_pilot_small()
    admin = user_with_role(Role.PROGRAMME_ADMIN)
    person = Jobseeker.objects.get(ref="HRL-002")
    Jobseeker.objects.filter(pk=person.pk).update(
        given_name=GIVEN, family_name=FAMILY, client_number=CLIENT, email=EMAIL, phone=PHONE
    )
    person.refresh_from_db()
    placement = Placement.objects.get(jobseeker=person)
    other = Placement.objects.get(ref="PL-HRL-001")
    review = ProgressReviewFactory(
        placement=placement,
        held_on=datetime.date(2024, 3, 5),
        notes=f"{GIVEN} works well; call {PHONE} or mail {EMAIL}.",
    )
    check = BenefitCheck.objects.create(
        municipality=person.municipality,
        placement=placement,
        months=3,
        checked_on=datetime.date(2024, 10, 7),
        outcome=BenefitCheckOutcome.COULD_NOT_CHECK,
        reason=f"{FAMILY} did not answer at {PHONE}.",
    )
    evaluation = HostEvaluationFactory(
        placement=placement,
        evaluated_on=datetime.date(2024, 7, 10),
        remark=f"{GIVEN} {FAMILY} was a great help.",
    )
    session = GuidanceSessionFactory(
        entrepreneur=placement.entrepreneur,
        notes=f"Talked about {GIVEN}'s hours and the dentist visit. Plans for next season.",
    )
    other_review = ProgressReviewFactory(placement=other, notes="Goed bezig.")
    corrections = [
        Correction.objects.create(
            municipality=person.municipality,
            record_kind="benefit_period",
            record_id=person.benefit_periods.first().pk,
            subject_kind="jobseeker",
            subject_id=person.pk,
            action="corrected",
            changes={"monthly_amount": ["1200.00", "1285.40"]},
            reason=f"Amount of {person.ref} ({CLIENT}) mistyped.",
            source="web",
        ),
        Correction.objects.create(
            municipality=person.municipality,
            record_kind="progress_review",
            record_id=review.pk,
            subject_kind="placement",
            subject_id=placement.pk,
            action="corrected",
            changes={"notes": None},
            reason=f"{GIVEN} asked to change the note.",
            source="web",
        ),
        Correction.objects.create(
            municipality=person.municipality,
            record_kind="guidance_session",
            record_id=session.pk,
            subject_kind="entrepreneur",
            subject_id=placement.entrepreneur_id,
            action="corrected",
            changes={"minutes": [60, 90]},
            reason=f"Longer: we also talked about {GIVEN}.",
            source="web",
        ),
    ]
    AuditEvent.objects.create(
        action="export",
        object_type="jobseeker",
        object_ref=person.ref,
        municipality=person.municipality,
        detail={"refs": [person.ref, "HRL-001"], "note": f"asked by {EMAIL}"},
    )
    AuditEvent.objects.create(action="view", object_type="placement", object_ref=placement.ref)
    for obj in (person, placement):
        LogEntry.objects.log_actions(
            user_id=admin.pk, queryset=[obj], action_flag=CHANGE, change_message="[]"
        )
    restriction_set(person, reason="Accuracy disputed by letter.", actor=admin)
    for day in ("2024-12-31", "2025-09-30"):
        snapshot_compute(as_of=datetime.date.fromisoformat(day), trigger="on_demand")
    ProgressReport.objects.create(
        kind="funder",
        as_of=datetime.date(2025, 9, 30),
        status="failed",
        error=f"IntegrityError: duplicate key (ref)=({person.ref})",
    )
    ResearchExport.objects.create(
        as_of=datetime.date(2025, 9, 30), format="csv", status="done", row_counts={"x": 7}
    )
    return {
        "admin": admin,
        "person": person,
        "placement": placement,
        "placement_ref": placement.ref,
        "review": review,
        "check": check,
        "evaluation": evaluation,
        "session": session,
        "other_review": other_review,
        "corrections": corrections,
    }


def test_erasure_leaves_every_figure_unchanged_and_the_person_nowhere_in_the_database(
    world, tmp_path
):
    person = world["person"]
    old_ref = person.ref
    needles = [old_ref, world["placement_ref"], GIVEN, FAMILY, CLIENT, EMAIL, PHONE]
    before = figures()
    export_before = research_export(tmp_path, "before")
    snapshots_before = {
        s.pk: (s.figures, s.savings, s.figures_as_of) for s in MetricsSnapshot.objects.all()
    }
    found_before = hits(needles)
    # The scan finds what it looks for: each needle is somewhere before the erasure.
    assert all(found_before.values()), found_before
    assert "municipalities_auditevent.object_ref" in found_before[old_ref]
    assert "reporting_metricssnapshot.figures" in found_before[old_ref]
    # The snapshot's parts per scope (issue 17) name the participant too: by municipality and in
    # the whole pilot's stretches of the list.
    assert "reporting_snapshotmunicipality.participants" in found_before[old_ref]
    assert "reporting_snapshotmunicipality.savings_participants" in found_before[old_ref]
    assert "reporting_snapshotparticipantchunk.participants" in found_before[old_ref]
    parts_before = snapshot_parts()
    assert "django_admin_log.object_repr" in found_before[old_ref]

    erasure = erase_jobseeker(person, reason="Request of 3 March 2026.", actor=world["admin"])

    person.refresh_from_db()
    new_ref = person.ref
    assert new_ref != old_ref and new_ref.startswith("ANON-") and len(new_ref) == 21
    assert hits(needles) == {needle: [] for needle in needles}
    after = figures()
    assert after == with_ref(before, old_ref, new_ref)
    # The research export (pseudonyms of the record id, birth year) is byte for byte the same.
    assert research_export(tmp_path, "after") == export_before
    assert any(b"1979" in content for content in export_before.values())
    # The participant really moved in the sorted list (its new ref sorts before "HRL-").
    assert after["2025-09-30"]["metrics"]["participants"][0]["ref"] == new_ref
    assert after["2025-09-30"]["metrics"]["totals"]["outflow"] == 3
    for snapshot in MetricsSnapshot.objects.filter(pk__in=snapshots_before):
        old_figures, old_savings, old_as_of = snapshots_before[snapshot.pk]
        assert snapshot.figures == with_ref(old_figures, old_ref, new_ref)
        assert snapshot.savings == with_ref(old_savings, old_ref, new_ref)
        assert snapshot.figures_as_of == old_as_of
    # Each part holds the same list with the new reference in the old one's place.
    assert snapshot_parts() == with_ref(parts_before, old_ref, new_ref)

    # What stayed, and how: only the birth year, the facts, the consent.
    assert (person.given_name, person.family_name, person.client_number) == ("", "", "")
    assert (person.email, person.phone) == ("", "")
    assert person.birth_date == datetime.date(1979, 1, 1)
    assert person.full_name == new_ref
    assert person.research_consent == "yes"
    assert ProgressReview.objects.get(pk=world["review"].pk).notes == ""
    assert ProgressReview.objects.get(pk=world["other_review"].pk).notes == "Goed bezig."
    assert BenefitCheck.objects.get(pk=world["check"].pk).reason == ERASED
    assert HostEvaluation.objects.get(pk=world["evaluation"].pk).remark == ""
    assert GuidanceSession.objects.get(pk=world["session"].pk).notes == (
        f"Talked about {ERASED}'s hours and the dentist visit. Plans for next season."
    )
    reasons = [Correction.objects.get(pk=c.pk).reason for c in world["corrections"]]
    assert reasons == [ERASED, ERASED, f"Longer: we also talked about {ERASED}."]
    assert not Restriction.objects.filter(jobseeker=person).exists()
    # The logs point to the records.
    assert AuditEvent.objects.filter(object_type="jobseeker", object_ref=str(person.pk)).count()
    assert AuditEvent.objects.filter(
        object_type="placement", object_ref=str(world["placement"].pk)
    ).exists()
    jobseeker_type = ContentType.objects.get_for_model(Jobseeker)
    assert LogEntry.objects.get(content_type=jobseeker_type).object_repr == new_ref
    logged = AuditEvent.objects.get(action="erasure")
    assert (logged.object_type, logged.object_ref) == ("jobseeker", str(person.pk))
    assert logged.detail == {"trigger": "request", "erasure": erasure.pk}
    assert logged.actor == world["admin"]
    assert erasure.trigger == ErasureTrigger.REQUEST
    assert erasure.counts["placements"] == 1
    assert erasure.counts["progress_reviews"] == 1
    assert erasure.counts["snapshots"] == 2


def test_erasing_again_is_refused_and_changes_nothing(world):
    person = world["person"]
    erase_jobseeker(person, reason="Request of 3 March 2026.", actor=None)
    person.refresh_from_db()
    ref = person.ref

    with pytest.raises(ErasureRefused) as refused:
        erase_jobseeker(person, reason="Again.", actor=None)

    assert refused.value.messages == ["This person's data has already been erased."]
    person.refresh_from_db()
    assert person.ref == ref
    assert Erasure.objects.count() == 1
    assert AuditEvent.objects.filter(action="erasure").count() == 1


def test_a_failing_step_rolls_back_everything(world, monkeypatch):
    person = world["person"]
    before = hits([person.ref, GIVEN, CLIENT])

    def broken(*args, **kwargs):
        raise RuntimeError("the snapshot step failed")

    monkeypatch.setattr(erasure_module, "_scrub_snapshots", broken)
    with pytest.raises(RuntimeError):
        erase_jobseeker(person, reason="Request of 3 March 2026.", actor=None)

    person.refresh_from_db()
    assert (person.ref, person.given_name, person.client_number) == ("HRL-002", GIVEN, CLIENT)
    assert ProgressReview.objects.get(pk=world["review"].pk).notes.startswith(GIVEN)
    assert Restriction.objects.filter(jobseeker=person).exists()
    assert not Erasure.objects.exists()
    assert not AuditEvent.objects.filter(action="erasure").exists()
    assert hits([person.ref, GIVEN, CLIENT]) == before


@pytest.mark.parametrize(
    "reason", [f"Asked by {GIVEN}", "Letter from HRL-002", f"mail {EMAIL}", "   "]
)
def test_a_reason_that_names_the_person_or_is_empty_is_refused(world, reason):
    person = world["person"]

    with pytest.raises(ErasureRefused):
        erase_jobseeker(person, reason=reason, actor=None)

    person.refresh_from_db()
    assert person.ref == "HRL-002"
    assert not Erasure.objects.exists()


def test_command_erases_and_says_the_record_and_its_new_reference(world):
    person = world["person"]

    output = _command("erase_jobseeker", "HRL-002", "--reason", "Request of 3 March 2026.")

    person.refresh_from_db()
    assert output == (
        f"Erased jobseeker record {person.pk}: its new reference is {person.ref} "
        f"(erasure {Erasure.objects.get().pk}).\n"
    )
    assert "HRL-002" not in output and GIVEN not in output
    assert Erasure.objects.get().erased_by is None


def test_command_with_an_unknown_reference_says_so_and_changes_nothing(world):
    rows = (Jobseeker.objects.count(), AuditEvent.objects.count(), Correction.objects.count())

    with pytest.raises(CommandError) as error:
        _command("erase_jobseeker", "NO-SUCH-REF", "--reason", "Request.")

    assert str(error.value) == "No jobseeker has this reference. Nothing was changed."
    assert not Erasure.objects.exists()
    assert Jobseeker.objects.filter(ref="HRL-002", family_name=FAMILY).exists()
    assert (Jobseeker.objects.count(), AuditEvent.objects.count(), Correction.objects.count()) == (
        rows
    )


def test_command_refuses_a_second_erasure_clearly(world):
    _command("erase_jobseeker", "HRL-002", "--reason", "Request of 3 March 2026.")
    new_ref = Jobseeker.objects.get(pk=world["person"].pk).ref

    with pytest.raises(CommandError) as error:
        _command("erase_jobseeker", new_ref, "--reason", "Again.")

    assert str(error.value) == ("This person's data has already been erased. Nothing was changed.")


def test_the_old_reference_cannot_bring_the_person_back(world):
    from django.core.exceptions import ValidationError

    from placements.services import jobseeker_save

    person = world["person"]
    erase_jobseeker(person, reason="Request of 3 March 2026.", actor=None)
    again = Jobseeker(
        municipality=person.municipality, ref="HRL-002", given_name=GIVEN, family_name=FAMILY
    )

    with pytest.raises(ValidationError) as refused:
        jobseeker_save(jobseeker=again)

    assert refused.value.message_dict == {
        "ref": [
            "This reference belonged to a person whose data was erased; it cannot be used again."
        ]
    }
    assert not Jobseeker.objects.filter(ref="HRL-002").exists()
    # Another new reference is fine; the erased record's details are not filled in again.
    jobseeker_save(
        jobseeker=Jobseeker(
            municipality=person.municipality, ref="HRL-099", given_name="A", family_name="B"
        )
    )
    person.refresh_from_db()
    person.given_name = GIVEN
    with pytest.raises(ValidationError) as refused:
        jobseeker_save(jobseeker=person)
    assert refused.value.messages == [
        "This person's data was erased: their details cannot be changed."
    ]
    assert Jobseeker.objects.get(pk=person.pk).given_name == ""


def test_the_snapshots_stretches_are_cut_again_when_the_new_reference_sorts_elsewhere(
    monkeypatch,
):
    # Stretches of two: the last participant of pilot-small sorts first once anonymised
    # ("ANON-" before "HRL-"), so they move from the last stretch into the first.
    monkeypatch.setattr("reporting.snapshot_parts.CHUNK", 2)
    load_pilot_small()
    snapshot_compute(as_of=datetime.date(2025, 9, 30), trigger="on_demand")
    snapshot = MetricsSnapshot.objects.get()
    last_ref = snapshot.figures["participants"][-1]["ref"]
    assert len(snapshot.figures["participants"]) > 2

    erase_jobseeker(
        Jobseeker.objects.get(ref=last_ref), reason="Request of 3 March 2026.", actor=None
    )

    snapshot.refresh_from_db()
    new_ref = Jobseeker.objects.get(ref__startswith="ANON-").ref
    for is_savings, document in ((False, snapshot.figures), (True, snapshot.savings)):
        chunks = SnapshotParticipantChunk.objects.filter(snapshot=snapshot, savings=is_savings)
        assert [c.start for c in chunks] == list(range(0, len(document["participants"]), 2))
        assert all(len(c.participants) <= 2 for c in chunks)
        stitched = [person for c in chunks for person in c.participants]
        assert stitched == document["participants"]
        refs = [person["ref"] for person in stitched]
        assert refs == sorted(refs)
        assert last_ref not in refs
    # In the outflow list the person moved from the last stretch to the first.
    first = SnapshotParticipantChunk.objects.get(snapshot=snapshot, savings=False, start=0)
    assert first.participants[0]["ref"] == new_ref
