"""The timeline in a real browser when one event is dated decades before the rest (an
undated article's event dated by a year it names): the default axis spreads the news
across the chart, and one link shows every date."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storyline.models import Event
from storyline.store.sqlite import SQLiteStore
from tests.browser.conftest import LiveServer, shot

pytestmark = pytest.mark.browser

STRAY = Event(id="ev-old", title="Harbour opened", date="1967", articles=("a",), languages=("en",))
NEWS = [
    Event(id=f"ev-{i}", title=f"Council vote number {i}", date=f"2025-{1 + i:02d}-{3 * i + 1:02d}",
          articles=("a",) * (1 + i % 3), languages=("en",))
    for i in range(9)
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db: Path = tmp_path_factory.mktemp("range") / "range.db"
    with SQLiteStore(db) as store:
        store.save_events([(e, len(e.articles), None) for e in (STRAY, *NEWS)], names={})
    server = LiveServer(db)
    try:
        yield server
    finally:
        server.stop()


def _dots_x(page: Any) -> list[float]:
    return [float(x) for x in page.locator("figure.timeline-chart circle.dot").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().x)")]


def test_the_axis_shows_the_news_and_all_dates_on_request(site: LiveServer, page: Any) -> None:
    page.goto(site.url + "/")
    xs = _dots_x(page)
    assert len(xs) == len(NEWS)
    chart = page.locator("figure.timeline-chart svg").bounding_box()
    assert chart is not None
    assert max(xs) - min(xs) > chart["width"] * 0.6  # the news fills the chart, not one corner of it
    assert (page.locator("svg text.tick-label").first.text_content() or "").startswith("2025-")
    assert page.get_by_text("Harbour opened").count() == 1  # still listed
    shot(page, "timeline-dense")
    page.get_by_role("link", name="Show all dates").click()
    page.wait_for_url("**/?dates=all")
    assert len(_dots_x(page)) == len(NEWS) + 1
    assert page.locator("svg text.tick-label").first.text_content() == "1967-01-01"
    shot(page, "timeline-all-dates")
    page.get_by_role("link", name="Show where most events are").click()
    page.wait_for_url(site.url + "/")
    assert len(_dots_x(page)) == len(NEWS)
    assert page.problems == [], page.problems
