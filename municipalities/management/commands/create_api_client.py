"""``python manage.py create_api_client --name NAME (--municipality CODE ... | --all)``
(api-write.md): makes an API client and prints its token on the last line, alone."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from municipalities.api_clients import api_client_create
from municipalities.models import Municipality


class Command(BaseCommand):
    help = (
        "Make an API client bound to municipalities (or pilot-wide with --all) and print its "
        "token once, on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument(
            "--municipality",
            action="append",
            dest="municipalities",
            metavar="CODE",
            help="A municipality's CBS code (GM0917); may be given more than once.",
        )
        scope.add_argument(
            "--all", action="store_true", dest="all_municipalities", help="Pilot-wide."
        )

    def handle(self, *args, name, municipalities, all_municipalities, **options):
        codes = sorted(set(municipalities or []))
        found = list(Municipality.objects.filter(code__in=codes).order_by("code"))
        missing = sorted(set(codes) - {m.code for m in found})
        if missing:
            raise CommandError(
                _("No municipality with code %(codes)s.") % {"codes": ", ".join(missing)}
            )
        try:
            new = api_client_create(
                name=name, municipalities=found, all_municipalities=all_municipalities
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        scope = _("every municipality") if all_municipalities else ", ".join(m.code for m in found)
        self.stdout.write(
            _("API client %(name)s made for %(scope)s. The token is shown once; keep it safe:")
            % {"name": new.client.name, "scope": scope}
        )
        self.stdout.write(new.token)
