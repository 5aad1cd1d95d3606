"""API clients: made by the command or in the admin (the token shown once, stored as a hash),
listed, renamed and revoked in the admin; the token in no log; the OpenAPI description clean."""

from __future__ import annotations

import hashlib
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from municipalities.enums import Role
from municipalities.models import ApiClient, AuditEvent
from tests.factories import MunicipalityFactory, user_with_role

from .helpers import bearer, make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipalities(db):
    return MunicipalityFactory(code="GM0917", name="Heerlen"), MunicipalityFactory(
        code="GM0193", name="Zwolle"
    )


def create(*args) -> list[str]:
    out = StringIO()
    call_command("create_api_client", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_command_prints_the_token_last_and_keeps_only_its_hash(client, municipalities):
    lines = create("--name", "Heerlen benefits", "--municipality", "GM0917")
    token = lines[-1]
    assert token.startswith("pilot_") and len(token) > 50 and " " not in token
    stored = ApiClient.objects.get()
    assert (stored.name, stored.all_municipalities) == ("Heerlen benefits", False)
    assert [m.code for m in stored.municipalities.all()] == ["GM0917"]
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(ApiClient.objects.values())) + str(
        list(AuditEvent.objects.values())
    )
    assert client.get("/api/v1/entrepreneurs/", **bearer(token)).status_code == 200


def test_the_command_makes_pilot_wide_and_multi_municipality_clients(municipalities):
    create("--name", "IMK lists", "--all")
    create("--name", "Both", "--municipality", "GM0917", "--municipality", "GM0193")
    clients = {c.name: c for c in ApiClient.objects.all()}
    assert clients["IMK lists"].all_municipalities
    assert sorted(m.code for m in clients["Both"].municipalities.all()) == ["GM0193", "GM0917"]


def test_the_command_refuses_an_unknown_municipality_or_no_scope(municipalities):
    with pytest.raises(CommandError, match="No municipality with code GM0001"):
        create("--name", "X", "--municipality", "GM0001")
    with pytest.raises(CommandError):
        create("--name", "X")
    create("--name", "X", "--all")
    with pytest.raises(CommandError, match="API client with this Name already exists."):
        create("--name", "X", "--all")
    assert ApiClient.objects.count() == 1


@pytest.fixture
def admin_client(client, municipalities):
    client.force_login(user_with_role(Role.PROGRAMME_ADMIN))
    return client


def test_the_admin_makes_a_client_and_shows_its_token_once(admin_client, municipalities):
    heerlen, _zwolle = municipalities
    response = admin_client.post(
        reverse("admin:municipalities_apiclient_add"),
        {"name": "Heerlen benefits", "municipalities": [heerlen.pk]},
    )
    assert response.status_code == 200
    token = response.context["token"]
    assert token.startswith("pilot_")
    assert token in response.content.decode()
    stored = ApiClient.objects.get()
    assert stored.created_by.email == response.wsgi_request.user.email
    assert admin_client.get("/api/v1/entrepreneurs/", **bearer(token)).status_code == 200
    page = admin_client.get(reverse("admin:municipalities_apiclient_change", args=[stored.pk]))
    assert page.status_code == 200
    assert token not in page.content.decode()
    listing = admin_client.get(reverse("admin:municipalities_apiclient_changelist"))
    assert "Heerlen benefits" in listing.content.decode()
    assert token not in listing.content.decode()


def test_the_admin_refuses_a_client_without_a_scope_or_with_both(admin_client, municipalities):
    heerlen, _zwolle = municipalities
    url = reverse("admin:municipalities_apiclient_add")
    for data in (
        {"name": "X"},
        {"name": "X", "all_municipalities": "on", "municipalities": [heerlen.pk]},
    ):
        response = admin_client.post(url, data)
        assert response.status_code == 200
        assert "Choose either pilot-wide or one or more municipalities." in (
            response.content.decode()
        )
    assert not ApiClient.objects.exists()


def test_the_admin_renames_and_revokes(admin_client, municipalities):
    api, token = make_client("Heerlen benefits", "GM0917")
    url = reverse("admin:municipalities_apiclient_change", args=[api.pk])
    assert admin_client.post(url, {"name": "Heerlen Suite"}).status_code == 302
    api.refresh_from_db()
    assert api.name == "Heerlen Suite"
    assert [m.code for m in api.municipalities.all()] == ["GM0917"]  # the scope stays
    assert admin_client.get("/api/v1/entrepreneurs/", **bearer(token)).status_code == 200
    api.refresh_from_db()
    listing = admin_client.get(reverse("admin:municipalities_apiclient_changelist"))
    assert listing.status_code == 200
    response = admin_client.post(
        reverse("admin:municipalities_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [api.pk]},
    )
    assert response.status_code == 302
    api.refresh_from_db()
    assert api.revoked_at is not None
    admin_client.logout()
    assert admin_client.get("/api/v1/entrepreneurs/", **bearer(token)).status_code == 401
    assert AuditEvent.objects.filter(action="api_client_revoke", object_ref=str(api.pk)).exists()


def test_the_token_is_in_no_log(client, municipalities, caplog, settings):
    _api, token = make_client("Heerlen benefits", "GM0917")
    with caplog.at_level(logging.DEBUG):
        client.get("/api/v1/entrepreneurs/", **bearer(token))
        client.get("/api/v1/entrepreneurs/", **bearer(token + "x"))
        client.put(
            "/api/v1/entrepreneurs/E-1/", {}, content_type="application/json", **bearer(token)
        )
    assert caplog.records
    assert token not in caplog.text
    from django.views.debug import get_default_exception_reporter_filter

    request = client.get("/api/v1/entrepreneurs/", **bearer(token)).wsgi_request
    meta = get_default_exception_reporter_filter().get_safe_request_meta(request)
    assert token not in str(meta)


def test_the_openapi_description_has_no_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    schema = (tmp_path / "schema.yaml").read_text()
    for path in (
        "/api/v1/entrepreneurs/{ref}/",
        "/api/v1/jobseekers/{ref}/",
        "/api/v1/placements/{ref}/",
        "/api/v1/jobseekers/{ref}/benefit-periods/{benefit_type}/{start_date}/",
    ):
        assert f"  {path}:\n    get:" in schema
        assert "    put:" in schema.split(f"  {path}:\n", 1)[1].split("\n  /", 1)[0]
    assert "scheme: bearer" in schema
    assert "ErrorBody:" in schema
