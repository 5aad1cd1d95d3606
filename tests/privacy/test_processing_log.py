"""The processing log: writes in the write's own transaction, append-only in the database, the
export's entry, the privacy officer's pages and the access request's download."""

import datetime
import json

import psycopg2
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from municipalities.enums import Role
from municipalities.models import AuditEvent, Correction
from municipalities.processing_enums import Action, Activity
from municipalities.processing_log import acting_as, record
from placements.enums import PlacementStatus, ResearchConsent
from placements.models import BenefitPeriod, ConsentRecord, Jobseeker
from placements.services import benefit_period_save, jobseeker_save
from privacy.models import ProcessingEntry, ProcessingSubject, Restriction
from tests import db_roles
from tests.factories import (
    BenefitCheckFactory,
    BenefitPeriodFactory,
    EntrepreneurFactory,
    HostEvaluationFactory,
    JobseekerFactory,
    MunicipalityFactory,
    PlacementFactory,
    PlacementStateChangeFactory,
    ProgressReviewFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def _people(entry: ProcessingEntry) -> set[int]:
    return set(entry.subjects.values_list("jobseeker_id", flat=True))


# --- writes --------------------------------------------------------------------------------------


def test_a_write_is_logged_by_its_system_actor_with_the_person():
    municipality = MunicipalityFactory()
    with acting_as("import_pilot_data"):
        jobseeker = jobseeker_save(
            jobseeker=Jobseeker(
                municipality=municipality, ref="LOG-001", given_name="Ayla", family_name="Jansen"
            )
        )
    entry = ProcessingEntry.objects.get()
    assert (entry.action, entry.actor_id, entry.actor_label, entry.route, entry.result) == (
        Action.CREATE,
        None,
        "import_pilot_data",
        "import_pilot_data",
        "success",
    )
    assert entry.activity == Activity.GUIDANCE
    assert _people(entry) == {jobseeker.pk}


def test_a_refused_write_leaves_no_entry():
    jobseeker = JobseekerFactory()
    before = ProcessingEntry.objects.count()
    period = BenefitPeriod(
        jobseeker=jobseeker,
        benefit_type="ww",
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2025, 1, 1),  # before the start: refused
        monthly_amount=1000,
    )
    with pytest.raises(ValidationError):
        benefit_period_save(period=period)
    assert ProcessingEntry.objects.count() == before


def test_a_write_rolled_back_takes_its_entry_with_it():
    jobseeker = JobseekerFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        jobseeker.phone = "0612345678"
        jobseeker_save(jobseeker=jobseeker)
        assert ProcessingEntry.objects.filter(action=Action.UPDATE).count() == 1
        raise RuntimeError("the surrounding work failed")
    assert ProcessingEntry.objects.count() == 0


def test_a_write_on_a_page_names_the_user_and_the_route(client):
    municipality = MunicipalityFactory()
    jobcoach = user_with_role(Role.JOBCOACH, municipality)
    jobseeker = JobseekerFactory(municipality=municipality)
    client.force_login(jobcoach)
    response = client.post(
        reverse("placements:jobseeker_update", args=[jobseeker.pk]),
        {
            "given_name": jobseeker.given_name,
            "family_name": jobseeker.family_name,
            "birth_date": "",
            "client_number": "",
            "email": "",
            "phone": "",
            "research_consent": ResearchConsent.NO,
            "version": "1",
        },
    )
    assert response.status_code == 302
    entry = ProcessingEntry.objects.get()
    assert (entry.action, entry.actor_id, entry.actor_label, entry.route) == (
        Action.UPDATE,
        jobcoach.pk,
        "",
        "placements:jobseeker_update",
    )
    assert _people(entry) == {jobseeker.pk}


def test_the_import_logs_its_writes_as_the_command(tmp_path):
    call_command("import_pilot_data", "tests/fixtures/pilot-small")
    entries = ProcessingEntry.objects.all()
    assert entries.exists()
    assert set(entries.values_list("actor_label", "route").distinct()) == {
        ("import_pilot_data", "import_pilot_data")
    }
    # Every jobseeker imported is in the log.
    logged = set(ProcessingSubject.objects.values_list("jobseeker_id", flat=True))
    assert logged == set(Jobseeker.objects.values_list("pk", flat=True))


def test_a_refused_or_missed_attempt_on_a_person_is_logged_with_its_result(client):
    a, b = MunicipalityFactory.create_batch(2)
    jobseeker = JobseekerFactory(municipality=a)
    url = reverse("placements:jobseeker_detail", args=[jobseeker.pk])
    other_jobcoach = user_with_role(Role.JOBCOACH, b)
    funder = user_with_role(Role.FUNDER)
    for user, status, result in ((other_jobcoach, 404, "not_found"), (funder, 403, "refused")):
        client.force_login(user)
        assert client.get(url).status_code == status
        entry = ProcessingEntry.objects.order_by("-pk").first()
        assert (entry.actor_id, entry.action, entry.result, _people(entry)) == (
            user.pk,
            Action.READ,
            result,
            {jobseeker.pk},
        )
    assert ProcessingEntry.objects.count() == 2


# --- append-only -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_change_or_delete_the_log():
    jobseeker = JobseekerFactory()
    entry = record(action=Action.READ, people=[jobseeker], activity=Activity.GUIDANCE)
    other = JobseekerFactory()
    statements = (
        ("UPDATE privacy_processingentry SET route = 'x' WHERE id = %s", [entry.pk]),
        ("DELETE FROM privacy_processingentry WHERE id = %s", [entry.pk]),
        ("UPDATE privacy_processingsubject SET jobseeker_id = %s", [other.pk]),
        ("DELETE FROM privacy_processingsubject WHERE entry_id = %s", [entry.pk]),
    )
    # As the database sees them, not through Django's collector (which refuses a delete by
    # itself already): the application's role has no UPDATE or DELETE on the log
    # (db_app_role) ...
    for sql, params in statements:
        with (
            pytest.raises(DatabaseError, match="permission denied"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    # ... and the owner, who has, is refused by the trigger.
    owner = psycopg2.connect(db_roles.owner_url(connection.settings_dict["NAME"]))
    try:
        with owner.cursor() as cursor:
            for sql, params in statements:
                with pytest.raises(psycopg2.Error, match="append-only"):
                    cursor.execute(sql, params)
                owner.rollback()
    finally:
        owner.close()
    entry.refresh_from_db()
    assert (entry.route, _people(entry)) == ("", {jobseeker.pk})


def test_no_entry_without_people_and_one_entry_for_many():
    people = JobseekerFactory.create_batch(25)
    assert record(action=Action.READ, people=[], activity=Activity.GUIDANCE) is None
    entry = record(action=Action.READ, people=people + people[:3], activity=Activity.GUIDANCE)
    assert ProcessingEntry.objects.count() == 1
    assert _people(entry) == {p.pk for p in people}


def test_the_log_holds_no_names_or_references():
    jobseeker = JobseekerFactory(given_name="Zebedeus", family_name="Quast", ref="SECRET-7")
    entry = record(action=Action.READ, people=[jobseeker], activity=Activity.GUIDANCE)
    stored = [
        *ProcessingEntry.objects.filter(pk=entry.pk).values_list(),
        *ProcessingSubject.objects.filter(entry=entry).values_list(),
    ]
    assert not any(word in repr(stored) for word in ("Zebedeus", "Quast", "SECRET-7"))


# --- exports -------------------------------------------------------------------------------------


def test_the_research_export_command_logs_every_participant_it_holds(tmp_path):
    call_command("import_pilot_data", "tests/fixtures/pilot-small")
    before = ProcessingEntry.objects.count()
    call_command(
        "export_research",
        "--as-of",
        "2025-09-30",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "export.zip"),
    )
    entry = ProcessingEntry.objects.get(pk__gt=0, action=Action.EXPORT)
    assert ProcessingEntry.objects.count() == before + 1
    assert (entry.activity, entry.actor_label) == (Activity.RESEARCH, "export_research")
    from reporting.exports.scope import ResearchScope, all_municipalities_consented_participants

    expected = all_municipalities_consented_participants(
        ResearchScope(as_of=datetime.date(2025, 9, 30))
    )
    assert _people(entry) == set(expected.values_list("pk", flat=True))
    assert _people(entry)


# --- the privacy officer ------------------------------------------------------------------------


@pytest.fixture
def officer():
    return user_with_role(Role.PRIVACY_OFFICER, email="privacy@example.org")


def test_the_officers_home_is_the_log_and_other_pages_refuse(client, officer):
    client.force_login(officer)
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, reverse("privacy:log"))
    for name in ("placements:jobseeker_list", "reporting:dashboard", "coaching:entrepreneur_list"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get("/api/v1/").status_code == 403
    assert client.get("/api/schema/").status_code == 403


def test_the_log_filters_by_person_actor_activity_and_period(client, officer):
    municipality = MunicipalityFactory()
    jobcoach = user_with_role(Role.JOBCOACH, municipality)
    ayla, bram = JobseekerFactory.create_batch(2, municipality=municipality)
    first = record(action=Action.READ, people=[ayla], activity=Activity.GUIDANCE, actor=jobcoach)
    second = record(
        action=Action.EXPORT, people=[ayla, bram], activity=Activity.RESEARCH, actor_label="cmd"
    )
    client.force_login(officer)
    url = reverse("privacy:log")

    def shown(**query) -> list[int]:
        response = client.get(url, query)
        assert response.status_code == 200
        # The officer's own reads of the log are entries too: left out here.
        ours = {first.pk, second.pk}
        return [entry.pk for entry in response.context["object_list"] if entry.pk in ours]

    assert shown() == [second.pk, first.pk]
    assert shown(person=bram.pk) == [second.pk]
    assert shown(actor=jobcoach.pk) == [first.pk]
    assert shown(system_actor="cmd") == [second.pk]
    assert shown(activity=Activity.RESEARCH) == [second.pk]
    # The filter's days are the pilot's (Amsterdam), not UTC's: an hour apart around midnight.
    today = timezone.localdate(first.at).isoformat()
    assert shown(since=today, until=today) == [second.pk, first.pk]
    assert shown(until="2000-01-01") == []
    # Reading the log is itself logged, as a privacy request, with the people it showed.
    read = ProcessingEntry.objects.filter(actor=officer).order_by("-pk").first()
    assert (read.action, read.activity, read.route) == (
        Action.READ,
        Activity.PRIVACY_REQUEST,
        "privacy:log",
    )


def test_the_officer_opens_a_person_by_reference_without_it_in_the_url(client, officer):
    jobseeker = JobseekerFactory(ref="HRL-123")
    client.force_login(officer)
    response = client.post(reverse("privacy:person_find"), {"ref": "HRL-123"})
    assert response["Location"] == reverse("privacy:person_detail", args=[jobseeker.pk])
    assert "HRL-123" not in response["Location"]
    response = client.post(reverse("privacy:person_find"), {"ref": "NOPE-1"})
    assert response.status_code == 200
    assert "No jobseeker has this reference." in response.content.decode()


def _person_with_every_kind_of_row():
    municipality = MunicipalityFactory()
    jobseeker = JobseekerFactory(municipality=municipality)
    entrepreneur = EntrepreneurFactory(municipality=municipality)
    benefit = BenefitPeriodFactory(jobseeker=jobseeker)
    running = PlacementFactory(
        jobseeker=jobseeker,
        entrepreneur=entrepreneur,
        status=PlacementStatus.ACTIVE,
        planned_start=datetime.date(2025, 1, 6),
        planned_end=datetime.date(2025, 6, 5),
        actual_start=datetime.date(2025, 1, 6),
        actual_end=None,
    )
    ended = PlacementFactory(jobseeker=jobseeker, entrepreneur=entrepreneur)
    rows = {
        "jobseeker": {jobseeker.pk},
        "benefit_periods": {benefit.pk},
        "placements": {running.pk, ended.pk},
        "placement_state_changes": {
            PlacementStateChangeFactory(
                placement=running,
                from_status=PlacementStatus.AGREED,
                to_status=PlacementStatus.ACTIVE,
            ).pk
        },
        "progress_reviews": {ProgressReviewFactory(placement=running).pk},
        "benefit_checks": {BenefitCheckFactory(placement=ended).pk},
        "host_evaluations": {HostEvaluationFactory(placement=ended).pk},
        # JobseekerFactory gives research consent (one record).
        "consent_records": set(
            ConsentRecord.objects.filter(jobseeker=jobseeker).values_list("pk", flat=True)
        ),
        "restriction": {
            Restriction.objects.create(
                jobseeker=jobseeker, municipality=municipality, reason="Accuracy disputed."
            ).pk
        },
        "corrections": {
            Correction.objects.create(
                municipality=municipality,
                record_kind="benefit_period",
                record_id=benefit.pk,
                subject_kind="jobseeker",
                subject_id=jobseeker.pk,
                action="corrected",
                changes={"monthly_amount": ["1000.00", "1100.00"]},
                reason="Amount mistyped.",
                source="web",
            ).pk
        },
        "audit_events": {
            AuditEvent.objects.create(
                action="test", object_type="jobseeker", object_ref=jobseeker.ref
            ).pk
        },
        "processing_log": {
            record(action=Action.READ, people=[jobseeker], activity=Activity.GUIDANCE).pk
        },
    }
    return jobseeker, rows


def test_the_access_download_holds_every_row_of_the_person_and_nothing_else(client, officer):
    jobseeker, expected = _person_with_every_kind_of_row()
    _other, _other_rows = _person_with_every_kind_of_row()  # someone else: none of theirs
    client.force_login(officer)
    response = client.get(reverse("privacy:access_json", args=[jobseeker.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert jobseeker.ref not in response["Content-Disposition"]
    sections = json.loads(response.content)["sections"]
    assert set(sections) == set(expected)
    assert {key: {row["id"] for row in rows} for key, rows in sections.items()} == expected
    assert sections["jobseeker"][0]["given_name"] == jobseeker.given_name
    # The download is itself in the log: an export for a privacy request, about this person.
    entry = ProcessingEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.activity, entry.actor_id, entry.route) == (
        Action.EXPORT,
        Activity.PRIVACY_REQUEST,
        officer.pk,
        "privacy:access_json",
    )
    assert _people(entry) == {jobseeker.pk}


def test_the_access_pdf_is_a_pdf_and_logged(client, officer):
    jobseeker, _rows = _person_with_every_kind_of_row()
    client.force_login(officer)
    response = client.get(reverse("privacy:access_pdf", args=[jobseeker.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    entry = ProcessingEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.route, _people(entry)) == (
        Action.EXPORT,
        "privacy:access_pdf",
        {jobseeker.pk},
    )


@pytest.mark.django_db(transaction=True)
def test_a_read_outside_a_transaction_is_committed_on_its_own():
    jobseeker = JobseekerFactory()
    assert not connection.in_atomic_block
    entry = record(action=Action.READ, people=[jobseeker], activity=Activity.GUIDANCE)
    # Committed (its own transaction, without waiting for the disk): another connection sees it.
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT jobseeker_id FROM privacy_processingsubject WHERE entry_id = %s",
                [entry.pk],
            )
            assert cursor.fetchall() == [(jobseeker.pk,)]
    finally:
        other.close()
