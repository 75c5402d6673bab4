from dataclasses import dataclass
from pathlib import Path

import pytest

from storyline.config import Config
from storyline.errors import ConfigError


@dataclass(frozen=True)
class StoreSettings:
    path: str = "x.db"
    batch_size: int = 1


def test_defaults_load_and_section_builds_settings() -> None:
    cfg = Config.load()
    settings = cfg.section("store", StoreSettings)
    assert settings.path == "storyline.db"
    assert settings.batch_size > 0


def test_user_file_overrides_only_its_keys(tmp_path: Path) -> None:
    user = tmp_path / "c.toml"
    user.write_text("[store]\nbatch_size = 7\n")
    settings = Config.load(user).section("store", StoreSettings)
    assert settings.batch_size == 7
    assert settings.path == "storyline.db"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[store]\nbatchsize = 7\n", "unknown configuration key"),
        ("[nosuch]\nx = 1\n", "unknown configuration key"),
        ("[store]\nbatch_size = 'many'\n", "must be int"),
        ("[store\n", "cannot read config"),
    ],
)
def test_bad_config_fails_loudly(tmp_path: Path, text: str, message: str) -> None:
    user = tmp_path / "c.toml"
    user.write_text(text)
    with pytest.raises(ConfigError, match=message):
        Config.load(user).section("store", StoreSettings)
