"""A guidance session is never dated in the future nor before 1900: page, admin and service."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coaching.models import GuidanceSession
from coaching.services import guidance_session_save
from municipalities.enums import Role
from tests.factories import EntrepreneurFactory, GuidanceSessionFactory, user_with_role

pytestmark = pytest.mark.django_db

FUTURE = "This date lies in the future; record it on or after the day it happens."
BEFORE_1900 = "A date before 1 January 1900 cannot be right; check the year."


def _tomorrow() -> datetime.date:
    return timezone.localdate() + timedelta(days=1)


@pytest.fixture
def coach():
    return user_with_role(Role.IMK_COACH)


@pytest.fixture
def entrepreneur(coach):
    return EntrepreneurFactory(imk_coach=coach)


def _form(held_on: str) -> dict:
    return {"held_on": held_on, "minutes": "45", "mode": "phone", "notes": ""}


def test_guidance_session_save_refuses_a_future_date(entrepreneur, coach):
    session = GuidanceSession(
        entrepreneur=entrepreneur, coach=coach, held_on=_tomorrow(), minutes=30, mode="phone"
    )
    with pytest.raises(ValidationError) as info:
        guidance_session_save(session=session)
    assert info.value.message_dict == {"held_on": [FUTURE]}
    assert not GuidanceSession.objects.exists()


def test_guidance_session_save_accepts_today(entrepreneur, coach):
    session = guidance_session_save(
        session=GuidanceSession(
            entrepreneur=entrepreneur,
            coach=coach,
            held_on=timezone.localdate(),
            minutes=30,
            mode="phone",
        )
    )
    assert session.held_on == timezone.localdate()


@pytest.mark.parametrize(
    ("held_on", "message"), [("tomorrow", FUTURE), ("1899-12-31", BEFORE_1900)]
)
def test_guidance_session_page_refuses_the_date_at_the_field(
    client, entrepreneur, coach, held_on, message
):
    held_on = _tomorrow().isoformat() if held_on == "tomorrow" else held_on
    client.force_login(coach)
    response = client.post(
        reverse("coaching:session_create", args=[entrepreneur.pk]), _form(held_on)
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"held_on": [message]}
    assert 'id="id_held_on_error"' in response.content.decode()
    assert not GuidanceSession.objects.exists()


def test_guidance_session_edit_to_a_future_date_changes_nothing(client, entrepreneur, coach):
    session = GuidanceSessionFactory(entrepreneur=entrepreneur, coach=coach)
    client.force_login(coach)
    response = client.post(
        reverse("coaching:session_update", args=[session.pk]),
        {**_form(_tomorrow().isoformat()), "version": session.version},
    )
    assert response.context["form"].errors == {"held_on": [FUTURE]}
    session.refresh_from_db()
    assert session.held_on == datetime.date(2024, 3, 1)


def test_guidance_session_admin_refuses_a_future_date(client, entrepreneur, coach):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    response = client.post(
        reverse("admin:coaching_guidancesession_add"),
        {
            "entrepreneur": entrepreneur.pk,
            "coach": coach.pk,
            "held_on": _tomorrow().isoformat(),
            "minutes": "30",
            "mode": "phone",
            "topics": "[]",
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"held_on": [FUTURE]}
    assert not GuidanceSession.objects.exists()
