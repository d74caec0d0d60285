"""Chromium fixtures for every folder of journeys (tests/browser, tests/deployed).

`browser` (one Debian Chromium for the run), `new_page` (a page with a phone, tablet or desktop
viewport and a locale; the test fails on a Content Security Policy breach or a script error)
and `shot` (numbered screenshots under test-artifacts/screenshots/). Loaded as a plugin by
tests/conftest.py, so both folders share one Playwright per process.
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import suppress
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
VIEWPORTS = {
    "phone": {"width": 360, "height": 740},
    "tablet": {"width": 1024, "height": 768},
    "desktop": {"width": 1280, "height": 800},
}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A loaded 2-core machine renders slowly; waits are conditions, so a long ceiling costs nothing.
TIMEOUT_MS = 15_000
REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so teardown knows whether the test failed."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


def artifact_dir(node) -> Path:
    """The screenshot folder of one test: test-artifacts/screenshots/<test name>/."""
    return ARTIFACTS / re.sub(r"[^\w.-]+", "_", node.name)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the run (Debian's package; never a downloaded build)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="browser tests need the playwright package"
    )
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def new_page(browser, request):
    """Open a page: `new_page("phone", locale="ar-MA")` or `new_page((800, 600))`.

    The test fails if a page breaks the Content Security Policy or throws a script error;
    when the test itself fails, every open page is saved as failure-<n>.png.
    """
    from playwright.sync_api import Error as PlaywrightError

    contexts = []
    problems: list[str] = []
    folder = artifact_dir(request.node)
    for old in folder.glob("failure-*.png"):
        old.unlink()

    def watch(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def opener(viewport: str | tuple[int, int] = "desktop", locale: str = "fr-FR"):
        if isinstance(viewport, str):
            size = VIEWPORTS[viewport]
        else:
            size = {"width": viewport[0], "height": viewport[1]}
        context = browser.new_context(viewport=size, locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("console", watch)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        return page

    yield opener
    report = request.node.stash.get(REPORTS, {}).get("call")
    if report is not None and report.failed:
        pages = [page for context in contexts for page in context.pages]
        if pages:
            folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(pages, 1):
            # Best effort: a crashed page must not hide the test's own failure.
            with suppress(PlaywrightError):
                page.screenshot(path=str(folder / f"failure-{number}.png"), full_page=True)
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("the browser reported:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def shot(request):
    """Save a numbered full-page screenshot of a step: `shot(page, "search-results")`."""
    folder = artifact_dir(request.node)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 1000))

    def take(page, name: str) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
