import pytest

from municipalities.access import visible
from placements.models import Placement
from tests.factories import PlacementFactory, user_with_role


@pytest.mark.django_db
def test_factories_build_a_valid_placement():
    placement = PlacementFactory()
    placement.full_clean()
    admin = user_with_role("programme_admin")
    assert list(visible(admin, Placement)) == [placement]
