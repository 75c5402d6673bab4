"""A ``storyline run`` with worker processes, killed halfway: the next run finishes the job
and the killed run's workers do not outlive it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from storyline.workers import ORPHAN_CHECK_SECONDS, can_fork
from tests.ingest_samples import write
from tests.integration.test_rerun import assert_finished_by_rerun, cli_run, kill_halfway, make_inputs, start_run_until

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
    workers = [pid for pid in _running(str(db)) if pid != proc.pid]
    kill_halfway(proc, db, total)
    assert workers, "the run started no worker processes"

    gone_by = time.monotonic() + 5 * ORPHAN_CHECK_SECONDS + 5
    while _running(str(db)) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert not _running(str(db)), "workers outlived their killed run"

    assert_finished_by_rerun(cmd, env, db, total)
