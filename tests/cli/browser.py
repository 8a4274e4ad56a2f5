"""Headless Chromium for page tests, through playwright (the Debian browser; playwright downloads nothing).

A page's console errors, uncaught exceptions, dialogs and every request it
makes are recorded, so a test can assert that a page is quiet and loads
nothing but itself.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    assert found, "Chromium is missing: ./scripts/test.sh installs it (scripts/system-packages.txt)"
    return found


@dataclass
class PageLog:
    errors: list[str] = field(default_factory=list)
    """Console messages of type error, uncaught exceptions and dialogs (an alert is a script that ran)."""
    requests: list[str] = field(default_factory=list)


@contextmanager
def open_page(path: Path, profile: Path) -> Iterator[tuple[Page, PageLog]]:
    log = PageLog()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = context.new_page()
            page.on("console", lambda message: message.type == "error" and log.errors.append(f"console: {message.text}"))
            page.on("pageerror", lambda error: log.errors.append(f"uncaught: {error}"))
            page.on("dialog", lambda dialog: (log.errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
            page.on("request", lambda request: log.requests.append(request.url))
            page.goto(path.resolve().as_uri(), wait_until="load")
            yield page, log
        finally:
            context.close()
