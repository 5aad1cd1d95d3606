"""bin/backup and bin/restore: the demo pilot backed up, restored into a fresh database and
media folder, and found identical: every figure, report and export."""

import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from demo.timeline import DATA_UNTIL
from municipalities.models import Municipality
from reporting.exports.services import export_run
from reporting.models import ReportKind, ResearchExport
from reporting.reports.services import report_render, report_request
from tests.db_roles import owner_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
DATES = ["2024-12-31", "2025-09-30", "2026-10-31"]
REPORTS_SQL = """
    SELECT r.kind, r.as_of, m.code, r.status, r.file, r.attempts
    FROM reporting_progressreport r LEFT JOIN municipalities_municipality m
    ON m.id = r.municipality_id ORDER BY r.id
"""
EXPORTS_SQL = """
    SELECT as_of, format, language, status, file, row_counts::text FROM reporting_researchexport
    ORDER BY id
"""


def _url(name: str) -> str:
    # Backups, restores and the look at both databases are the owner's: pg_dump refuses tables
    # whose row-level security would hide rows from it, and a restored database has no grants
    # for the application's role until db_app_role runs (tests/db_roles.py).
    return owner_url(name)


def _query(name: str, sql: str) -> list[tuple]:
    with psycopg2.connect(_url(name)) as conn, conn.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    conn.close()
    return rows


def _row_counts(name: str) -> dict[str, int]:
    tables = [
        t for (t,) in _query(name, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ]
    return {t: _query(name, f'SELECT count(*) FROM "{t}"')[0][0] for t in sorted(tables)}  # noqa: S608


def _metrics_here() -> dict[str, dict]:
    figures = {}
    for day in DATES:
        out = StringIO()
        call_command("pilot_metrics", "--as-of", day, "--format", "json", stdout=out)
        figures[day] = json.loads(out.getvalue())
    return figures


def _metrics_in(name: str) -> dict[str, dict]:
    """pilot_metrics at every date, by manage.py on the database ``name`` (one process)."""
    script = (
        "import io, json\n"
        "from django.core.management import call_command\n"
        "figures = {}\n"
        f"for day in {DATES!r}:\n"
        "    out = io.StringIO()\n"
        "    call_command('pilot_metrics', '--as-of', day, '--format', 'json', stdout=out)\n"
        "    figures[day] = json.loads(out.getvalue())\n"
        "print(json.dumps(figures))\n"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "pilot.settings.test",
            "DATABASE_URL": _url(name),
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # The last line: logging may write before it.
    return json.loads(out.strip().splitlines()[-1])


def _files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _script(name: str, *args: str, env: dict) -> str:
    return subprocess.run(  # noqa: S603
        [str(ROOT / "bin" / name), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_backup_restores_the_demo_pilot_identically(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo", "--today", DATA_UNTIL.isoformat(), stdout=StringIO())
    as_of = date(2025, 9, 30)
    first = Municipality.objects.order_by("code").first()
    for kind, place in ((ReportKind.FUNDER, None), (ReportKind.MUNICIPALITY, first)):
        report, _queued = report_request(kind=kind, as_of=as_of, municipality=place, enqueue=False)
        report_render(report_id=report.pk)
    # Built here rather than by a worker (no message queued): the test is about the rows and
    # files that jobs leave.
    export = ResearchExport.objects.create(as_of=as_of, format="csv", language="nl")
    export_run(export_id=export.pk)

    source = connection.settings_dict["NAME"]
    folder = _script(
        "backup",
        env={
            "DATABASE_URL": _url(source),
            "MEDIA_ROOT": settings.MEDIA_ROOT,
            "BACKUP_DIR": str(tmp_path / "backups"),
        },
    ).strip()
    assert sorted(p.name for p in Path(folder).iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "media.tar.gz",
    ]

    target = f"{source}_restored"
    admin = psycopg2.connect(_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}"')
    restored_media = tmp_path / "restored-media"
    try:
        _script(
            "restore",
            folder,
            env={"DATABASE_URL": _url(target), "MEDIA_ROOT": str(restored_media)},
        )

        figures = _metrics_here()
        assert [figures[day]["as_of"] for day in DATES] == DATES
        assert _metrics_in(target) == figures
        reports = _query(source, REPORTS_SQL)
        assert [(kind, code, status) for kind, _as_of, code, status, _f, _a in reports] == [
            ("funder", None, "done"),
            ("municipality", first.code, "done"),
        ]
        assert _query(target, REPORTS_SQL) == reports
        exports = _query(source, EXPORTS_SQL)
        assert [row[3] for row in exports] == ["done"]
        assert _query(target, EXPORTS_SQL) == exports
        assert _row_counts(target) == _row_counts(source)
        # The second wall comes back with the data.
        forced = "SELECT relname FROM pg_class WHERE relforcerowsecurity ORDER BY relname"
        assert _query(target, forced) == _query(source, forced)
        assert ("placements_jobseeker",) in _query(target, forced)
        files = _files(Path(settings.MEDIA_ROOT))
        assert sorted(files) == sorted([row[4] for row in reports] + [row[4] for row in exports])
        assert _files(restored_media) == files
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.close()
