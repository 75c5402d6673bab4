"""Every command has help (sqlite-utils tests/test_docs.py)."""

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from storyline.cli import app

runner = CliRunner()
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_top_level_help_lists_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in ("run", "export", "eval"):
        assert name in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    command = get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help, f"{name} has no help text"


def test_unknown_eval_kind_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["eval", "nosuch", str(tmp_path)])
    assert result.exit_code != 0


def test_store_path_comes_from_the_config_when_no_db_is_given(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "note.txt").write_text("Ein kurzer Text über den Hafen von Riga und seine Fähren.\n", "utf-8")
    db = tmp_path / "elsewhere.db"
    config = tmp_path / "site.toml"
    config.write_text(f'[store]\npath = "{db.as_posix()}"\n', "utf-8")
    result = runner.invoke(app, ["run", "note.txt", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert db.exists() and not (tmp_path / "storyline.db").exists()
    # read commands find it through $STORYLINE_CONFIG
    monkeypatch.setenv("STORYLINE_CONFIG", str(config))
    exported = runner.invoke(app, ["export"])
    assert exported.exit_code == 0, exported.output
    assert "Riga" in exported.output


def test_rejections_and_quarantine_can_be_listed_after_a_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from storyline.models import Quarantine
    from storyline.store import open_store

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("", "utf-8")
    (tmp_path / "in" / "note.txt").write_text("Die Fähre nach Riga fuhr am Montag wieder.\n", "utf-8")
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["run", str(tmp_path / "in"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "storyline export --what rejections" in result.output
    store = open_store(db)
    store.write([Quarantine(source="odd.html", stage="entities", error="ValueError: odd", traceback="Traceback …")])
    store.close()
    rejected = runner.invoke(app, ["export", "--db", str(db), "--what", "rejections"])
    assert [json.loads(line)["reason"] for line in rejected.output.splitlines()] == ["empty"]
    held = runner.invoke(app, ["export", "--db", str(db), "--what", "quarantine", "--format", "csv"])
    assert held.output.splitlines()[0].startswith("source,stage,error,traceback")
    assert "odd.html,entities,ValueError: odd" in held.output
