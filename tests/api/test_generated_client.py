"""A client generated from the OpenAPI description (openapi-python-client) talks to a live
server: it writes, reads and gets the error body as typed objects."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.factories import MunicipalityFactory

from .helpers import make_client

pytestmark = pytest.mark.django_db(transaction=True)


def fetch_schema(base_url: str, token: str) -> dict:
    request = urllib.request.Request(  # noqa: S310 (the test's own server)
        f"{base_url}/api/schema/?format=json", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310 (the test's own server)
        return json.load(response)


def generate(schema: dict, folder: Path) -> None:
    (folder / "schema.json").write_text(json.dumps(schema))
    (folder / "config.yaml").write_text("post_hooks: []\n")
    generator = Path(sys.executable).with_name("openapi-python-client")
    subprocess.run(  # noqa: S603 (fixed arguments)
        [
            str(generator),
            "generate",
            "--path",
            str(folder / "schema.json"),
            "--output-path",
            str(folder / "pilot_api_client"),
            "--meta",
            "none",
            "--config",
            str(folder / "config.yaml"),
            "--fail-on-warning",
        ],
        check=True,
        capture_output=True,
    )


def test_a_generated_client_writes_and_reads_on_a_live_server(live_server, tmp_path, monkeypatch):
    MunicipalityFactory(code="GM0917", name="Heerlen")
    MunicipalityFactory(code="GM0193", name="Zwolle")
    _client, token = make_client("Heerlen benefits", "GM0917")
    generate(fetch_schema(live_server.url, token), tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    package = importlib.import_module("pilot_api_client")
    update = importlib.import_module("pilot_api_client.api.v1.v1_entrepreneurs_update")
    retrieve = importlib.import_module("pilot_api_client.api.v1.v1_entrepreneurs_retrieve")
    listing = importlib.import_module("pilot_api_client.api.v1.v1_entrepreneurs_list")
    models = importlib.import_module("pilot_api_client.models")

    with (
        package.AuthenticatedClient(base_url=live_server.url, token=token) as api,
        package.Client(base_url=live_server.url) as anonymous,
    ):
        check(update, retrieve, listing, models, api, anonymous)


def check(update, retrieve, listing, models, api, anonymous):
    body = models.EntrepreneurBodyRequest(
        municipality_code="GM0917",
        trade_name="Bakkerij Het Zuiden",
        kvk_number="14092231",
        prior_support=models.PriorSupportEnum.BBZ_START,
    )
    response = update.sync_detailed("ENT-HRL-1", client=api, body=body)
    assert response.status_code == 201
    assert isinstance(response.parsed, models.Entrepreneur)
    assert (response.parsed.ref, response.parsed.trade_name) == ("ENT-HRL-1", "Bakkerij Het Zuiden")
    assert update.sync_detailed("ENT-HRL-1", client=api, body=body).status_code == 200

    row = retrieve.sync("ENT-HRL-1", client=api)
    assert (row.municipality_code, row.prior_support) == (
        "GM0917",
        models.PriorSupportEnum.BBZ_START,
    )
    page = listing.sync(client=api)
    assert [r.ref for r in page.results] == ["ENT-HRL-1"]

    body.municipality_code = "GM0193"
    refused = update.sync_detailed("ENT-HRL-2", client=api, body=body)
    assert refused.status_code == 403
    assert isinstance(refused.parsed, models.ErrorBody)
    assert refused.parsed.errors[0].field == "municipality_code"

    body.municipality_code, body.kvk_number = "GM0917", "123"
    invalid = update.sync_detailed("ENT-HRL-2", client=api, body=body)
    assert invalid.status_code == 400
    assert [(e.field, e.message) for e in invalid.parsed.errors] == [
        ("kvk_number", "A KvK number is exactly 8 digits.")
    ]

    assert retrieve.sync_detailed("ENT-HRL-1", client=anonymous).status_code == 401
