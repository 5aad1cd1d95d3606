"""The demo's sign-ins: one per role, one jobcoach per municipality, all with one password."""

from __future__ import annotations

from dataclasses import dataclass

from municipalities.enums import Role

from .catalogue import IMK_COACH_NAMES, MUNICIPALITIES

# Published on purpose: the demo prints it, and it only ever guards invented data.
DEMO_PASSWORD = "demo-pilot-2026"  # noqa: S105

ADMIN_EMAIL = "beheer@pilot.example"

# The second factor of every demo sign-in, published for the same reason: an authenticator app
# set up with it (or ``manage.py demo_totp_code``) gives the code that sign-in asks for.
DEMO_TOTP_SECRET = "PILOTDEMOPILOTDEMOPILOTDEMOPILOT"  # noqa: S105


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    full_name: str
    municipality_code: str = ""


def demo_accounts() -> list[DemoAccount]:
    accounts = [DemoAccount(ADMIN_EMAIL, Role.PROGRAMME_ADMIN, "Ellen Verbeek")]
    accounts += [
        DemoAccount(f"jobcoach.{m.slug}@pilot.example", Role.JOBCOACH, m.jobcoach_name, m.code)
        for m in MUNICIPALITIES
    ]
    accounts += [
        DemoAccount(imk_coach_email(number), Role.IMK_COACH, name)
        for number, name in IMK_COACH_NAMES.items()
    ]
    accounts += [
        DemoAccount("financier@startfoundation.example", Role.FUNDER, "Tom van Dam"),
        DemoAccount("onderzoeker@regioplan.example", Role.RESEARCHER, "Priya Ramdin"),
        DemoAccount("privacy@pilot.example", Role.PRIVACY_OFFICER, "Sanne de Graaf"),
    ]
    return accounts


def imk_coach_email(number: int) -> str:
    return f"imk.coach{number}@pilot.example"


def jobcoach_email(municipality_code: str) -> str:
    return next(
        a.email
        for a in demo_accounts()
        if a.role == Role.JOBCOACH and a.municipality_code == municipality_code
    )


def credentials_table() -> str:
    """The sign-ins as a plain-text table for the terminal."""
    names = {m.code: m.name for m in MUNICIPALITIES}
    rows = [("e-mail", "role", "municipality", "password")]
    rows += [
        (a.email, str(a.role), names.get(a.municipality_code, "-"), DEMO_PASSWORD)
        for a in demo_accounts()
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines += [
        "",
        f"Second step (authenticator app, the same for every demo sign-in): {DEMO_TOTP_SECRET}",
        "The current code: .venv/bin/python manage.py demo_totp_code",
    ]
    return "\n".join(lines)
