"""Steps that every browser journey shares."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from municipalities.models import User
from tests.factories import TOTP_SECRET, totp_code

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    # The tests run as root in a container, where Chromium's sandbox cannot start.
    "--no-sandbox",
    "--disable-gpu",
    # /dev/shm is tiny in containers; Chromium crashes on big pages without this.
    "--disable-dev-shm-usage",
    # No calls home, no updates: the tests must not depend on the network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery"  # tests.factories.UserFactory's password
ROOT = Path(__file__).resolve().parents[2]
# Where screenshots go: a temporary folder of this run, so that a test run changes no tracked
# file. SCREENSHOTS=docs/screenshots (bin/screenshots sets it) refreshes the README's pictures.
SCREENSHOTS = (
    ROOT / os.environ["SCREENSHOTS"]
    if os.environ.get("SCREENSHOTS")
    else Path(tempfile.gettempdir()) / f"pilot-screenshots-{os.getpid()}"
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def sign_in(page: Page, user: User, *, password: str = PASSWORD) -> None:
    """Sign in through allauth's forms, as a person would (password, then the authenticator
    app's code computed from the factory's secret), and land on the home page."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    enter_totp_code(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {user.get_short_name()}")


def enter_totp_code(page: Page, secret: str = TOTP_SECRET) -> None:
    """The second step of signing in: the code of the authenticator app."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    page.locator('input[name="code"]').fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG in SCREENSHOTS: a temporary folder, or docs/screenshots/ (shown in the
    README and docs/browser-tests.md) when the SCREENSHOTS variable asks for it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    return path


def assert_fits_width(page: Page) -> None:
    """Nothing sticks out sideways: no horizontal scrolling at the page's viewport width."""
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide at a {width}px viewport"


class AccessibilityAudit:
    """Runs axe-core on each page it is shown and keeps the violations per URL path, so that a
    journey can check every page it visits and report them all at once at the end."""

    def __init__(self, axe: Axe):
        self.axe = axe
        self.violations: dict[str, list[dict]] = {}
        self.checked: list[str] = []

    def check(self, page: Page, state: str = "") -> None:
        """``state`` tells apart visits of one URL (say, a form before and after an error)."""
        # The path only: the live server's port differs per run.
        url = urlsplit(page.url)
        path = f"{url.path}?{url.query}" if url.query else url.path
        if state:
            path = f"{path} ({state})"
        results = self.axe.run(page, options={"resultTypes": ["violations"]})
        self.checked.append(path)
        found = results.response["violations"]
        if found:
            self.violations.setdefault(path, []).extend(found)

    def report(self) -> str:
        lines = []
        for path, violations in self.violations.items():
            lines.append(f"{path}:")
            for violation in violations:
                lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
                for node in violation["nodes"]:
                    lines.append(f"    {' '.join(node['target'])}: {node['html'][:200]}")
                    summary = node.get("failureSummary", "").replace("\n", " ")
                    lines.append(f"      {summary}")
        return "\n".join(lines)

    def assert_clean(self) -> None:
        assert self.checked, "no page was checked"
        assert not self.violations, "axe-core found violations:\n" + self.report()
