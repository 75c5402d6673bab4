"""Bad input is normal: each kind gets a clear, stored rejection; the valid files beside it
are stored; counts reconcile. Run through ``Pipeline`` + ``SQLiteStore`` and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline.config import Config
from storyline.ingest import read_inputs
from storyline.pipeline import Pipeline
from storyline.store import SQLiteStore
from tests.ingest_samples import (
    ARTICLES,
    EMPTY_PAGE,
    MALFORMED_FEED,
    html_page,
    jsonl,
    text_file,
    warc,
    warc_pages,
    write,
)

# file name -> (reason, words the detail must contain)
BAD = {
    "empty.txt": ("empty", "empty"),
    "blank.txt": ("empty", "whitespace"),
    "photo.jpg": ("not-text", "NUL"),
    "blob.txt": ("not-text", "NUL"),
    "big.txt": ("too-large", "52,428,800 bytes"),
    "gallery.html": ("no-text", "page text"),
    "broken.rss": ("malformed", "feed"),
}
VALID_FILES = ["en.txt", "ru-cp1251.txt", "de-latin1.txt", "fr-cp1252.txt", "story.html"]


@pytest.fixture()
def messy(tmp_path: Path) -> Path:
    """A folder of valid and broken inputs side by side."""
    root = tmp_path / "inbox"
    write(root / "en.txt", text_file("en"))
    write(root / "ru-cp1251.txt", text_file("ru").encode("cp1251"))
    write(root / "de-latin1.txt", text_file("de").encode("latin-1"))
    write(root / "fr-cp1252.txt", text_file("fr").encode("cp1252"))
    write(root / "story.html", html_page(ARTICLES[4][1], [ARTICLES[4][2]] * 3, lang="el"))
    write(root / "empty.txt", b"")
    write(root / "blank.txt", b"  \n\n\t \r\n")
    write(root / "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 8)
    write(root / "blob.txt", bytes(range(256)) * 4)
    with (root / "big.txt").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing them
    write(root / "gallery.html", EMPTY_PAGE)
    write(root / "broken.rss", MALFORMED_FEED)
    whole = warc(warc_pages(3, start=5))  # not the articles of the text files: those would be duplicates
    write(root / "cut.warc.gz", whole[: int(len(whole) * 0.8)])
    write(
        root / "lines.jsonl",
        jsonl(
            [{"id": "j1", "text": ARTICLES[5][2]}, "{oops", {"title": "no body"}, {"id": "j4", "text": ARTICLES[6][2]}]
        ),
    )
    return root


def _expected_rejections(root: Path) -> dict[str, tuple[str, str]]:
    out = {str(root / name): value for name, value in BAD.items()}
    out[f"{root / 'lines.jsonl'}#line2"] = ("malformed", "line 2 is not JSON")
    out[f"{root / 'lines.jsonl'}#line3"] = ("empty", 'line 3 has no "text"')
    return out


def test_every_bad_input_is_rejected_with_a_reason_and_the_valid_ones_are_stored(messy: Path, tmp_path: Path) -> None:
    config = Config.load()
    with SQLiteStore(tmp_path / "run.db") as store:
        summary = Pipeline(stages=[], batch_size=4).run(read_inputs([str(messy)], config=config), store)
        rejections = {r.input_key: r for r in store.rejections()}
        articles = list(store.articles())
        counts = store.counts()
    assert summary.reconciles
    assert summary.quarantined == 0 and counts["quarantined"] == 0
    assert counts["articles"] == summary.stored and counts["rejections"] == summary.rejected
    assert summary.seen == counts["articles"] + counts["rejections"]

    for key, (reason, words) in _expected_rejections(messy).items():
        assert key in rejections, f"no rejection stored for {key}"
        assert rejections[key].reason == reason, rejections[key]
        assert words in rejections[key].detail, rejections[key]
    truncated = [r for r in rejections.values() if r.reason == "truncated"]
    assert len(truncated) == 1 and truncated[0].source == str(messy / "cut.warc.gz")

    stored = {Path(a.source).name for a in articles}
    assert set(VALID_FILES) <= stored  # nothing valid is lost
    by_name = {Path(a.source).name: a for a in articles if a.fmt == "text"}
    assert by_name["ru-cp1251.txt"].raw == text_file("ru")  # decoded, not rejected
    assert by_name["de-latin1.txt"].raw == text_file("de")
    assert by_name["fr-cp1252.txt"].raw == text_file("fr")
    warc_articles = [a for a in articles if a.fmt == "warc"]
    assert 1 <= len(warc_articles) < 3  # the records before the cut are kept
    assert sorted(a.id for a in articles if a.fmt == "jsonl") == ["j1", "j4"]


def test_the_cli_run_reports_and_stores_every_rejection(messy: Path, tmp_path: Path) -> None:
    pytest.importorskip("storyline.clean", reason="the clean stage is not written yet")
    pytest.importorskip("storyline.language", reason="the language stage is not written yet")
    from storyline.cli import app

    db = tmp_path / "cli.db"
    result = CliRunner().invoke(app, ["run", str(messy), "--db", str(db)])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("in ") and "rejected" in last and "stored" in last, result.output
    with SQLiteStore(db) as store:
        rejections = {r.input_key: r for r in store.rejections()}
        stored = {Path(a.source).name for a in store.articles()}
        quarantined = store.quarantined()
    for key, (reason, _) in _expected_rejections(messy).items():
        assert rejections[key].reason == reason
    assert set(VALID_FILES) <= stored, [q.error for q in quarantined]


def test_a_missing_meta_file_stops_the_cli_with_a_message(tmp_path: Path) -> None:
    from storyline.cli import app

    write(tmp_path / "in" / "a.txt", text_file("en"))
    result = CliRunner().invoke(
        app, ["run", str(tmp_path / "in"), "--meta", str(tmp_path / "nope.jsonl"), "--db", str(tmp_path / "m.db")]
    )
    assert result.exit_code == 2
    assert "cannot read metadata file" in result.output
