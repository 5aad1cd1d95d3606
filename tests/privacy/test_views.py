"""The privacy officer's pages: find a person by reference, restrict, lift, erase (with typed
confirmation), and see who is due under the retention periods."""

import datetime

import pytest

from municipalities.enums import Role
from placements.models import Jobseeker
from privacy.models import Erasure, Restriction
from tests.factories import JobseekerFactory, PlacementFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return JobseekerFactory(
        ref="GM-REQ-17", given_name="Roosmarijn", family_name="Tjalsma", client_number="K-4411"
    )


@pytest.fixture
def officer(client):
    user = user_with_role(Role.PRIVACY_OFFICER)
    client.force_login(user)
    return user


def test_the_officer_finds_a_person_by_reference_in_a_form_not_a_url(client, officer, person):
    assert client.get("/privacy/people/").status_code == 200

    found = client.post("/privacy/people/", {"ref": "GM-REQ-17"})
    assert found.status_code == 302
    assert found.url == f"/privacy/people/{person.pk}/"
    page = client.get(found.url).content.decode()
    assert "Roosmarijn Tjalsma" in page
    assert "Not restricted." in page

    missing = client.post("/privacy/people/", {"ref": "GM-REQ-18"})
    assert missing.status_code == 200
    assert "No jobseeker has this reference." in missing.content.decode()


def test_the_officer_restricts_and_lifts(client, officer, person):
    response = client.post(
        f"/privacy/people/{person.pk}/restrict/", {"reason": "Accuracy disputed by letter."}
    )
    assert response.status_code == 302
    restriction = Restriction.objects.get(jobseeker=person)
    assert (restriction.restricted_by, restriction.reason) == (
        officer,
        "Accuracy disputed by letter.",
    )
    assert "Restricted since" in client.get(f"/privacy/people/{person.pk}/").content.decode()

    naming = client.post(f"/privacy/people/{person.pk}/lift/")
    assert naming.status_code == 302
    assert not Restriction.objects.exists()
    assert client.get(f"/privacy/people/{person.pk}/lift/").status_code == 405


def test_a_restriction_reason_naming_the_person_is_shown_at_the_field(client, officer, person):
    response = client.post(f"/privacy/people/{person.pk}/restrict/", {"reason": "Tjalsma asked"})

    assert response.status_code == 200
    assert "may not contain the person&#x27;s name" in response.content.decode()
    assert not Restriction.objects.exists()


def test_erasure_needs_the_reference_typed_and_then_erases(client, officer, person):
    PlacementFactory(jobseeker=person)
    form = client.get(f"/privacy/people/{person.pk}/erase/")
    assert form.status_code == 200
    assert "This cannot be undone." in form.content.decode()

    wrong = client.post(
        f"/privacy/people/{person.pk}/erase/",
        {"reason": "Request of 3 March.", "confirm_ref": "GM-REQ-1"},
    )
    assert wrong.status_code == 200
    assert "This is not the person&#x27;s reference. Nothing was erased." in wrong.content.decode()
    assert not Erasure.objects.exists()

    done = client.post(
        f"/privacy/people/{person.pk}/erase/",
        {"reason": "Request of 3 March.", "confirm_ref": "GM-REQ-17"},
    )
    assert done.status_code == 302
    erasure = Erasure.objects.get()
    assert (erasure.erased_by, erasure.reason) == (officer, "Request of 3 March.")
    person.refresh_from_db()
    assert person.family_name == "" and person.ref.startswith("ANON-")
    page = client.get(done.url).content.decode()
    assert "Erased person" in page
    assert "Tjalsma" not in page
    again = client.get(f"/privacy/people/{person.pk}/erase/").content.decode()
    assert "already been erased" in again


@pytest.mark.parametrize("role", [Role.JOBCOACH, Role.FUNDER, Role.RESEARCHER, Role.IMK_COACH])
def test_other_roles_may_not_open_the_privacy_pages(client, person, role):
    user = (
        user_with_role(role, person.municipality) if role == Role.JOBCOACH else user_with_role(role)
    )
    client.force_login(user)
    for url in (
        "/privacy/people/",
        f"/privacy/people/{person.pk}/",
        f"/privacy/people/{person.pk}/erase/",
        "/privacy/retention/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/privacy/people/{person.pk}/erase/", {}).status_code == 403
    person.refresh_from_db()
    assert person.ref == "GM-REQ-17"


def test_the_retention_page_lists_who_is_due_by_record(client, officer, person, settings):
    settings.PILOT_RETENTION_AFTER_WINDOW_DAYS = 30
    PlacementFactory(jobseeker=person)  # ended 7 June 2024: window closed 7 June 2025
    not_yet = JobseekerFactory(municipality=person.municipality)
    PlacementFactory(
        jobseeker=not_yet,
        status="active",
        planned_start=datetime.date(2025, 1, 6),
        planned_end=datetime.date(2025, 6, 5),
        actual_start=datetime.date(2025, 1, 6),
        actual_end=None,
    )

    page = client.get("/privacy/retention/").content.decode()

    assert f'href="/privacy/people/{person.pk}/">{person.pk}</a>' in page
    assert "follow-up window closed" in page
    assert "7 July 2025" in page  # due on
    assert f"/privacy/people/{not_yet.pk}/" not in page
    assert "Tjalsma" not in page and "GM-REQ-17" not in page
    assert Jobseeker.objects.filter(ref="GM-REQ-17").exists()


def test_the_log_shows_five_people_of_an_entry_and_how_many_more_it_names(client, officer):
    from municipalities.processing_enums import Action
    from municipalities.processing_log import record
    from privacy.models import ProcessingEntry

    people = [JobseekerFactory(ref=f"LOG-{n:02d}") for n in range(12)]
    with_twelve = record(action=Action.CREATE, people=people, actor_label="import_pilot_data")
    with_two = record(action=Action.UPDATE, people=people[:2], actor_label="import_pilot_data")

    response = client.get("/privacy/")

    shown = {entry.pk: entry for entry in response.context["object_list"]}
    assert [p.ref for p in shown[with_twelve.pk].people] == [f"LOG-{n:02d}" for n in range(5)]
    assert (shown[with_twelve.pk].people_count, shown[with_twelve.pk].more_people) == (12, 7)
    assert [p.ref for p in shown[with_two.pk].people] == ["LOG-00", "LOG-01"]
    assert shown[with_two.pk].more_people == 0
    page = response.content.decode()
    assert "LOG-04" in page and "LOG-05" not in page
    assert "and 7 more" in page
    # The page's own read names the people it showed: five and two, not the twelve.
    read = ProcessingEntry.objects.order_by("-pk").first()
    assert sorted(read.subjects.values_list("jobseeker__ref", flat=True)) == [
        f"LOG-{n:02d}" for n in range(5)
    ]
