"""Shared by the API tests: clients with tokens, and the example data set as API requests."""

from __future__ import annotations

import csv
from pathlib import Path

from municipalities.api_clients import api_client_create
from municipalities.models import Municipality

PILOT_SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "pilot-small"

# The files in the order data-exchange.md applies them, with their key columns.
FILES = (
    ("entrepreneurs.csv", "entrepreneurs", ("ref",)),
    ("jobseekers.csv", "jobseekers", ("ref",)),
    ("placements.csv", "placements", ("ref",)),
    ("benefit_periods.csv", "benefit-periods", ("jobseeker_ref", "benefit_type", "start_date")),
)


def make_client(name: str, *codes: str, pilot_wide: bool = False):
    """An API client bound to ``codes`` (or pilot-wide) and its token."""
    new = api_client_create(
        name=name,
        municipalities=list(Municipality.objects.filter(code__in=codes)),
        all_municipalities=pilot_wide,
    )
    return new.client, new.token


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def path_of(resource: str, key: dict[str, str]) -> str:
    if resource == "benefit-periods":
        return (
            f"/api/v1/jobseekers/{key['jobseeker_ref']}/benefit-periods/"
            f"{key['benefit_type']}/{key['start_date']}/"
        )
    return f"/api/v1/{resource}/{key['ref']}/"


def example_requests(folder: Path = PILOT_SMALL) -> list[tuple[str, str, dict, str]]:
    """Every row of the example data set as (file, path, body, municipality code), in the
    order a system sends its history: the files in data-exchange.md's order, placements by
    actual start and benefit periods by start date (as the import takes them)."""
    jobseeker_municipality = {}
    entrepreneur_municipality = {}
    requests = []
    for file, resource, key_columns in FILES:
        with (folder / file).open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if file == "placements.csv":
            rows.sort(key=lambda r: (r["actual_start"] == "", r["actual_start"]))
        if file == "benefit_periods.csv":
            rows.sort(key=lambda r: r["start_date"])
        for row in rows:
            key = {name: row[name] for name in key_columns}
            body = {name: (value or None) for name, value in row.items() if name not in key}
            if file == "entrepreneurs.csv":
                code = entrepreneur_municipality[row["ref"]] = row["municipality_code"]
            elif file == "jobseekers.csv":
                code = jobseeker_municipality[row["ref"]] = row["municipality_code"]
            else:
                code = jobseeker_municipality[row["jobseeker_ref"]]
            requests.append((file, path_of(resource, key), body, code))
    return requests
