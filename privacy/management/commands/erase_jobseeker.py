"""Erase a person's data (art. 17 AVG): ``manage.py erase_jobseeker REF --reason TEXT``."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from municipalities.db_scope import pilot_wide
from placements.models import Jobseeker
from privacy.erasure import erase_jobseeker


class Command(BaseCommand):
    help = (
        "Erase a jobseeker's name, birth date (all but the year), client number, contact "
        "details, free text and reference everywhere; their facts stay under a new random "
        "reference, so every figure is unchanged. The reason may not name the person."
    )

    def add_arguments(self, parser):
        parser.add_argument("ref", help="the jobseeker's reference")
        parser.add_argument("--reason", required=True, help="why (kept, so no personal data)")

    @pilot_wide("erase_jobseeker: the person may be of any municipality")
    def handle(self, *args, ref: str, reason: str, **options):
        jobseeker = Jobseeker.objects.filter(ref=ref).first()
        if jobseeker is None:
            # The reference is not repeated: command output may end up in a log.
            raise CommandError("No jobseeker has this reference. Nothing was changed.")
        try:
            erasure = erase_jobseeker(jobseeker, reason=reason, actor=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages) + " Nothing was changed.") from None
        jobseeker.refresh_from_db()
        self.stdout.write(
            f"Erased jobseeker record {jobseeker.pk}: its new reference is {jobseeker.ref} "
            f"(erasure {erasure.pk})."
        )
