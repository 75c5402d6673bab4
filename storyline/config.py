"""Configuration: defaults shipped with the package, overridden key by key.

``storyline/defaults.toml`` holds every default. A user file (``--config FILE``)
overrides only the keys it sets. Each stage reads its own section into its own frozen
settings dataclass with :meth:`Config.section`, which rejects unknown keys and wrong
types, so a typo fails loudly instead of being ignored. There are no module globals:
a :class:`Config` is passed explicitly.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from storyline.errors import ConfigError

S = TypeVar("S")


def _merge(base: dict[str, Any], over: Mapping[str, Any], where: str = "") -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if key not in base:
            raise ConfigError(f"unknown configuration key {where}{key!r}")
        if isinstance(base[key], dict):
            if not isinstance(value, Mapping):
                raise ConfigError(f"{where}{key} must be a table")
            out[key] = _merge(base[key], value, f"{where}{key}.")
        else:
            out[key] = value
    return out


def _defaults() -> dict[str, Any]:
    text = resources.files("storyline").joinpath("defaults.toml").read_text("utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True, slots=True)
class Config:
    """Merged configuration (defaults + user overrides), read-only."""

    values: Mapping[str, Any]

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Mapping[str, Any]) -> Config:
        """Defaults, then the user file at ``path``, then keyword sections."""
        merged = _defaults()
        if path is not None:
            try:
                user = tomllib.loads(Path(path).read_text("utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"cannot read config {path}: {exc}") from exc
            merged = _merge(merged, user)
        if overrides:
            merged = _merge(merged, overrides)
        return cls(MappingProxyType(merged))

    def section(self, name: str, kind: type[S]) -> S:
        """Build the settings dataclass ``kind`` from section ``name``."""
        raw = self.values.get(name, {})
        if not dataclasses.is_dataclass(kind):
            raise TypeError(f"{kind!r} is not a dataclass")
        hints = typing.get_type_hints(kind)
        fields = {f.name for f in dataclasses.fields(kind)}
        unknown = set(raw) - fields
        if unknown:
            raise ConfigError(f"unknown key(s) in [{name}]: {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = {}
        for key, value in raw.items():
            expected = hints[key]
            origin = typing.get_origin(expected) or expected
            if origin is tuple and isinstance(value, list):
                value = tuple(value)
            if expected is float and isinstance(value, int):
                value = float(value)
            if origin is types.UnionType:  # ``int | str``: any of its members (None never comes from TOML)
                members = tuple(typing.get_origin(t) or t for t in typing.get_args(expected))
                if not isinstance(value, members):
                    raise ConfigError(f"[{name}] {key} must be {expected}, got {value!r}")
            elif isinstance(origin, type) and not isinstance(value, origin):
                raise ConfigError(f"[{name}] {key} must be {origin.__name__}, got {value!r}")
            kwargs[key] = value
        return kind(**kwargs)
