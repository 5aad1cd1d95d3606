"""``manage.py demo_totp_code``: the code the demo's sign-ins ask for after the password."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from demo.credentials import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Print the current authenticator-app code of the demo sign-ins (their published "
        "secret; other accounts have their own)."
    )

    def handle(self, *args, **options):
        now = int(time.time())
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, now // 30))
        self.stdout.write(code)
        self.stderr.write(
            _("Valid for %(seconds)d more seconds; each code signs in once.")
            % {"seconds": 30 - now % 30}
        )
