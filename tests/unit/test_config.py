from dataclasses import dataclass
from pathlib import Path

import pytest

from storyline.config import Config
from storyline.errors import ConfigError
from storyline.pipeline import PipelineSettings


@dataclass(frozen=True)
class StoreSettings:
    path: str = "x.db"


def test_defaults_load_and_section_builds_settings() -> None:
    cfg = Config.load()
    assert cfg.section("store", StoreSettings).path == "storyline.db"
    assert cfg.section("pipeline", PipelineSettings).batch_size > 0


def test_user_file_overrides_only_its_keys(tmp_path: Path) -> None:
    user = tmp_path / "c.toml"
    user.write_text("[pipeline]\nbatch_size = 7\n")
    config = Config.load(user)
    assert config.section("pipeline", PipelineSettings).batch_size == 7
    assert config.section("store", StoreSettings).path == "storyline.db"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[pipeline]\nbatchsize = 7\n", "unknown configuration key"),
        ("[nosuch]\nx = 1\n", "unknown configuration key"),
        ("[pipeline]\nbatch_size = 'many'\n", "must be int"),
        ("[store\n", "cannot read config"),
    ],
)
def test_bad_config_fails_loudly(tmp_path: Path, text: str, message: str) -> None:
    user = tmp_path / "c.toml"
    user.write_text(text)
    with pytest.raises(ConfigError, match=message):
        Config.load(user).section("pipeline", PipelineSettings)
