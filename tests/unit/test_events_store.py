"""The events stage's batch write: everything in one transaction, and the late-window read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storyline.models import Event, Meeting, ScorePart
from storyline.store import open_store


def _event(id_: str, date: str | None, actors: tuple[str, ...] = ("per:a", "per:b")) -> Event:
    return Event(id=id_, title=f"title of {id_}", date=date, place="Harbourtown", actors=actors)


def test_a_batch_is_written_whole(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        first = [(_event("ev-1", "2024-03-02"), 1, b"s1"), (_event("ev-2", "2024-03-03"), 1, b"s2")]
        store.save_event_batch(events=first)
        store.save_event_batch(
            merges=[("ev-1", "ev-2", "an article matched both events")],
            events=[(_event("ev-1", "2024-03-02/2024-03-03"), 2, b"s1b")],
            names={"per:a": "Ada Lind"},
            decisions=[("art-1", "ev-1", "joined", 0.8, 0.6, (ScorePart("entities", 1.0, 1.0),), [["ev-1", 0.8]], "")],
            log=[("create", "ev-1", None, "opened by art-0")],
            meetings=[Meeting("ev-1", ("per:a", "per:b"), place="Harbourtown", date="2024-03-02")],
            meta={"entity_frequencies": b"{}"},
        )
        assert store.event("ev-2") is not None and store.event("ev-2").id == "ev-1"  # type: ignore[union-attr]
        assert store.event_count() == 1
        assert store.decision("art-1")["decision"] == "joined"  # type: ignore[index]
        assert [e["kind"] for e in store.event_log("ev-1")] == ["merge", "create"]
        assert [m.event_id for m in store.meetings("per:a")] == ["ev-1"]
        assert store.events_meta("entity_frequencies") == b"{}"
        assert store.entity_names(["per:a"]) == {"per:a": "Ada Lind"}


def test_a_failing_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    def rows() -> Iterator[tuple[object, ...]]:
        yield ("art-1", "ev-9", "new", None, 0.6, (), [], "")
        raise RuntimeError("the stage broke halfway")

    with open_store(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError):
            store.save_event_batch(events=[(_event("ev-9", "2024-03-02"), 1, b"s")], decisions=rows())  # type: ignore[arg-type]
        assert store.event_count() == 0
        assert store.decision("art-1") is None


def test_late_window_reads_only_wanted_states_in_stored_order(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        store.save_event_batch(
            events=[
                (_event("ev-b", "2024-01-10"), 1, b"b"),
                (_event("ev-a", "2024-01-05/2024-01-12"), 1, b"a"),
                (_event("ev-c", "2024-02-20"), 1, b"c"),  # outside the window
                (_event("ev-d", None), 1, b"d"),  # undated
            ]
        )
        window = store.event_states_between("2024-01-08", "2024-01-15")
        assert window == [("ev-b", b"b"), ("ev-a", b"a")]
        assert store.event_states_between("2024-01-08", "2024-01-15", lambda i: i != "ev-b") == [("ev-a", b"a")]
