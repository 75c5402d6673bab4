"""The timeline's time axis: the dense range of event dates by default, every date on
request (an undated article's event dated decades away must not squash the rest)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.config import Config
from storyline.models import Event
from storyline.store.sqlite import SQLiteStore
from storyline.web import create_app
from storyline.web.views import dense_range, timeline

D = dt.date


def _days(start: dt.date, n: int, step: int = 3) -> list[dt.date]:
    return [start + dt.timedelta(days=step * i) for i in range(n)]


def test_a_stray_date_far_before_the_news_is_left_out() -> None:
    news = _days(D(2025, 2, 1), 9, 20)  # February to July
    assert dense_range([D(1967, 5, 1), *news]) == (news[0], news[-1])
    assert dense_range([*news, D(2091, 1, 1)]) == (news[0], news[-1])


def test_many_strays_scattered_over_a_century() -> None:
    strays = [D(1884, 4, 1), D(1928, 5, 1), D(1942, 6, 1), D(1967, 4, 1), D(2001, 9, 1), D(2020, 1, 8), D(2020, 11, 1)]
    news = _days(D(2011, 1, 20), 18, 19)  # one year of news
    later = [D(2012, 6, 30), D(2013, 7, 29), D(2014, 2, 18), D(2015, 9, 10), D(2015, 9, 10)]
    lo, hi = dense_range([*strays, *news, *later]) or (None, None)
    assert lo == news[0]
    assert hi is not None and hi.year < 2020


def test_percentiles_cut_the_ends_of_a_long_list() -> None:
    news = _days(D(2024, 1, 1), 200, 1)
    lo, hi = dense_range(news) or (None, None)
    assert lo is not None and hi is not None
    assert news[0] < lo <= news[5] and news[-6] <= hi < news[-1]


@pytest.mark.parametrize(
    "days",
    [
        [D(2025, 3, 1)],
        [D(1967, 1, 1), D(2025, 3, 1)],  # two dates: nothing to tell the stray by
        _days(D(2023, 1, 1), 12, 60),  # two years of news evenly spread: all of it
        [D(2021, 1, 1), D(2021, 2, 1), D(2024, 1, 1), D(2024, 2, 1)],  # two clusters: both
    ],
)
def test_dense_dates_stay(days: list[dt.date]) -> None:
    assert dense_range(days) == (min(days), max(days))


def test_no_dates() -> None:
    assert dense_range([]) is None


def _event(i: int, date: str | None) -> Event:
    return Event(id=f"ev-{i}", title=f"Event number {i}", date=date, articles=("a",), languages=("en",))


EVENTS = [_event(0, "1967"), *(_event(i, f"2025-0{1 + i % 8}-1{i % 9}") for i in range(1, 9)), _event(9, None)]


def test_timeline_draws_the_dense_range_and_lists_the_rest() -> None:
    layout = timeline(EVENTS, {})
    assert layout.start == D(2025, 1, 18) and layout.end == D(2025, 8, 17)
    assert (layout.first, layout.last, layout.outside) == (D(1967, 1, 1), D(2025, 8, 17), 1)
    marks = {m.event.id: m for lane in layout.lanes for m in lane.marks}
    assert len(marks) == len(EVENTS)  # every event is still in its lane's list
    assert not marks["ev-0"].shown and not marks["ev-9"].shown
    assert all(m.shown for k, m in marks.items() if k not in ("ev-0", "ev-9"))
    assert layout.ticks[0][1] == "2025-01-18"
    whole = timeline(EVENTS, {}, whole=True)
    assert whole.start == D(1967, 1, 1) and whole.outside == 0 and whole.ticks[0][1] == "1967-01-01"


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    db = tmp_path / "t.db"
    with SQLiteStore(db) as store:
        store.save_events([(e, 1, None) for e in EVENTS], names={})
    with TestClient(create_app(db, Config.load(web={"allowed_hosts": ["testserver"]}))) as c:
        yield c


def test_the_page_offers_all_dates(client: TestClient) -> None:
    page = client.get("/", params={"lang": "en"}).text
    assert page.count('class="dot"') == 8
    assert "1 event dated outside this range" in page and "1967-01-01" in page
    assert 'href="/?lang=en&amp;dates=all"' in page  # the filters stay
    every = client.get("/", params={"dates": "all"}).text
    assert every.count('class="dot"') == 9
    assert ">1967-01-01</text>" in every  # the axis starts there
    assert 'href="/">Show where most events are' in every
    assert client.get("/", params={"dates": "some"}).status_code == 422
