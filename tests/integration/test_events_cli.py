"""``storyline events``, ``stories``, ``meetings`` and ``explain`` print what is stored.

The database is the hand-written one of the web tests (``tests/webdata.py``)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from tests import webdata

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(webdata.build(tmp_path_factory.mktemp("cli") / "web.db"))


def test_events_lists_the_timeline_with_counts_in_words(db: str) -> None:
    out = runner.invoke(app, ["events", "--db", db])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    sochi = next(i for i, line in enumerate(lines) if "ev-sochi" in line)
    minsk = next(i for i, line in enumerate(lines) if "ev-minsk" in line)
    assert sochi < minsk  # date order
    assert "3 articles [" in lines[sochi + 1] and "at Sochi" in lines[sochi + 1]
    assert "1 article [" in lines[minsk + 1]
    assert "Vladimir Putin" in lines[sochi + 1] and "story st-alliance" in lines[sochi + 1]


def test_events_filters_by_entity_name_and_language(db: str) -> None:
    by_name = runner.invoke(app, ["events", "--db", db, "--entity", "Xi Jinping"])
    assert "ev-beijing" in by_name.output and "ev-sochi" not in by_name.output
    unknown = runner.invoke(app, ["events", "--db", db, "--entity", "Nobody Known"])
    assert unknown.exit_code == 1 and "no entity matches" in unknown.output


def test_stories_count_their_events(db: str) -> None:
    out = runner.invoke(app, ["stories", "--db", db])
    assert out.exit_code == 0, out.output
    head = {line.split()[0]: line for line in out.output.splitlines() if line.startswith("st-")}
    assert head["st-alliance"].endswith("2 events)") and head["st-china"].endswith("1 event)")


def test_meetings_name_host_and_guest(db: str) -> None:
    out = runner.invoke(app, ["meetings", "Lukashenko", "--db", db])
    assert out.exit_code == 0, out.output
    sochi = next(line for line in out.output.splitlines() if "[ev-sochi]" in line)
    assert sochi.startswith("2023-09-15") and "guest Alexander Lukashenko, host Vladimir Putin" in sochi


def test_explain_a_join_shows_each_signal_and_the_other_articles(db: str) -> None:
    out = runner.invoke(app, ["explain", "de-sochi", "--db", db])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].startswith("article de-sochi: joined event ev-sochi")
    assert "score 0.727 against threshold 0.510:" in lines[1]
    assert any(line.split()[:2] == ["entities", "1.000"] and line.endswith("= 0.182") for line in lines)
    assert any(line.startswith("  together with:") and "lv-sochi" in line for line in lines)


def test_explain_a_new_event_says_what_fell_short_or_that_nothing_compared(db: str) -> None:
    below = runner.invoke(app, ["explain", "ru-minsk", "--db", db]).output
    assert "new event ev-minsk" in below
    assert "no candidate reached the threshold: the best ev-sochi scored 0.300 < 0.510:" in below
    assert "candidates: ev-sochi (0.300)" in below
    first = runner.invoke(app, ["explain", "lv-sochi", "--db", db]).output
    assert "no earlier event was a candidate" in first and "score" not in first


def test_explain_an_unknown_article_fails_with_a_message(db: str) -> None:
    out = runner.invoke(app, ["explain", "no-such-article", "--db", db])
    assert out.exit_code == 1 and "no clustering decision recorded" in out.output
