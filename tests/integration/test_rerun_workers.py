"""A ``storyline run`` with worker processes, killed halfway: the next run finishes the job
and the killed run's workers do not outlive it."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from storyline.workers import ORPHAN_CHECK_SECONDS, can_fork
from tests.ingest_samples import write
from tests.integration.test_rerun import cli_run, make_inputs, outcomes, start_run_until

pytestmark = pytest.mark.skipif(not can_fork(), reason="worker processes are forked (POSIX only)")


def _running(marker: str) -> list[int]:
    """Processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if marker in cmdline:
            found.append(int(entry.name))
    return found


def test_a_killed_run_with_workers_is_finished_by_the_next(tmp_path: Path) -> None:
    total = make_inputs(tmp_path / "in", 60)
    config = write(tmp_path / "workers.toml", "[pipeline]\nbatch_size = 2\nworkers = 2\nparallel_from = 0\n")
    db = tmp_path / "workers.db"
    cmd, env = cli_run(tmp_path / "in", db, config)
    proc = start_run_until(cmd, db, written=4, env=env)
    try:
        workers = [pid for pid in _running(str(db)) if pid != proc.pid]
        assert workers, "the run started no worker processes"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    done_before = sum(sum(c.values()) for c in outcomes(db))
    assert 0 < done_before < total

    gone_by = time.monotonic() + 5 * ORPHAN_CHECK_SECONDS + 5
    while _running(str(db)) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert not _running(str(db)), "workers outlived their killed run"

    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1].startswith(f"in {total} = ")
    articles, rejected, quarantined = outcomes(db)
    assert max([*articles.values(), *rejected.values(), *quarantined.values(), 1]) == 1  # no duplicates
    assert sum(articles.values()) + sum(rejected.values()) + sum(quarantined.values()) == total
