"""Browser harness: Playwright for Python driving Debian's Chromium against a live server.

A pytest plugin (listed in tests/conftest.py) so that every browser test, in any folder,
shares one Chromium: Playwright's sync API cannot start twice in one process.

Every page a journey visits through `visit` gets a screenshot in test-artifacts/screenshots
and an axe-core run that fails the test on any serious or critical violation.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page

from tandem.core.models import User

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
# (reading a TOTP secret, checking the access log) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/install-chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class Journey:
    """One user's browser session: visit pages, check them with axe, keep screenshots."""

    def __init__(self, page: Page, base_url: str, name: str) -> None:
        self.page = page
        self.base_url = base_url
        self.name = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        self.shots = 0

    def visit(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check()

    def check(self, label: str = "") -> None:
        """Screenshot the current page and fail on serious or critical axe violations."""
        page = self.page
        self.shots += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        slug = (
            label
            or re.sub(
                r"[^a-z0-9]+", "-", page.url.split("//", 1)[-1].split("/", 1)[-1].lower()
            ).strip("-")
            or "home"
        )
        page.screenshot(
            path=str(SCREENSHOTS / f"{self.name}-{self.shots:02d}-{slug[:60]}.png"), full_page=True
        )
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']})"
        )
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert not serious, f"axe on {page.url}: " + "; ".join(serious)

    def sign_in(self, user: User, password: str = PASSWORD) -> None:
        """Sign in through the pages, enrolling or entering a TOTP code as a user would."""
        page = self.page
        self.visit("/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        self.check()
        device = TOTPDevice.objects.filter(user=user).order_by("-confirmed").first()
        assert device is not None, "the second step should have created or found a device"
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        page.get_by_label("Code from your authenticator app").fill(f"{code:06d}")
        page.get_by_role("button", name=re.compile("Continue|Confirm")).click()
        page.wait_for_load_state()
        self.check()


@pytest.fixture
def journey(browser: Browser, live_server, request) -> Iterator[Journey]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield Journey(page, live_server.url, request.node.name)
    context.close()
