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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--runslow",
        action="store_true",
        default=False,
        help="also run tests marked corpus (full-corpus quality gates, many minutes each)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    import os

    if config.getoption("--runslow") or os.environ.get("STORYLINE_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="full-corpus gate (many minutes): run with --runslow or STORYLINE_SLOW=1")
    for item in items:
        if "corpus" in item.keywords:
            item.add_marker(skip)
