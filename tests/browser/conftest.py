"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Fixtures for journeys: `new_page(viewport=..., javascript=...)` opens a page on the live server,
`page` is a phone-sized one; every page collects the Content-Security-Policy violations the
browser reports (`securitypolicyviolation` events) and the test fails on any. `screenshot(page, name)` saves a numbered PNG under
test-output/screenshots/<test>/, `axe_violations(page)` runs axe-core (from node_modules, on disk)
in the page and returns its violations. `make test` installs chromium and axe-core; without
/usr/bin/chromium these tests skip with the reason, and under CI=true they fail instead.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
IN_CI = os.environ.get("CI") == "true"


def _unavailable(what: str, fix: str) -> None:
    message = f"BROWSER TESTS NOT RUN: {what}. {fix}"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser():
    """One chromium for the browser tests, stopped when they are done (package scope)."""
    if not CHROMIUM.exists():
        _unavailable(
            f"{CHROMIUM} is missing",
            "Install it with `apt-get install -y chromium` or `make test`.",
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which makes Django refuse
    # ORM calls from it; allow them while the browser runs, and only then.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Runs in every document before its own scripts (a CDP init script, which the page's CSP does not
# govern) and hands each violation to the test through an exposed binding.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolation({
        page: document.location.pathname, directive: e.violatedDirective,
        blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample,
    });
});
"""


@pytest.fixture
def csp_violations():
    """The CSP violations reported by the pages of this test; any fails it after the test."""
    found = []
    yield found
    if found:
        pytest.fail(f"Content-Security-Policy violations: {found}", pytrace=False)


@pytest.fixture
def new_page(browser, live_server, csp_violations):
    """Open pages on the live server: new_page(viewport="phone"|"desktop", javascript=True)."""
    contexts = []

    def open_page(*, viewport: str = "phone", javascript: bool = True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=VIEWPORTS[viewport],
            java_script_enabled=javascript,
            reduced_motion="reduce",
        )
        context.set_default_timeout(15_000)
        context.expose_binding("__cspViolation", lambda source, v: csp_violations.append(v))
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page(viewport="phone")


@pytest.fixture
def screenshot(request):
    """screenshot(page, "product") saves test-output/screenshots/<test>/01-product.png."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    taken = []

    def take(page, name: str) -> Path:
        taken.append(name)
        path = folder / f"{len(taken):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe_violations():
    """axe_violations(page) -> [(rule id, impact, [selectors])] for the page as it is now."""
    if not AXE_JS.exists():
        _unavailable(f"{AXE_JS} is missing", "Install it with `npm ci --omit=dev` or `make test`.")

    def run(page) -> list[tuple[str, str, list]]:
        # Evaluated through the DevTools protocol, which the page's CSP does not govern (a
        # <script> tag with axe's source would be an inline script, refused by the policy).
        page.evaluate(AXE_JS.read_text())
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        return [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in result["violations"]
        ]

    return run
