"""Shared fixtures: where ../shared is, and small hand-made records."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a clear message."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"evaluation data not found at {path} (../shared is not beside the repo)")
    return path


@pytest.fixture()
def seeds_dir() -> Path:
    return shared_path("seeds")
