import sqlite3
from pathlib import Path

import pytest

from storyline.errors import StoreError
from storyline.models import Article, Paragraph, Quarantine, Rejection
from storyline.store import open_store


def make(i: int, text: str = "Ein kurzer Text über Riga und Tallinn.") -> Article:
    return Article(
        id=f"a{i}",
        content_hash=f"h{i}",
        source=f"s{i}.txt",
        raw=text,
        text=text,
        title=f"Titel {i}",
        paragraphs=(Paragraph(text=text, start=0, end=len(text), language="de"),),
        language="de",
    )


def test_round_trip_and_counts(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        store.write([make(1), make(2), Rejection(source="x", reason="empty", input_key="x#1")])
        assert store.counts() == {"articles": 2, "rejections": 1, "quarantined": 0}
        assert store.article("a1") == make(1)
        assert [a.id for a in store.articles()] == ["a1", "a2"]
        assert store.known_hashes(["h1", "h9"]) == {"h1": "s1.txt"}


def test_writing_twice_changes_nothing(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        store.write([make(1)])
        store.write([make(1)])
        assert store.counts()["articles"] == 1


def test_same_id_other_content_is_rejected_not_overwritten(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        store.write([make(1)])
        other = Article(id="a1", content_hash="other", source="t.txt", raw="x", text="x")
        store.write([other])
        assert store.article("a1") == make(1)
        assert [r.reason for r in store.rejections()] == ["id-conflict"]


def test_quarantine_is_cleared_when_the_input_later_passes(tmp_path: Path) -> None:
    a = make(3)
    with open_store(tmp_path / "s.db") as store:
        store.write([Quarantine(source=a.source, stage="clean", error="E", traceback="tb", input_key=f"{a.source}#h3")])
        assert store.counts()["quarantined"] == 1
        store.write([a])
        assert store.counts()["quarantined"] == 0


def test_migrations_are_recorded_and_not_rerun(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with open_store(path) as store:
        names = store.applied_migrations()
        assert names and names[0] == "001_articles"
    with open_store(path) as store:
        assert store.migrate() == []
        assert store.applied_migrations() == names


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    open_store(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO migrations(name) VALUES ('999_future')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(path)


def test_readonly_store_needs_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        open_store(tmp_path / "missing.db", readonly=True)
