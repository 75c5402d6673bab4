"""A live server on 127.0.0.1 and Debian's Chromium driven by Playwright.

Never ``playwright install``: the browser is ``/usr/bin/chromium`` with a fresh
temporary profile. Tests skip (with the reason) only when that browser cannot start.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storyline.config import Config

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn in a thread, on a free loopback port; ``stop()`` ends it."""

    def __init__(self, db: Path) -> None:
        import uvicorn

        from storyline.store import open_store
        from storyline.web import create_app

        with open_store(db) as store:
            store.ensure_search_index()
        self.port = free_port()
        app = create_app(db, Config.load())
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no browser at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="storyline-chromium-") as profile:
        try:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=FLAGS, headless=True, viewport={"width": 1280, "height": 900}
            )
        except Exception as exc:  # noqa: BLE001 - any launch failure means: no browser here
            pytest.skip(f"Chromium at {CHROMIUM} cannot start here: {exc}")
        context.route("**/*", _local_only)
        try:
            yield context
        finally:
            context.close()


def _local_only(route: Any) -> None:
    """Nothing leaves the machine: a request to anywhere but 127.0.0.1 fails the page."""
    url = route.request.url
    if url.startswith(("http://127.0.0.1:", "data:", "about:")):
        route.continue_()
    else:
        route.abort()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    problems: list[str] = []
    page.on("dialog", lambda d: (problems.append(f"dialog opened: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.problems = problems  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        page.close()


def shot(page: Any, name: str, full: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    return path
