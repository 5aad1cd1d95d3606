"""Apply the retention periods: ``manage.py apply_retention [--dry-run] [--today DATE]``."""

from datetime import date

from django.core.management.base import BaseCommand

from municipalities.db_scope import pilot_wide
from privacy.retention import retention_apply, retention_due


class Command(BaseCommand):
    help = (
        "Erase the personal data of everyone whose retention period passed (see "
        "PILOT_RETENTION_AFTER_WINDOW_DAYS, PILOT_RETENTION_AFTER_PILOT_END_DAYS and "
        "PILOT_END_DATE). With --dry-run, list who is due (record ids and reasons) and change "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="as if today were DATE"
        )

    @pilot_wide("apply_retention: retention covers every municipality")
    def handle(self, *args, dry_run: bool, today: date | None, **options):
        due = retention_due(today=today)
        for item in due:
            self.stdout.write(
                f"jobseeker record {item.jobseeker_id} ({item.municipality_code}): "
                f"{'pilot ended' if item.reason == 'pilot_ended' else 'follow-up window closed'} "
                f"on {item.since.isoformat()}, due since {item.due_on.isoformat()}"
            )
        if dry_run:
            self.stdout.write(f"{len(due)} due; dry run, nothing was changed.")
            return
        counts = retention_apply(today=today)
        self.stdout.write(
            f"{counts['erased']} erased, {counts['skipped']} erased already, "
            f"{counts['failed']} failed."
        )
        if counts["failed"]:
            raise SystemExit(1)
