"""Browser tests: Debian's Chromium driven by Playwright for Python, against the app served on
127.0.0.1 from the test's own migrated database.

A small fixture of our own rather than pytest-playwright (its deprecation warning is an error
under the suite's warnings-as-errors). Every page a test visits is checked: no request to any
host but the app, no Content-Security-Policy violation in the console, and axe-core finds no
serious or critical accessibility violation. Screenshots go to tests/browser/screenshots/
(git-ignored). Without a browser the tests fail, saying how to install one; they never skip.
"""

from __future__ import annotations

import io
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.webapp.conftest import ROLES, Api

MODELS = Path(__file__).parent / "models"
SCREENSHOTS = Path(__file__).parent / "screenshots"
DEFAULT_CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def chromium_path() -> str:
    path = os.environ.get("LIETA_CHROMIUM") or DEFAULT_CHROMIUM
    if not Path(path).is_file():
        pytest.fail(
            f"no Chromium at {path}: install Debian's with `apt-get install -y --no-install-recommends chromium` "
            "(`make test` does this when run as root) or point LIETA_CHROMIUM at a Chromium binary",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live(app, client):
    """The app served on a free loopback port, with the test users and the evidence model."""
    api = Api(app, client)
    api.create_users(ROLES)
    files = {path.name: path.read_bytes() for path in sorted(MODELS.iterdir())}
    response = api.post("/api/v1/deployments", as_user="analyst", content_type="multipart/form-data",
                        data={"files": [(io.BytesIO(content), name) for name, content in files.items()]})
    assert response.status_code == 201, response.json
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveApp(api=api, base_url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)


@dataclass
class LiveApp:
    api: Api
    base_url: str


@dataclass
class Watched:
    """A page whose requests and console are recorded from its first request on."""

    page: object
    base_url: str
    javascript: bool = True
    foreign: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def check(self, name: str, *, axe: bool = True) -> None:
        """What every visited page must satisfy; also keeps a screenshot for a person to look at."""
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"
        assert self.csp_violations == [], f"Content-Security-Policy violations: {self.csp_violations}"
        assert self.errors == [], f"script errors: {self.errors}"
        # axe runs as a script in the page: without JavaScript the same markup is checked by the
        # tests that have it.
        if axe and self.javascript:
            serious = axe_violations(self.page)
            assert serious == [], f"accessibility violations on {self.page.url}: {serious}"

    def click_and_load(self, locator) -> None:
        """Click something that loads a new page, and wait for that page (not the old one)."""
        with self.page.expect_navigation():
            locator.click()

    def wait_until(self, expression: str, timeout_s: float = 10.0) -> None:
        """Poll a condition with page.evaluate (wait_for_function needs eval, which the CSP forbids)."""
        for _attempt in range(int(timeout_s / 0.1)):
            if self.page.evaluate(expression):
                return
            self.page.wait_for_timeout(100)
        raise AssertionError(f"still false after {timeout_s} s: {expression}")


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
    ]


def open_page(browser, base_url: str, *, javascript: bool = True, locale: str = "lv-LV") -> Watched:
    context = browser.new_context(java_script_enabled=javascript, locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watched = Watched(page=page, base_url=base_url, javascript=javascript)
    app_origin = urlsplit(base_url).netloc

    def on_request(request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != app_origin:
            watched.foreign.append(request.url)

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            watched.csp_violations.append(message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    return watched


@pytest.fixture
def pages(browser, live):
    """Opens watched pages on the live app; closes their contexts afterwards."""
    opened: list[Watched] = []

    def make(**options) -> Watched:
        watched = open_page(browser, live.base_url, **options)
        opened.append(watched)
        return watched

    yield make
    for watched in opened:
        watched.page.context.close()
