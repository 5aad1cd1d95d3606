"""Importing from the browser: the dry run, the scope of a jobcoach, confirmation, the record
of every import, and who may see it (issue 15, item 5)."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from coaching.models import Entrepreneur
from municipalities.enums import Role
from municipalities.models import AuditEvent, Municipality
from placements.imports.browser import (
    import_confirm,
    import_execute,
    import_runs_expire,
    upload_folder,
)
from placements.models import BenefitPeriod, ImportRun, Jobseeker, Placement
from tests.factories import JobseekerFactory, MunicipalityFactory, user_with_role

from .test_import import PILOT_SMALL, PILOT_SMALL_COUNTS, database_snapshot

pytestmark = pytest.mark.django_db

NOT_YOURS = (
    "GM0193 is niet een van uw gemeenten; u kunt alleen regels van uw eigen gemeenten importeren."
)


@pytest.fixture(autouse=True)
def dutch(settings):
    """The pages in Dutch, the site's language (the tests' default is English; the browser's
    Accept-Language decides nothing, portal.middleware.LanguageMiddleware)."""
    settings.LANGUAGE_CODE = "nl"


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.IMPORT_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.IMPORT_UPLOAD_ROOT


def uploads(folder: Path = PILOT_SMALL, *names: str, **replaced: str) -> list:
    """The files of ``folder`` (all, or ``names``) as a browser sends them; ``replaced`` gives
    a file (by its stem) other contents."""
    chosen = names or tuple(sorted(path.name for path in folder.glob("*.csv")))
    files = []
    for name in chosen:
        content = replaced.get(name.removesuffix(".csv"))
        data = content.encode() if content is not None else (folder / name).read_bytes()
        files.append(SimpleUploadedFile(name, data, content_type="text/csv"))
    return files


def upload(client, files, field="files", *, check=True):
    """Upload as the page does; ``check`` runs the queued check as the worker would
    (tests/placements/test_import_worker.py has a real worker)."""
    response = client.post(reverse("placements:import_list"), {field: files})
    if check and response.status_code == 302:
        import_execute(run_id=ImportRun.objects.latest("pk").pk)
    return response


def problems_of(run: ImportRun) -> list[str]:
    return [f"{file}:{line}: {column}: {message}" for file, line, column, message in run.problems]


def test_the_dry_run_reports_what_it_would_do_and_writes_nothing(client, upload_root):
    admin = user_with_role(Role.PROGRAMME_ADMIN)
    client.force_login(admin)
    before = database_snapshot(without=(ImportRun, AuditEvent))

    response = upload(client, uploads(), field="folder", check=False)

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:import_detail", args=[run.pk])
    assert (run.phase, run.status) == ("check", "queued")
    page = client.get(response["Location"]).content.decode()
    assert "De bestanden worden gecontroleerd; er wordt nog niets opgeslagen." in page
    import_execute(run_id=run.pk)
    run.refresh_from_db()
    assert database_snapshot(without=(ImportRun, AuditEvent)) == before
    assert (run.status, run.problems, run.problem_count) == ("checked", [], 0)
    assert run.check_counts == PILOT_SMALL_COUNTS
    assert run.counts == {}
    assert run.all_municipalities is True
    assert run.requested_by == admin
    assert run.files == [
        {"name": name, "size": (PILOT_SMALL / name).stat().st_size}
        for name in (
            "municipalities.csv",
            "entrepreneurs.csv",
            "jobseekers.csv",
            "placements.csv",
            "benefit_periods.csv",
        )
    ]
    # The files wait in a private folder of their own, outside MEDIA_ROOT.
    assert sorted(path.name for path in upload_folder(run).iterdir()) == sorted(
        path.name for path in PILOT_SMALL.glob("*.csv")
    )
    assert upload_folder(run).parent == upload_root
    assert AuditEvent.objects.filter(action="import.uploaded", object_ref=str(run.pk)).count() == 1

    page = client.get(response["Location"]).content.decode()
    assert "Wat de import zou doen" in page
    assert "Deze bestanden importeren" in page
    assert re.search(
        r'data-file="benefit_periods.csv">\s*<th[^>]*>benefit_periods.csv</th>\s*'
        r"<td[^>]*>10</td>",
        page,
    )


def test_confirming_imports_exactly_the_counts_and_keeps_the_record(client):
    admin = user_with_role(Role.PROGRAMME_ADMIN)
    client.force_login(admin)
    upload(client, uploads())
    run = ImportRun.objects.get()

    response = client.post(reverse("placements:import_confirm", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.phase, run.status, run.confirmed_by) == ("import", "queued", admin)
    # The worker's part (tests/placements/test_import_worker.py runs it on a real worker).
    import_execute(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.progress, run.error, run.problems) == ("done", 100, "", [])
    assert run.counts == PILOT_SMALL_COUNTS
    assert run.upload_dir == ""
    assert (
        Municipality.objects.count(),
        Entrepreneur.objects.count(),
        Jobseeker.objects.count(),
        Placement.objects.count(),
        BenefitPeriod.objects.count(),
    ) == (2, 8, 8, 8, 10)
    event = AuditEvent.objects.get(action="import")
    assert (event.actor, event.object_ref) == (admin, str(run.pk))
    assert event.detail == {"files": PILOT_SMALL_COUNTS}

    page = client.get(reverse("placements:import_detail", args=[run.pk])).content.decode()
    assert "Wat de import deed" in page
    assert "Deze bestanden importeren" not in page
    # The same files again change nothing: every row is left as it is.
    upload(client, uploads())
    again = ImportRun.objects.exclude(pk=run.pk).get()
    assert again.check_counts == {
        file: {"created": 0, "updated": 0, "unchanged": sum(counts.values())}
        for file, counts in PILOT_SMALL_COUNTS.items()
    }


def test_a_jobcoach_imports_only_their_own_municipalitys_people(client):
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    MunicipalityFactory(code="GM0193", name="Zwolle")
    jobcoach = user_with_role(Role.JOBCOACH, heerlen)
    client.force_login(jobcoach)

    upload(client, uploads(PILOT_SMALL, "jobseekers.csv"))

    run = ImportRun.objects.get()
    assert run.status == "problems"
    # Every Zwolle row is refused at its own line, in the column that says where it belongs.
    assert problems_of(run) == [
        f"jobseekers.csv:{line}: municipality_code: {NOT_YOURS}" for line in (6, 7, 8, 9)
    ]
    assert run.check_counts == {"jobseekers.csv": {"created": 4, "updated": 0, "unchanged": 0}}
    assert list(run.municipalities.all()) == [heerlen]
    assert run.all_municipalities is False
    assert Jobseeker.objects.count() == 0
    # Problems mean fixing the files: they are not kept.
    assert run.upload_dir == ""
    page = client.get(reverse("placements:import_detail", args=[run.pk])).content.decode()
    assert "4 fouten" in page
    assert "Deze bestanden importeren" not in page

    # Only Heerlen's rows: they pass, and the import creates them.
    heerlen_only = "".join(
        line
        for line in (PILOT_SMALL / "jobseekers.csv").read_text().splitlines(keepends=True)
        if "GM0193" not in line
    )
    upload(client, uploads(PILOT_SMALL, "jobseekers.csv", jobseekers=heerlen_only))
    checked = ImportRun.objects.exclude(pk=run.pk).get()
    assert (checked.status, checked.problems) == ("checked", [])
    assert import_confirm(run=checked, user=jobcoach)
    import_execute(run_id=checked.pk)
    checked.refresh_from_db()
    assert checked.counts == {"jobseekers.csv": {"created": 4, "updated": 0, "unchanged": 0}}
    assert set(Jobseeker.objects.values_list("municipality__code", flat=True)) == {"GM0917"}


def test_a_jobcoach_may_not_add_municipalities_or_entrepreneurs(client):
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen", planned_places=10)
    jobcoach = user_with_role(Role.JOBCOACH, heerlen)
    client.force_login(jobcoach)

    upload(client, uploads(PILOT_SMALL, "municipalities.csv", "entrepreneurs.csv"))

    run = ImportRun.objects.get()
    entrepreneurs = (
        "U kunt met een import geen ondernemers toevoegen of wijzigen; dat kan alleen de "
        "programmabeheerder. Laat deze regel weg, of laat hem zoals hij is."
    )
    # Heerlen as it is passes; Zwolle is not theirs; no entrepreneur may be added.
    assert problems_of(run) == [
        f"municipalities.csv:3: code: {NOT_YOURS}",
        *(f"entrepreneurs.csv:{line}: ref: {entrepreneurs}" for line in (2, 3, 4, 5)),
        # Zwolle's row was refused, so the rows that refer to it say so.
        *(
            f"entrepreneurs.csv:{line}: municipality_code: "
            "Gemeente GM0193 bevat fouten in municipalities.csv."
            for line in (6, 7, 8, 9)
        ),
    ]
    assert run.check_counts["municipalities.csv"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert Entrepreneur.objects.count() == 0


def test_another_municipalitys_jobcoach_cannot_see_the_import(client):
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    zwolle = MunicipalityFactory(code="GM0193", name="Zwolle")
    jobcoach = user_with_role(Role.JOBCOACH, heerlen)
    colleague = user_with_role(Role.JOBCOACH, heerlen)
    other = user_with_role(Role.JOBCOACH, zwolle)
    admin = user_with_role(Role.PROGRAMME_ADMIN)
    client.force_login(jobcoach)
    heerlen_only = "ref,municipality_code,given_name,family_name,birth_date,research_consent\n"
    heerlen_only += "HRL-001,GM0917,Ayla,Jansen,1988-04-12,yes\n"
    upload(client, uploads(PILOT_SMALL, "jobseekers.csv", jobseekers=heerlen_only))
    run = ImportRun.objects.get()
    admin_run = ImportRun.objects.create(requested_by=admin, all_municipalities=True)

    client.force_login(other)
    for name in ("import_detail", "import_status"):
        assert client.get(reverse(f"placements:{name}", args=[run.pk])).status_code == 404
        assert client.get(reverse(f"placements:{name}", args=[admin_run.pk])).status_code == 404
    assert client.post(reverse("placements:import_confirm", args=[run.pk])).status_code == 404
    assert list(client.get(reverse("placements:import_list")).context["runs"]) == []

    # A colleague of the same municipality sees it, but only its uploader confirms it.
    client.force_login(colleague)
    assert client.get(reverse("placements:import_detail", args=[run.pk])).status_code == 200
    assert client.post(reverse("placements:import_confirm", args=[run.pk])).status_code == 404
    assert list(client.get(reverse("placements:import_list")).context["runs"]) == [run]
    # The programme admin sees every import.
    client.force_login(admin)
    assert list(client.get(reverse("placements:import_list")).context["runs"]) == [
        admin_run,
        run,
    ]
    run.refresh_from_db()
    assert run.status == "checked"


def test_roles_without_imports_are_refused(client):
    for role in (Role.IMK_COACH, Role.FUNDER, Role.RESEARCHER):
        client.force_login(user_with_role(role))
        assert client.get(reverse("placements:import_list")).status_code == 403
        assert upload(client, uploads()).status_code == 403
    assert ImportRun.objects.count() == 0


def test_the_real_import_decides_when_the_data_changed_after_the_check(client):
    MunicipalityFactory(code="GM0917", name="Heerlen")
    zwolle = MunicipalityFactory(code="GM0193", name="Zwolle")
    admin = user_with_role(Role.PROGRAMME_ADMIN)
    client.force_login(admin)
    upload(client, uploads(PILOT_SMALL, "jobseekers.csv"))
    run = ImportRun.objects.get()
    assert run.status == "checked"
    # Zwolle's code changes, so that code names no municipality any more (a municipality is
    # not deleted: its audit trail is append-only for the application's role).
    zwolle.code = "GM0194"
    zwolle.save()

    client.post(reverse("placements:import_confirm", args=[run.pk]))
    import_execute(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.error, run.problem_count) == ("failed", "problems", 4)
    assert problems_of(run)[0] == (
        "jobseekers.csv:6: municipality_code: Geen gemeente met code GM0193."
    )
    assert run.counts == {}
    assert Jobseeker.objects.count() == 0
    assert run.upload_dir == ""
    page = client.get(reverse("placements:import_detail", args=[run.pk])).content.decode()
    assert "De import vond fouten, dus er is niets geïmporteerd." in page


def test_an_upload_expires_with_its_files_and_quoted_values(client):
    admin = user_with_role(Role.PROGRAMME_ADMIN)
    client.force_login(admin)
    broken = (PILOT_SMALL / "jobseekers.csv").read_text().replace("1988-04-12", "12-04-1988")
    upload(client, uploads(PILOT_SMALL, "municipalities.csv", "jobseekers.csv", jobseekers=broken))
    upload(client, uploads())
    with_problem, waiting = ImportRun.objects.order_by("pk")
    assert problems_of(with_problem) == [
        "jobseekers.csv:2: birth_date: 12-04-1988 is geen datum; schrijf datums als JJJJ-MM-DD."
    ]
    folder = upload_folder(waiting)
    assert folder.is_dir()

    assert import_runs_expire(now=timezone.now() + timedelta(hours=1)) == 0
    assert import_runs_expire(now=timezone.now() + timedelta(hours=25)) == 2

    with_problem.refresh_from_db()
    waiting.refresh_from_db()
    assert with_problem.problems == [["jobseekers.csv", 2, "birth_date", ""]]
    assert (waiting.status, waiting.upload_dir, waiting.expires_at) == ("expired", "", None)
    assert not folder.exists()
    response = client.post(reverse("placements:import_confirm", args=[waiting.pk]))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "expired"


def test_the_upload_form_says_what_is_wrong(client):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))

    response = upload(client, [SimpleUploadedFile("notes.txt", b"hello")])
    assert response.status_code == 400
    assert "Kies ten minste een van de bestanden municipalities.csv," in response.content.decode()

    twice = uploads(PILOT_SMALL, "jobseekers.csv")
    response = client.post(
        reverse("placements:import_list"),
        {"folder": twice, "files": uploads(PILOT_SMALL, "jobseekers.csv")},
    )
    assert response.status_code == 400
    assert (
        "U koos jobseekers.csv twee keer; kies elk bestand één keer." in response.content.decode()
    )
    assert ImportRun.objects.count() == 0


def test_files_over_the_limit_get_a_clear_page(client, settings):
    settings.IMPORT_UPLOAD_MAX_SIZE = 2_000
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))

    response = upload(client, uploads())

    assert response.status_code == 413
    text = response.content.decode()
    assert "De bestanden zijn te groot" in text
    assert "De bestanden mogen samen ten hoogste 2,0\xa0KB zijn." in text
    assert ImportRun.objects.count() == 0


def test_a_jobcoach_does_not_learn_of_another_municipalitys_people(client):
    heerlen = MunicipalityFactory(code="GM0917", name="Heerlen")
    zwolle = MunicipalityFactory(code="GM0193", name="Zwolle")
    JobseekerFactory(municipality=zwolle, ref="ZWL-001")
    client.force_login(user_with_role(Role.JOBCOACH, heerlen))
    periods = (
        "jobseeker_ref,benefit_type,start_date,end_date,end_reason,monthly_amount\n"
        "ZWL-001,participatiewet,2020-02-01,,,1285.40\n"
    )
    # The same ref as a Heerlen jobseeker: taken, as on the form, without saying by whom.
    people = (
        "ref,municipality_code,given_name,family_name,birth_date,research_consent\n"
        "ZWL-001,GM0917,Eva,Visser,1990-08-08,yes\n"
    )

    upload(
        client,
        uploads(
            PILOT_SMALL,
            "jobseekers.csv",
            "benefit_periods.csv",
            benefit_periods=periods,
            jobseekers=people,
        ),
    )

    run = ImportRun.objects.get()
    assert problems_of(run) == [
        "jobseekers.csv:2: ref: Er bestaat al een Werkzoekende met eenzelfde Kenmerk.",
        "benefit_periods.csv:2: jobseeker_ref: Werkzoekende ZWL-001 bevat fouten in "
        "jobseekers.csv.",
    ]
    assert BenefitPeriod.objects.count() == 0


def test_a_check_the_queue_could_not_take_is_started_again_by_its_uploader(client):
    admin = user_with_role(Role.PROGRAMME_ADMIN)
    client.force_login(admin)
    upload(client, uploads(PILOT_SMALL, "municipalities.csv"), check=False)
    run = ImportRun.objects.get()
    # What job_send does when the broker cannot take the message.
    ImportRun.objects.filter(pk=run.pk).update(status="failed", error="queue_unavailable")

    page = client.get(reverse("placements:import_detail", args=[run.pk])).content.decode()
    assert "Bestanden opnieuw controleren" in page
    assert client.post(reverse("placements:import_confirm", args=[run.pk])).status_code == 302

    run.refresh_from_db()
    assert (run.phase, run.status, run.error) == ("check", "queued", "")
    import_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.check_counts) == (
        "checked",
        {"municipalities.csv": {"created": 2, "updated": 0, "unchanged": 0}},
    )


def test_a_check_delivered_again_does_nothing(client):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    upload(client, uploads(PILOT_SMALL, "municipalities.csv"))
    run = ImportRun.objects.get()
    assert run.status == "checked"

    assert import_execute(run_id=run.pk) is None

    run.refresh_from_db()
    assert (run.status, run.attempts) == ("checked", 1)
