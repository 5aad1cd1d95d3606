"""Report list, request, progress and download pages, by role (domain.md); and the funder
reaching no person-level page at all."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from municipalities.enums import Role
from municipalities.models import AuditEvent
from reporting.models import ProgressReport, ReportKind, ReportStatus
from tests.factories import (
    BenefitPeriodFactory,
    GuidanceSessionFactory,
    MunicipalityFactory,
    PlacementFactory,
    ProgressReviewFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 9, 30)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def places():
    return MunicipalityFactory(code="GM0917", name="Heerlen"), MunicipalityFactory(
        code="GM0193", name="Zwolle"
    )


def _stored(kind, municipality=None, status=ReportStatus.DONE) -> ProgressReport:
    report = ProgressReport(kind=kind, as_of=AS_OF, municipality=municipality, status=status)
    if status == ReportStatus.DONE:
        report.progress = 100
        report.file.save(
            f"{kind}-{municipality.code if municipality else 'all'}.pdf",
            ContentFile(b"%PDF-1.7 test"),
            save=False,
        )
    report.save()
    return report


@pytest.fixture
def reports(places):
    heerlen, zwolle = places
    return {
        "funder": _stored(ReportKind.FUNDER),
        "research": _stored(ReportKind.RESEARCH),
        "heerlen": _stored(ReportKind.MUNICIPALITY, heerlen),
        "zwolle": _stored(ReportKind.MUNICIPALITY, zwolle),
    }


def _listed(client, user) -> set[int]:
    client.force_login(user)
    response = client.get(reverse("reporting:report_list"))
    assert response.status_code == 200
    return {report.pk for report in response.context["reports"]}


def test_each_role_lists_exactly_the_reports_domain_md_allows(client, places, reports):
    heerlen, _zwolle = places
    ids = {name: report.pk for name, report in reports.items()}
    assert _listed(client, user_with_role(Role.PROGRAMME_ADMIN)) == set(ids.values())
    assert _listed(client, user_with_role(Role.FUNDER)) == {ids["funder"]}
    assert _listed(client, user_with_role(Role.RESEARCHER)) == {ids["research"]}
    assert _listed(client, user_with_role(Role.JOBCOACH, heerlen)) == {ids["heerlen"]}
    client.force_login(user_with_role(Role.IMK_COACH))
    assert client.get(reverse("reporting:report_list")).status_code == 403


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.FUNDER, {"funder"}),
        (Role.RESEARCHER, {"research"}),
        (Role.JOBCOACH, {"heerlen"}),
        (Role.PROGRAMME_ADMIN, {"funder", "research", "heerlen", "zwolle"}),
    ],
)
def test_download_only_the_allowed_reports_and_every_download_is_audited(
    client, places, reports, role, allowed
):
    heerlen, _zwolle = places
    user = user_with_role(role, heerlen) if role == Role.JOBCOACH else user_with_role(role)
    client.force_login(user)
    for name, report in reports.items():
        response = client.get(reverse("reporting:report_download", args=[report.pk]))
        if name in allowed:
            assert response.status_code == 200, name
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"] == (
                f'attachment; filename="{report.download_name()}"'
            )
            assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
        else:
            assert response.status_code == 404, name
        status = client.get(reverse("reporting:report_status", args=[report.pk]))
        assert status.status_code == (200 if name in allowed else 404)
    events = AuditEvent.objects.filter(action="report_download", actor=user)
    assert sorted(events.values_list("object_ref", flat=True)) == sorted(
        str(reports[name].pk) for name in allowed
    )
    event = events.first()
    assert set(event.detail) == {"kind", "as_of"}


def test_imk_coach_downloads_nothing(client, reports):
    client.force_login(user_with_role(Role.IMK_COACH))
    for report in reports.values():
        assert client.get(reverse("reporting:report_download", args=[report.pk])).status_code == 403


def test_funder_requests_a_funder_report_and_sees_its_progress(
    client, places, django_capture_on_commit_callbacks
):
    client.force_login(user_with_role(Role.FUNDER))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("reporting:report_list"), {"kind": "funder", "as_of": "2025-09-30"}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    report = ProgressReport.objects.get()
    assert (report.kind, report.as_of, report.status) == ("funder", AS_OF, "queued")
    html = client.get(reverse("reporting:report_list")).content.decode()
    assert f'hx-get="/reports/{report.pk}/status/"' in html
    assert 'hx-trigger="every 2s"' in html
    ProgressReport.objects.filter(pk=report.pk).update(status="running", progress=55)
    row = client.get(reverse("reporting:report_status", args=[report.pk])).content.decode()
    assert 'value="55"' in row
    assert "hx-get" in row
    ProgressReport.objects.filter(pk=report.pk).update(status="done", progress=100)
    row = client.get(reverse("reporting:report_status", args=[report.pk])).content.decode()
    assert "hx-get" not in row  # polling stops when the report is finished


def test_funder_cannot_request_a_research_or_municipality_report(client, places):
    heerlen, _zwolle = places
    client.force_login(user_with_role(Role.FUNDER))
    for data in (
        {"kind": "research", "as_of": "2025-09-30"},
        {"kind": "municipality", "as_of": "2025-09-30", "municipality": heerlen.pk},
    ):
        response = client.post(reverse("reporting:report_list"), data)
        assert response.status_code == 400
    assert ProgressReport.objects.count() == 0


def test_jobcoach_requests_only_their_own_municipality_report(client, places):
    heerlen, zwolle = places
    client.force_login(user_with_role(Role.JOBCOACH, heerlen))
    response = client.post(
        reverse("reporting:report_list"),
        {"kind": "municipality", "as_of": "2025-09-30", "municipality": zwolle.pk},
    )
    assert response.status_code == 400
    assert ProgressReport.objects.count() == 0
    response = client.post(
        reverse("reporting:report_list"),
        {"kind": "municipality", "as_of": "2025-09-30", "municipality": heerlen.pk},
    )
    assert response.status_code == 302
    assert list(ProgressReport.objects.values_list("municipality__code", flat=True)) == ["GM0917"]


def test_the_programme_admin_types_the_municipality_of_a_report_with_suggestions(client, places):
    # More than 20 municipalities: a search field filled by htmx instead of a long select.
    for n in range(20):
        MunicipalityFactory(code=f"GM9{n:03d}", name=f"Gemeente {n:02d}")
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    url = reverse("reporting:report_list")

    page = client.get(url).content.decode()
    by_name = client.post(
        url, {"kind": "municipality", "as_of": "2025-09-30", "municipality": "zwolle"}
    )
    by_code = client.post(
        url, {"kind": "municipality", "as_of": "2025-09-30", "municipality": "GM0917"}
    )
    unknown = client.post(
        url, {"kind": "municipality", "as_of": "2025-09-30", "municipality": "Nergenshuizen"}
    )
    missing = client.post(url, {"kind": "municipality", "as_of": "2025-09-30", "municipality": ""})

    suggest = reverse("municipalities:municipality_suggest")
    assert '<select name="municipality"' not in page
    assert 'type="search" name="municipality"' in page
    assert f'hx-get="{suggest}"' in page
    assert (by_name.status_code, by_code.status_code) == (302, 302)
    assert sorted(ProgressReport.objects.values_list("municipality__code", flat=True)) == [
        "GM0193",
        "GM0917",
    ]
    assert unknown.status_code == 400
    assert "No municipality has this name or code" in unknown.content.decode()
    assert missing.status_code == 400
    assert "Choose the municipality of this report." in missing.content.decode()
    assert ProgressReport.objects.count() == 2


def test_a_jobcoach_of_a_few_municipalities_keeps_the_select(client, places):
    heerlen, zwolle = places
    client.force_login(user_with_role(Role.JOBCOACH, heerlen, zwolle))

    page = client.get(reverse("reporting:report_list")).content.decode()

    assert '<select name="municipality"' in page


# --- The funder reaches no person-level page ---------------------------------------------------

# Pages a funder may open: the dashboard and the funder reports; sign-in pages and the like.
FUNDER_PAGES = {
    "home",
    "health",
    "reporting:dashboard",
    "reporting:dashboard_status",
    "reporting:report_list",
    # The rollout calculator: aggregates projected from the snapshot (test_rollout_page).
    "reporting:rollout",
    "reporting:report_status",
    "reporting:report_download",
    "set_language",
    # The API's index of links, its OpenAPI description and the aggregate figures (tested in
    # tests/test_api.py, which also shows the funder gets 403 on every person-level endpoint).
    "api:api-root",
    "api:schema",
    "api:metrics",
    # Aggregate savings for the funder (tests/reporting/test_savings_api.py).
    "api:savings",
}
SKIPPED_PREFIXES = ("admin", "account_", "socialaccount", "mfa", "usersessions", "headless")


def _named_patterns(resolver=None, namespace="", prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_patterns(pattern, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)


def test_funder_gets_403_or_404_on_every_person_level_page(client, places):
    heerlen, _zwolle = places
    placement = PlacementFactory(jobseeker__municipality=heerlen)
    BenefitPeriodFactory(jobseeker=placement.jobseeker)
    ProgressReviewFactory(placement=placement)
    GuidanceSessionFactory(entrepreneur=placement.entrepreneur)
    ids = {
        "jobseekers": placement.jobseeker.pk,
        "placements": placement.pk,
        "entrepreneurs": placement.entrepreneur.pk,
    }
    client.force_login(user_with_role(Role.FUNDER))
    checked = set()
    for name, route in _named_patterns():
        if name in FUNDER_PAGES or name.startswith(SKIPPED_PREFIXES) or ":" not in name:
            continue
        kwargs = {}
        if "<int:pk>" in route:
            first = route.strip("^/").split("/")[0]
            kwargs["pk"] = ids.get(first, placement.pk)
            if "<int:months>" in route:
                kwargs["months"] = 3  # a benefit check's moment
        elif "<" in route:
            continue  # token links (invitations) carry no data of the pilot
        url = reverse(name, kwargs=kwargs)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (403, 404, 405), (name, response.status_code)
            assert placement.jobseeker.family_name.encode() not in response.content
        checked.add(name)
    assert {
        "placements:jobseeker_list",
        "placements:jobseeker_detail",
        "placements:placement_list",
        "placements:placement_detail",
        "coaching:entrepreneur_list",
    } <= checked
