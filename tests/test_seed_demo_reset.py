"""``manage.py seed_demo --reset``, as the table owner: it deletes the audit log, which the
application's own database role may only read and add to (tests/test_seed_demo.py checks that
it refuses). The demo is built and read as the application's role; only the reset is the
owner's."""

from io import StringIO

import pytest
from django.core.management import call_command

from municipalities.enums import Role
from municipalities.models import RoleAssignment, User
from tests.db_roles import as_owner
from tests.test_seed_demo import canonical_dump

pytestmark = pytest.mark.django_db(transaction=True)


def test_seed_demo_reset_rebuilds_the_same_data_and_keeps_other_accounts():
    call_command("seed_demo", stdout=StringIO())
    before = canonical_dump()
    admin = User.objects.create_superuser("it@imk.example", "another-secret-2026")

    with as_owner():
        call_command("seed_demo", "--reset", "--seed", "2026", stdout=StringIO())

    after = canonical_dump()
    admin_rows = [row for row in after["users"] if row[0] == "it@imk.example"]
    assert len(admin_rows) == 1
    assert RoleAssignment.objects.get(user=admin).role == Role.PROGRAMME_ADMIN
    after["users"].remove(admin_rows[0])
    after["roles"] = [row for row in after["roles"] if row[0] != "it@imk.example"]
    assert after == before
