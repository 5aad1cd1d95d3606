"""The main navigation: each role sees the pages it may open, and only those."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from municipalities.access import Access, access_for
from municipalities.enums import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def items_for(access: Access) -> list[NavItem]:
    if access.roles == {Role.PRIVACY_OFFICER}:
        # The privacy officer's pages: the log (home sends them there too) and the requests.
        return [
            NavItem(_("Processing log"), "privacy:log"),
            NavItem(_("Privacy requests"), "privacy:person_find"),
        ]
    items = [NavItem(_("Home"), "home")]
    if access.is_jobcoach or access.is_programme_admin:
        items.append(NavItem(_("Jobseekers"), "placements:jobseeker_list"))
        items.append(NavItem(_("Placements"), "placements:placement_list"))
    if access.is_imk_coach or access.is_jobcoach or access.is_programme_admin:
        items.append(NavItem(_("Entrepreneurs"), "coaching:entrepreneur_list"))
    if access.is_programme_admin or access.is_jobcoach or access.is_funder or access.is_researcher:
        # The same roles may open the reports list (each sees the reports of their kind).
        items.append(NavItem(_("Dashboard"), "reporting:dashboard"))
        items.append(NavItem(_("Reports"), "reporting:report_list"))
    if access.is_jobcoach or access.is_programme_admin:
        items.append(NavItem(_("Data completeness"), "reporting:completeness"))
        items.append(NavItem(_("Import"), "placements:import_list"))
    if access.is_researcher or access.is_programme_admin:
        items.append(NavItem(_("Research exports"), "exports:list"))
    if access.is_privacy_officer:
        items.append(NavItem(_("Processing log"), "privacy:log"))
    if access.is_privacy_officer or access.is_programme_admin:
        items.append(NavItem(_("Privacy requests"), "privacy:person_find"))
    if access.is_programme_admin:
        items.append(NavItem(_("Invite a person"), "municipalities:invitation_create"))
        items.append(NavItem(_("Administration"), "admin:index"))
    return items


def navigation(request):
    # The demo (SQLite) has no row-level security, the database's own wall between
    # municipalities (municipalities/db_scope.py): every page says so.
    from django.db import connection

    wall = {"without_second_wall": connection.vendor != "postgresql"}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], **wall}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    items = items_for(access_for(user))
    return {"nav_items": [(item, item.url_name == current) for item in items], **wall}
