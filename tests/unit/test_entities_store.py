"""Entity knowledge base in the store, the alias file, re-linking and the CLI commands."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from storyline.cli import app
from storyline.config import Config
from storyline.entities import EntityLinker, relink
from storyline.models import Article
from storyline.store import open_store


def _article(ident: str, text: str, lang: str) -> Article:
    return Article(
        id=ident, content_hash=ident, source=f"{ident}.txt", raw=text, text=text, language=lang, published="2024-05-01"
    )


DE = "Der Präsident Wladimir Putin reiste nach Minsk. Dort sprach Putin mit Lukaschenko."
LV = "Prezidents Vladimirs Putins ieradās Minskā. Putins tikās ar prezidentu Lukašenko."


def _run(db: Path, config: Config) -> list[Article]:
    store = open_store(db)
    linker = EntityLinker(config, store)
    out = list(linker.pipe([_article("de1", DE, "de"), _article("lv1", LV, "lv")]))
    store.write(out)
    store.close()
    return out


def test_knowledge_base_is_kept_and_queried(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    out = _run(db, Config.load())
    putin = next(e for e in out[0].entities if e.type == "PER" and "Putin" in e.name)
    with open_store(db) as store:
        entity = store.entity("Putins")
        assert entity is not None and entity.id == putin.id
        assert {v.language for v in entity.variants} == {"de", "lv"}
        assert sum(v.count for v in entity.variants) == 4
        assert store.entity(putin.id) == entity
        assert sorted(store.entity_articles(putin.id)) == ["de1", "lv1"]
        assert putin.id in {e.id for e in store.entities(type="PER")}
        assert store.entity("nobody at all") is None
    # a second stage over the same store resolves against what the first one kept
    with open_store(db) as store:
        again = EntityLinker(Config.load(), store)(_article("de2", "Gestern sagte Putin etwas.", "de"))
    assert putin.id in {e.id for e in again.entities}


def test_alias_file_adds_merges_and_splits(tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.toml"
    aliases.write_text(
        '[[entity]]\nname = "Alexander Lukashenko"\ntype = "PER"\nnames = ["Lukaschenko", "Lukašenko"]\n'
        '[[split]]\nname = "Vladimirs Putins"\nnot = "Wladimir Putin"\n',
        "utf-8",
    )
    config = Config.load(entities={"aliases": str(aliases)})
    out = _run(tmp_path / "s.db", config)
    luka = {e.id for a in out for e in a.entities if e.name == "Alexander Lukashenko"}
    assert len(luka) == 1
    de_putin = next(e.id for e in out[0].entities if "Putin" in e.name)
    lv_ids = {e.id for e in out[1].entities}
    assert de_putin not in lv_ids  # split: the Latvian form no longer joins the German entity


def test_relink_applies_a_merge(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _run(db, Config.load())
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[[merge]]\nnames = ["Minsk", "Lukaschenko"]\n', "utf-8")
    with open_store(db) as store:
        assert relink(store, Config.load(entities={"aliases": str(aliases)})) == 2
        minsk = store.entity("Minsk")
        assert minsk is not None
        assert store.entity("Lukaschenko") == minsk


def test_cli_lists_and_shows(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _run(db, Config.load())
    runner = CliRunner()
    listed = runner.invoke(app, ["entities", "--db", str(db)])
    assert listed.exit_code == 0 and "Putin" in listed.output
    shown = runner.invoke(app, ["entity", "Putina", "--db", str(db)])
    assert shown.exit_code == 0 and "lv" in shown.output
    missing = runner.invoke(app, ["entity", "Nobody", "--db", str(db)])
    assert missing.exit_code == 1


def test_alias_entities_keep_the_shipped_names_of_several_words(tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[[entity]]\nname = "Batka"\ntype = "PER"\nnames = ["Batka"]\n', "utf-8")
    linker = EntityLinker(Config.load(entities={"aliases": str(aliases)}), None)
    base = EntityLinker(Config.load(), None)
    assert linker.gazetteer.first_words == base.gazetteer.first_words
    assert linker.gazetteer.calendar_keys == base.gazetteer.calendar_keys
    text = "Die Europäische Union und die Vereinigten Staaten sprachen am Montag."
    ids = {e.id for e in linker(_article("x", text, "de")).entities}
    assert ids == {e.id for e in base(_article("x", text, "de")).entities}
    assert "ORG:EU" in ids
