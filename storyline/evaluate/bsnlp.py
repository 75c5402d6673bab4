"""``storyline eval bsnlp PATH``: scores on the BSNLP data (see :mod:`.bsnlp_data`).

Each part lives in its own module ``bsnlp_<part>.py`` with
``score(docs, config) -> dict`` over the documents :func:`.bsnlp_data.load_topic_docs`
reads; a part is added by naming it in :data:`PARTS`. ``storyline eval bsnlp PATH``
prints every part's metrics in one JSON object; a part that raises is reported with
its error (and logged with the traceback) so the other parts' scores still print.
"""

from __future__ import annotations

import importlib
import logging
import time
from pathlib import Path
from typing import Any

from storyline.config import Config
from storyline.errors import EvaluationError
from storyline.evaluate.bsnlp_data import load_topic_docs

log = logging.getLogger(__name__)

PARTS: tuple[str, ...] = ("language", "clustering", "entities")


def evaluate(path: Path, config: Config, parts: tuple[str, ...] = PARTS) -> dict[str, Any]:
    """Every part's metrics on the BSNLP data at ``path``."""
    docs = load_topic_docs(path)
    if not docs:
        raise EvaluationError(f"no BSNLP documents under {path}")
    result: dict[str, Any] = {"kind": "bsnlp", "documents": len(docs)}
    failed: list[str] = []
    for part in parts:
        started = time.perf_counter()
        module = importlib.import_module(f"storyline.evaluate.bsnlp_{part}")
        try:
            result[part] = module.score(docs, config)
        except Exception as exc:  # one broken part must not hide the other parts' scores
            log.exception("bsnlp part %s failed", part)
            result[part] = {"error": f"{type(exc).__name__}: {exc}"}
            failed.append(part)
        result[part]["seconds"] = round(time.perf_counter() - started, 2)
    if failed:
        result["failed_parts"] = failed
    return result
