"""``storyline serve``: loopback by default, refuses a missing database, brings the
search index up to date before the read-only app starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storyline.cli import app
from storyline.cli.serve import _loopback
from tests.webdata import build


def test_missing_database_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no database" in result.output


def test_serves_on_loopback_and_indexes_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    db = build(tmp_path / "web.db")
    from storyline.store.sqlite import SQLiteStore

    with SQLiteStore(db) as store, store.db:
        store.db.execute("INSERT INTO search_pending(article_id) SELECT id FROM articles")
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    result = CliRunner().invoke(app, ["serve", "--db", str(db), "--port", "8999"])
    assert result.exit_code == 0, result.output
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8999
    assert "indexed 7 articles" in result.output
    assert seen["app"].state.stores.get().readonly


def test_other_addresses_are_warned_about(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    db = build(tmp_path / "web.db")
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    result = CliRunner().invoke(app, ["serve", "--db", str(db), "--host", "0.0.0.0"])
    assert result.exit_code == 0 and "warning" in result.output


@pytest.mark.parametrize(
    ("host", "loop"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_loopback(host: str, loop: bool) -> None:
    assert _loopback(host) is loop
