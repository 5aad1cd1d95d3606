"""Consent per purpose: the records' rules, the one service, the import's yes/no/unknown, the
research export on the day it is made, the pages, the admin and the API."""

import datetime
import zipfile
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kernel.versioning import StaleEdit
from municipalities.enums import Role
from placements.consents import (
    consent_apply_answer,
    consent_give,
    consent_withdraw,
    jobseeker_consents,
)
from placements.enums import ConsentPurpose, ConsentSource, ResearchConsent
from placements.models import ConsentRecord, Jobseeker
from reporting.exports import variables as v
from reporting.exports.pseudonyms import Pseudonymiser
from reporting.exports.rows import ROW_SOURCES, ResearchScope
from tests.factories import (
    ConsentRecordFactory,
    JobseekerFactory,
    PlacementFactory,
    user_with_role,
)

from .pages import field_error, other_roles, snapshot, two_municipalities

pytestmark = pytest.mark.django_db

RESEARCH, FOLLOW_UP = ConsentPurpose.RESEARCH, ConsentPurpose.FOLLOW_UP
FUTURE = "This date lies in the future; record it on or after the day it happens."
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _today() -> datetime.date:
    return timezone.localdate()


def _records(jobseeker) -> list[tuple]:
    return list(
        ConsentRecord.objects.filter(jobseeker=jobseeker)
        .order_by("id")
        .values_list("purpose", "given_on", "information_version", "source", "withdrawn_on")
    )


# --- the records' rules in the database --------------------------------------------------------


def _raw(jobseeker, **fields) -> ConsentRecord:
    values = {
        "jobseeker": jobseeker,
        "municipality": jobseeker.municipality,
        "purpose": RESEARCH,
        "given_on": datetime.date(2025, 1, 1),
        "information_version": "v1",
        "source": ConsentSource.WEB,
        **fields,
    }
    return ConsentRecord.objects.create(**values)


def test_database_refuses_a_second_open_consent_for_one_purpose():
    jobseeker = JobseekerFactory(research_consent="unknown")
    _raw(jobseeker)
    _raw(jobseeker, purpose=FOLLOW_UP)  # another purpose is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw(jobseeker)
    assert ConsentRecord.objects.filter(jobseeker=jobseeker).count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        # withdrawn before it was given
        {
            "withdrawn_on": datetime.date(2024, 12, 31),
            "withdrawal_source": "web",
            "withdrawn_at": timezone.now(),
        },
        # a withdrawal without its source and moment
        {"withdrawn_on": datetime.date(2025, 2, 1)},
        # a purpose outside the list
        {"purpose": "marketing"},
        # no version of the information
        {"information_version": ""},
    ],
)
def test_database_refuses_an_inconsistent_consent(fields):
    jobseeker = JobseekerFactory(research_consent="unknown")
    with pytest.raises(IntegrityError), transaction.atomic():
        _raw(jobseeker, **fields)
    assert not ConsentRecord.objects.exists()


def test_consent_dates_in_the_future_are_refused():
    jobseeker = JobseekerFactory(research_consent="unknown")
    tomorrow = _today() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        consent_give(
            jobseeker=jobseeker, purpose=RESEARCH, given_on=tomorrow, source=ConsentSource.WEB
        )
    assert refused.value.message_dict == {"given_on": [FUTURE]}
    record = consent_give(jobseeker=jobseeker, purpose=RESEARCH, source=ConsentSource.WEB)
    with pytest.raises(ValidationError) as refused:
        consent_withdraw(record=record, withdrawn_on=tomorrow, source=ConsentSource.WEB)
    assert refused.value.message_dict == {"withdrawn_on": [FUTURE]}
    record.refresh_from_db()
    assert (record.withdrawn_on, record.version) == (None, 1)


# --- the service --------------------------------------------------------------------------------


def test_consent_give_records_date_version_who_and_source(settings):
    settings.CONSENT_INFORMATION_VERSIONS = {"research": "R-7", "follow_up": "F-2"}
    jobseeker = JobseekerFactory(research_consent="unknown")
    coach = user_with_role(Role.JOBCOACH, jobseeker.municipality)

    record = consent_give(
        jobseeker=jobseeker,
        purpose=FOLLOW_UP,
        given_on=datetime.date(2025, 3, 1),
        source=ConsentSource.WEB,
        actor=coach,
    )

    record.refresh_from_db()
    assert (
        record.municipality,
        record.purpose,
        record.given_on,
        record.information_version,
        record.recorded_by,
        record.source,
        record.withdrawn_on,
    ) == (jobseeker.municipality, FOLLOW_UP, datetime.date(2025, 3, 1), "F-2", coach, "web", None)
    # Research consent is a purpose of its own: still unknown.
    assert jobseeker.research_consent == ResearchConsent.UNKNOWN


def test_consent_give_while_one_holds_is_refused_with_since_when():
    jobseeker = JobseekerFactory(research_consent="unknown")
    consent_give(
        jobseeker=jobseeker,
        purpose=RESEARCH,
        given_on=datetime.date(2025, 3, 1),
        source=ConsentSource.WEB,
    )
    with pytest.raises(ValidationError) as refused:
        consent_give(jobseeker=jobseeker, purpose=RESEARCH, source=ConsentSource.WEB)
    assert refused.value.message_dict == {
        "purpose": ["Consent for research (Regioplan) already holds since 1 March 2025."]
    }
    assert ConsentRecord.objects.filter(jobseeker=jobseeker).count() == 1


def test_consent_withdraw_closes_it_and_a_new_consent_keeps_the_history():
    jobseeker = JobseekerFactory(research_consent="unknown")
    coach = user_with_role(Role.JOBCOACH, jobseeker.municipality)
    first = consent_give(
        jobseeker=jobseeker,
        purpose=RESEARCH,
        given_on=datetime.date(2025, 1, 10),
        information_version="old",
        source=ConsentSource.WEB,
    )

    consent_withdraw(
        record=first, withdrawn_on=datetime.date(2025, 4, 1), source="web", actor=coach
    )
    assert Jobseeker.objects.get(pk=jobseeker.pk).research_consent == ResearchConsent.NO
    # Not before its last withdrawal: the history does not overlap.
    with pytest.raises(ValidationError) as refused:
        consent_give(
            jobseeker=jobseeker,
            purpose=RESEARCH,
            given_on=datetime.date(2025, 3, 1),
            source=ConsentSource.WEB,
        )
    assert refused.value.message_dict == {
        "given_on": [
            "This consent was withdrawn on 1 April 2025: a new consent is given on or after "
            "that day."
        ]
    }
    consent_give(
        jobseeker=jobseeker,
        purpose=RESEARCH,
        given_on=datetime.date(2025, 4, 1),
        information_version="new",
        source=ConsentSource.WEB,
    )

    assert _records(jobseeker) == [
        (RESEARCH, datetime.date(2025, 1, 10), "old", "web", datetime.date(2025, 4, 1)),
        (RESEARCH, datetime.date(2025, 4, 1), "new", "web", None),
    ]
    first.refresh_from_db()
    assert (first.withdrawn_by, first.withdrawal_source, first.version) == (coach, "web", 2)
    assert Jobseeker.objects.get(pk=jobseeker.pk).research_consent == ResearchConsent.YES


def test_consent_withdraw_twice_is_refused_and_a_stale_one_too():
    jobseeker = JobseekerFactory(research_consent="unknown")
    record = consent_give(jobseeker=jobseeker, purpose=RESEARCH, source=ConsentSource.WEB)
    stale = ConsentRecord.objects.get(pk=record.pk)
    consent_withdraw(record=record, source=ConsentSource.WEB)

    with pytest.raises(StaleEdit):
        consent_withdraw(record=stale, source=ConsentSource.WEB)
    fresh = ConsentRecord.objects.get(pk=record.pk)
    with pytest.raises(ValidationError) as refused:
        consent_withdraw(record=fresh, source=ConsentSource.WEB)
    assert refused.value.message_dict == {
        "withdrawn_on": [
            f"This consent was already withdrawn on {_today().day} "
            f"{_today().strftime('%B')} {_today().year}."
        ]
    }
    assert _records(jobseeker) == [
        (RESEARCH, _today(), "research-2026-01", "web", _today()),
    ]


def test_consent_apply_answer_yes_no_unknown_on_the_day():
    jobseeker = JobseekerFactory(research_consent="unknown")
    apply = {"jobseeker": jobseeker, "purpose": RESEARCH, "source": ConsentSource.API}

    assert consent_apply_answer(answer="unknown", **apply) is None
    assert consent_apply_answer(answer="no", **apply) is None
    assert _records(jobseeker) == []
    given = consent_apply_answer(answer="yes", **apply)
    assert consent_apply_answer(answer="yes", **apply) is None
    assert consent_apply_answer(answer="unknown", **apply) is None
    withdrawn = consent_apply_answer(answer="no", **apply)

    assert given.pk == withdrawn.pk
    assert _records(jobseeker) == [(RESEARCH, _today(), "research-2026-01", "api", _today())]
    with pytest.raises(ValueError):
        consent_apply_answer(answer="ja", **apply)


# --- the CSV import -----------------------------------------------------------------------------


def _jobseekers_csv(folder: Path, *rows: tuple[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "municipalities.csv").write_text(
        "code,name,planned_places\nGM0917,Heerlen,10\n", encoding="utf-8"
    )
    lines = ["ref,municipality_code,given_name,family_name,birth_date,research_consent"]
    lines += [f"{ref},GM0917,Ayla,Jansen,1988-04-12,{answer}" for ref, answer in rows]
    (folder / "jobseekers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _import(folder: Path) -> list[str]:
    out = StringIO()
    call_command("import_pilot_data", str(folder), stdout=out, stderr=StringIO())
    return [line for line in out.getvalue().splitlines() if line.startswith("jobseekers")]


def test_import_yes_gives_consent_on_the_day_of_import_and_no_withdraws_it(tmp_path):
    folder = _jobseekers_csv(tmp_path / "a", ("JS-1", "yes"), ("JS-2", "no"), ("JS-3", "unknown"))

    assert _import(folder) == ["jobseekers.csv: 3 created, 0 updated, 0 unchanged"]
    first, second, third = (Jobseeker.objects.get(ref=f"JS-{n}") for n in (1, 2, 3))
    assert _records(first) == [(RESEARCH, _today(), "research-2026-01", "import", None)]
    assert ConsentRecord.objects.get(jobseeker=first).recorded_by is None
    assert _records(second) == _records(third) == []
    # The same file again changes nothing.
    assert _import(folder) == ["jobseekers.csv: 0 created, 0 updated, 3 unchanged"]

    # The municipality's file now says no for JS-1 and yes for JS-2; unknown leaves JS-3 alone.
    later = _jobseekers_csv(tmp_path / "b", ("JS-1", "no"), ("JS-2", "yes"), ("JS-3", "unknown"))
    assert _import(later) == ["jobseekers.csv: 0 created, 2 updated, 1 unchanged"]
    assert _records(first) == [(RESEARCH, _today(), "research-2026-01", "import", _today())]
    withdrawn = ConsentRecord.objects.get(jobseeker=first)
    assert (withdrawn.withdrawal_source, withdrawn.withdrawn_by) == ("import", None)
    assert _records(second) == [(RESEARCH, _today(), "research-2026-01", "import", None)]
    assert _records(third) == []
    assert [j.research_consent for j in (first, second, third)] == ["no", "yes", "unknown"]


def test_import_unknown_keeps_a_consent_recorded_on_the_page(tmp_path):
    jobseeker = JobseekerFactory(ref="JS-1", research_consent="yes")
    before = _records(jobseeker)
    folder = _jobseekers_csv(tmp_path / "a", ("JS-1", "unknown"))
    # The other columns differ from the factory's: the row is updated, the consent stays.
    assert _import(folder) == ["jobseekers.csv: 0 created, 1 updated, 0 unchanged"]
    assert _records(jobseeker) == before


def test_import_dry_run_and_failed_run_record_no_consent(tmp_path):
    folder = _jobseekers_csv(tmp_path / "a", ("JS-1", "yes"))
    call_command("import_pilot_data", str(folder), "--dry-run", stdout=StringIO())
    assert not ConsentRecord.objects.exists()
    broken = _jobseekers_csv(tmp_path / "b", ("JS-1", "yes"), ("JS-2", "ja"))
    with pytest.raises(SystemExit):
        call_command("import_pilot_data", str(broken), stdout=StringIO(), stderr=StringIO())
    assert not ConsentRecord.objects.exists()
    assert not Jobseeker.objects.exists()


# --- the research export ------------------------------------------------------------------------


def _participants(as_of: datetime.date, **scope) -> set[str]:
    source = ROW_SOURCES["participants"](
        scope=ResearchScope(as_of=as_of, **scope), pseudonyms=Pseudonymiser()
    )
    names = v.TABLES_BY_NAME["participants"].names
    index = names.index("participant_id")
    return {row[index] for batch in source for row in batch.rows}


def test_export_holds_who_consents_on_the_day_it_is_made_whatever_its_date():
    as_of = datetime.date(2025, 1, 31)
    # Consent given long after the export date, but before the export is made: in it.
    late = PlacementFactory(jobseeker=JobseekerFactory(research_consent="unknown"))
    ConsentRecordFactory(jobseeker=late.jobseeker, given_on=datetime.date(2025, 6, 1))
    # Consent that held on the export date, withdrawn later (before the export is made): out.
    withdrawn = PlacementFactory(jobseeker=JobseekerFactory(research_consent="unknown"))
    record = ConsentRecordFactory(jobseeker=withdrawn.jobseeker, given_on=datetime.date(2024, 1, 1))
    consent_withdraw(
        record=record, withdrawn_on=datetime.date(2025, 3, 1), source=ConsentSource.WEB
    )
    # Consent for follow-up contact only: out.
    contact_only = PlacementFactory(jobseeker=JobseekerFactory(research_consent="unknown"))
    ConsentRecordFactory(jobseeker=contact_only.jobseeker, purpose=FOLLOW_UP)
    pseudonyms = Pseudonymiser()

    assert _participants(as_of) == {pseudonyms.participant(late.jobseeker_id)}
    # The day the export is made decides: on 1 February 2025 the withdrawal had not happened
    # and the late consent was not given yet.
    assert _participants(as_of, consent_on=datetime.date(2025, 2, 1)) == {
        pseudonyms.participant(withdrawn.jobseeker_id)
    }
    # Withdrawn on the day itself: out from that day on.
    assert _participants(as_of, consent_on=datetime.date(2025, 3, 1)) == set()
    assert _participants(as_of, consent_on=datetime.date(2025, 6, 1)) == {
        pseudonyms.participant(late.jobseeker_id)
    }


def test_export_file_leaves_out_a_person_withdrawn_after_its_date(tmp_path):
    kept = PlacementFactory()
    gone = PlacementFactory()
    consent_withdraw(
        record=gone.jobseeker.consents.get(), source=ConsentSource.WEB, withdrawn_on=_today()
    )
    out = StringIO()
    call_command(
        "export_research",
        "--as-of",
        "2025-01-31",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "export.zip"),
        stdout=out,
    )
    with zipfile.ZipFile(tmp_path / "export.zip") as archive:
        participants = archive.read("participants.csv").decode("utf-8-sig").splitlines()
    pseudonyms = Pseudonymiser()
    assert len(participants) == 2
    assert pseudonyms.participant(kept.jobseeker_id) in participants[1]
    assert pseudonyms.participant(gone.jobseeker_id) not in "\n".join(participants)


# --- the pages ----------------------------------------------------------------------------------


def _give_url(jobseeker) -> str:
    return reverse("placements:consent_give", args=[jobseeker.pk])


def _withdraw_url(record) -> str:
    return reverse("placements:consent_withdraw", args=[record.pk])


def test_detail_page_shows_each_purpose_with_status_version_who_and_history(client):
    a, _b = two_municipalities()
    coach = a.jobcoach
    coach.full_name = "Jet Coach"
    coach.save()
    record = a.jobseeker.consents.get()
    consent_withdraw(
        record=record, withdrawn_on=datetime.date(2025, 2, 3), source="web", actor=coach
    )
    consent_give(
        jobseeker=a.jobseeker,
        purpose=RESEARCH,
        given_on=datetime.date(2025, 3, 4),
        source=ConsentSource.WEB,
        actor=coach,
    )
    client.force_login(coach)

    response = client.get(reverse("placements:jobseeker_detail", args=[a.jobseeker.pk]))

    html = response.content.decode()
    assert (
        "Given since 4 March 2025, on information letter research-2026-01; recorded by Jet Coach."
        in html
    )
    assert "No consent holds." in html  # follow-up contact
    research = response.context["consents"][0]
    assert [
        (line.record.given_on, line.record.withdrawn_on, line.recorded_by, line.withdrawn_by)
        for line in research.history
    ] == [
        (datetime.date(2025, 3, 4), None, "Jet Coach", ""),
        (datetime.date(2024, 1, 1), datetime.date(2025, 2, 3), "import", "Jet Coach"),
    ]
    assert _withdraw_url(research.holding.record) in html
    assert _give_url(a.jobseeker) + "?purpose=follow_up" in html


def test_jobcoach_records_and_withdraws_consent_on_the_pages(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    form = client.get(_give_url(a.jobseeker) + "?purpose=follow_up").context["form"]
    assert form.fields["purpose"].initial == FOLLOW_UP
    assert form.fields["given_on"].initial == _today()

    response = client.post(_give_url(a.jobseeker), {"purpose": FOLLOW_UP, "given_on": "2025-05-06"})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("placements:jobseeker_detail", args=[a.jobseeker.pk]) + "#consent"
    )
    record = a.jobseeker.consents.get(purpose=FOLLOW_UP)
    assert (record.given_on, record.recorded_by, record.source) == (
        datetime.date(2025, 5, 6),
        a.jobcoach,
        "web",
    )

    response = client.post(_withdraw_url(record), {"withdrawn_on": "2025-06-07", "version": "1"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.withdrawn_on, record.withdrawn_by, record.withdrawal_source) == (
        datetime.date(2025, 6, 7),
        a.jobcoach,
        "web",
    )
    # A withdrawn consent has nothing left to withdraw.
    response = client.get(_withdraw_url(record))
    assert response.status_code == 302


def test_consent_pages_show_the_rules_at_their_field(client):
    a, _b = two_municipalities()
    client.force_login(a.jobcoach)
    before = snapshot()
    response = client.post(_give_url(a.jobseeker), {"purpose": RESEARCH, "given_on": "2025-05-06"})
    assert response.status_code == 200
    assert (
        field_error(
            "id_purpose", "Consent for research (Regioplan) already holds since 1 January 2024."
        )
        in response.content.decode()
    )
    record = a.jobseeker.consents.get()
    response = client.post(_withdraw_url(record), {"withdrawn_on": "2023-12-31", "version": "1"})
    assert (
        field_error("id_withdrawn_on", "A consent cannot be withdrawn before the day it was given.")
        in response.content.decode()
    )
    assert snapshot() == before


def test_stale_withdrawal_is_refused_and_says_so(client):
    a, _b = two_municipalities()
    record = a.jobseeker.consents.get()
    consent_withdraw(record=ConsentRecord.objects.get(pk=record.pk), source=ConsentSource.WEB)
    consent_give(jobseeker=a.jobseeker, purpose=RESEARCH, source=ConsentSource.WEB)
    client.force_login(a.jobcoach)
    before = snapshot()
    # Based on version 1 of a consent that is withdrawn meanwhile.
    response = client.post(_withdraw_url(record), {"withdrawn_on": "2025-01-01", "version": "1"})
    assert response.status_code == 302
    assert snapshot() == before


def test_consent_pages_of_another_municipality_are_404_and_change_nothing(client):
    a, b = two_municipalities()
    client.force_login(a.jobcoach)
    record = b.jobseeker.consents.get()
    before = snapshot()
    assert client.get(_give_url(b.jobseeker)).status_code == 404
    assert client.get(_withdraw_url(record)).status_code == 404
    assert (
        client.post(
            _give_url(b.jobseeker), {"purpose": FOLLOW_UP, "given_on": "2025-05-06"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            _withdraw_url(record), {"withdrawn_on": "2025-05-06", "version": "1"}
        ).status_code
        == 404
    )
    assert snapshot() == before


def test_consent_pages_are_refused_to_roles_without_them(client):
    a, _b = two_municipalities()
    record = a.jobseeker.consents.get()
    before = snapshot()
    for user in other_roles().values():
        client.force_login(user)
        assert client.get(_give_url(a.jobseeker)).status_code == 403
        assert client.post(_withdraw_url(record), {"withdrawn_on": "2025-05-06"}).status_code == 403
    client.logout()
    assert client.get(_give_url(a.jobseeker)).status_code == 302
    assert snapshot() == before


def test_programme_admin_records_consent_in_any_municipality(client):
    _a, b = two_municipalities()
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    response = client.post(_give_url(b.jobseeker), {"purpose": FOLLOW_UP, "given_on": "2025-05-06"})
    assert response.status_code == 302
    assert b.jobseeker.consents.filter(purpose=FOLLOW_UP, withdrawn_on=None).count() == 1


def test_jobseeker_consents_reads_through_the_access_rules():
    a, b = two_municipalities()
    assert [
        item.history for item in jobseeker_consents(user=a.jobcoach, jobseeker=b.jobseeker)
    ] == [
        [],
        [],
    ]


def test_jobseeker_list_shows_and_filters_the_derived_research_consent(client):
    a, _b = two_municipalities()
    withdrawn = JobseekerFactory(municipality=a.municipality, ref="HRL-002", research_consent="no")
    JobseekerFactory(municipality=a.municipality, ref="HRL-003", research_consent="unknown")
    client.force_login(a.jobcoach)
    rows = client.get(reverse("placements:jobseeker_list")).context["object_list"]
    assert {(j.ref, j.research_consent) for j in rows} == {
        ("HRL-001", "yes"),
        ("HRL-002", "no"),
        ("HRL-003", "unknown"),
    }
    listed = client.get(reverse("placements:jobseeker_list"), {"research_consent": "no"})
    assert [j.ref for j in listed.context["object_list"]] == [withdrawn.ref]


# --- the admin and the API ----------------------------------------------------------------------


def test_admin_gives_and_withdraws_consent_through_the_service(client):
    jobseeker = JobseekerFactory(research_consent="unknown")
    admin = user_with_role(Role.PROGRAMME_ADMIN)
    client.force_login(admin)
    response = client.post(
        reverse("admin:placements_consentrecord_add"),
        {"jobseeker": jobseeker.pk, "purpose": RESEARCH, "given_on": "2025-01-02"},
    )
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert (record.given_on, record.information_version, record.recorded_by, record.source) == (
        datetime.date(2025, 1, 2),
        "research-2026-01",
        admin,
        "admin",
    )
    # A second open consent is refused at the field.
    response = client.post(
        reverse("admin:placements_consentrecord_add"),
        {"jobseeker": jobseeker.pk, "purpose": RESEARCH, "given_on": "2025-01-03"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "purpose": ["Consent for research (Regioplan) already holds since 2 January 2025."]
    }
    change = reverse("admin:placements_consentrecord_change", args=[record.pk])
    response = client.post(change, {"withdrawn_on": "2025-02-01", "based_on_version": "1"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.withdrawn_on, record.withdrawn_by, record.withdrawal_source) == (
        datetime.date(2025, 2, 1),
        admin,
        "admin",
    )
    assert ConsentRecord.objects.count() == 1


def test_api_reports_the_derived_research_consent_and_filters_on_it(client):
    a, _b = two_municipalities()
    JobseekerFactory(municipality=a.municipality, ref="HRL-002", research_consent="no")
    client.force_login(a.jobcoach)
    rows = client.get("/api/v1/jobseekers/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [(row["ref"], row["research_consent"]) for row in rows] == [
        ("HRL-001", "yes"),
        ("HRL-002", "no"),
    ]
    filtered = client.get("/api/v1/jobseekers/", {"research_consent": "no"}).json()
    filtered = filtered["results"] if isinstance(filtered, dict) else filtered
    assert [row["ref"] for row in filtered] == ["HRL-002"]
