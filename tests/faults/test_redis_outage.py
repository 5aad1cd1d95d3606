"""Redis stopped under the running application: people sign in, saves commit and say so, the
dashboard shows the last stored figures with a note, work that needs the worker is refused
with the reason and can be asked again once Redis is back. Nothing answers 500.

The application here is this process (Django's test client on the real stack: PostgreSQL, and
a private redis-server as cache and Celery broker, killed mid-test and started again).
"""

import datetime
import time

import pytest
import redis as redis_client
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kernel.job_model import QUEUE_UNAVAILABLE
from municipalities.enums import Role
from reporting.models import ProgressReport, ReportKind, ResearchExport
from reporting.snapshots import snapshot_compute
from tests.factories import BenefitPeriodFactory, PlacementFactory, totp_code, user_with_role

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # tests/factories/municipalities.py
EARLIER = datetime.date(2025, 6, 30)
NOT_STORED = datetime.date(2025, 9, 30)
# Every request below must answer within this while Redis is down (measured: well under 1 s).
SECONDS_PER_REQUEST = 3.0


def _timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    elapsed = time.monotonic() - started
    # Printed for the operating notes (pytest -s shows them).
    print(f"redis down: {call.__name__.upper()} {args[0]} {response.status_code} {elapsed:.3f} s")
    assert elapsed < SECONDS_PER_REQUEST, f"{args[0]} took {elapsed:.1f} s"
    return response


def test_redis_stopped_mid_run_nothing_answers_500(app_on_private_redis, client):
    redis = app_on_private_redis
    placement = PlacementFactory()
    BenefitPeriodFactory(jobseeker=placement.jobseeker, start_date=datetime.date(2021, 3, 1))
    jobseeker = placement.jobseeker
    coach = user_with_role(Role.JOBCOACH, jobseeker.municipality)
    admin = user_with_role(Role.PROGRAMME_ADMIN)
    today = timezone.localdate()
    snapshot_compute(as_of=EARLIER, trigger="nightly")
    snapshot_compute(as_of=today, trigger="nightly")
    login = reverse("account_login")

    # Redis up: the password leads on to the second factor, as usual.
    response = client.post(login, {"login": coach.email, "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_authenticate"))
    client.logout()

    redis.stop()

    # Sign in with Redis down: the rate limit counts in memory; a wrong password is refused
    # as usual, the right one lets the jobcoach in.
    wrong = _timed(client.post, login, {"login": coach.email, "password": "wrong"})
    assert wrong.status_code == 200
    assert "not correct" in wrong.content.decode()
    response = _timed(client.post, login, {"login": coach.email, "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, reverse("mfa_authenticate"))
    # The authenticator app's code: a used code is remembered in the (fallback) cache.
    response = _timed(client.post, reverse("mfa_authenticate"), {"code": totp_code()})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert _timed(client.get, "/").status_code == 200

    # A save commits and says so; the figures' refresh that could not be queued is dropped.
    edit = reverse("placements:jobseeker_update", args=[jobseeker.pk])
    response = _timed(
        client.post,
        edit,
        {
            "given_name": "Ayla",
            "family_name": "Jansen",
            "birth_date": "1988-04-12",
            "client_number": "C-77",
            "email": "",
            "phone": "",
            "version": jobseeker.version,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [f"Jobseeker {jobseeker.ref} saved."]
    jobseeker.refresh_from_db()
    assert (jobseeker.given_name, jobseeker.family_name) == ("Ayla", "Jansen")

    client.logout()
    client.force_login(admin)

    # The dashboard shows the stored figures with the note that they may be behind.
    page = _timed(client.get, reverse("reporting:dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="figures-may-be-behind"' in html
    assert "they may be behind" in html
    assert page.context["snapshot"].as_of == today
    # A date never computed: the last stored figures before it, with the same note.
    page = _timed(client.get, reverse("reporting:dashboard"), {"as_of": NOT_STORED.isoformat()})
    assert page.status_code == 200
    assert page.context["snapshot"].as_of == EARLIER
    assert "30 June 2025" in page.content.decode()

    # The metrics API: stored figures as usual, a date needing the worker 503 with the reason.
    api = "/api/v1/metrics/"
    assert _timed(client.get, api, {"as_of": today.isoformat()}).status_code == 200
    refused = _timed(client.get, api, {"as_of": NOT_STORED.isoformat()})
    assert refused.status_code == 503
    assert refused["Retry-After"] == "60"
    assert refused.json()["status"] == "unavailable"

    # A report: refused at once with the reason, not left queued.
    report_form = {"kind": ReportKind.FUNDER, "as_of": EARLIER.isoformat()}
    response = _timed(client.post, reverse("reporting:report_list"), report_form, follow=True)
    assert response.status_code == 200
    report = ProgressReport.objects.get()
    assert (report.status, report.error) == ("failed", QUEUE_UNAVAILABLE)
    assert [str(m) for m in response.context["messages"]] == [report.reason]
    assert "Background processing is unavailable" in report.reason
    assert "Try again" in response.content.decode()

    # An export: the same, with "Try again" on its row.
    export_form = {"as_of": EARLIER.isoformat(), "format": "csv", "language": "nl"}
    response = _timed(client.post, reverse("exports:list"), export_form, follow=True)
    assert response.status_code == 200
    export = ResearchExport.objects.get()
    assert (export.status, export.error) == ("failed", QUEUE_UNAVAILABLE)
    assert reverse("exports:retry", args=[export.pk]) in response.content.decode()

    # Health names Redis; the process itself is alive.
    health = _timed(client.get, "/health/")
    assert health.status_code == 503
    assert health.json()["checks"]["redis"] == {"ok": False, "error": "ConnectionError"}
    assert client.get("/health/live/").status_code == 200

    # Redis back: asking again queues both.
    redis.start()
    response = client.post(reverse("exports:retry", args=[export.pk]), follow=True)
    export.refresh_from_db()
    assert (export.status, export.error, export.attempts) == ("queued", "", 0)
    assert [str(m) for m in response.context["messages"]] == ["The export is being built."]
    response = client.post(reverse("reporting:report_list"), report_form, follow=True)
    report.refresh_from_db()
    assert (report.status, report.error) == ("queued", "")
    assert [str(m) for m in response.context["messages"]] == ["The report is being rendered."]
    # Both messages are in the private broker's queue for a worker to take.
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    assert redis_client.Redis(port=redis.port, db=0).llen(queue) == 2
