"""Baseline stream clusterers, run beside ours on the same data and embeddings.

- :class:`CosineThresholdClusterer`: single-pass "leader" clustering, a document joins
  the most similar cluster centroid if the cosine reaches ``threshold``. Fed TF-IDF
  vectors it is the classic TF-IDF-cosine-with-a-threshold baseline (the first
  detection systems, Allan et al. 1998); fed the embeddings it is "embeddings alone".
- :class:`DBStreamClusterer`: river's ``DBSTREAM`` on the embedding dimensions
  (river is a dev dependency: it is only needed to run this baseline).

BERTopic is the third baseline the issue names; it needs torch and
sentence-transformers, which are not installable on this machine, so it is not run.

All follow river's contract: ``learn_one(x)`` returns the label given to ``x``,
``predict_one(x)`` answers without learning, ``clone()`` gives a fresh learner with the
same parameters.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from storyline.errors import MissingExtra


class CosineThresholdClusterer:
    """Leader clustering on cosine (dense rows or 1×n scipy sparse rows)."""

    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = threshold
        self._sums: list[Any] = []
        self._norms: list[float] = []

    def __repr__(self) -> str:
        return f"CosineThresholdClusterer(threshold={self.threshold!r})"

    def clone(self) -> CosineThresholdClusterer:
        return CosineThresholdClusterer(self.threshold)

    def _best(self, x: Any) -> tuple[int, float]:
        from scipy import sparse  # with scikit-learn, a dev dependency (TF-IDF rows)

        if not self._sums:
            return -1, -1.0
        if sparse.issparse(x):
            mat = sparse.vstack(self._sums).tocsr()
            sims = np.asarray(mat @ x.T.toarray()).ravel()
            xn = float(np.sqrt(x.multiply(x).sum()))
        else:
            mat = np.vstack(self._sums)
            sims = mat @ np.asarray(x)
            xn = float(np.linalg.norm(x))
        sims = sims / (np.asarray(self._norms) * (xn or 1.0))
        i = int(np.argmax(sims))
        return i, float(sims[i])

    def predict_one(self, x: Any) -> int:
        i, s = self._best(x)
        return i if i >= 0 and s >= self.threshold else len(self._sums)

    def learn_one(self, x: Any) -> int:
        i, s = self._best(x)
        if i >= 0 and s >= self.threshold:
            self._sums[i] = self._sums[i] + x
        else:
            i = len(self._sums)
            self._sums.append(x.copy() if hasattr(x, "copy") else x)
            self._norms.append(0.0)
        v = self._sums[i]
        self._norms[i] = float(np.sqrt(v.multiply(v).sum())) if hasattr(v, "multiply") else float(np.linalg.norm(v))
        self._norms[i] = self._norms[i] or 1.0
        return i


class DBStreamClusterer:
    """river's DBSTREAM over embedding dimensions (dense vectors)."""

    def __init__(self, clustering_threshold: float = 0.8, fading_factor: float = 0.01,
                 cleanup_interval: int = 100, intersection_factor: float = 0.3) -> None:
        self.clustering_threshold = clustering_threshold
        self.fading_factor = fading_factor
        self.cleanup_interval = cleanup_interval
        self.intersection_factor = intersection_factor
        try:
            from river import cluster
        except ImportError as exc:  # river is a dev dependency (only this baseline needs it)
            raise MissingExtra("river", "dev") from exc
        self._model: Any = cluster.DBSTREAM(
            clustering_threshold=clustering_threshold,
            fading_factor=fading_factor,
            cleanup_interval=cleanup_interval,
            intersection_factor=intersection_factor,
        )

    def __repr__(self) -> str:
        return (f"DBStreamClusterer(clustering_threshold={self.clustering_threshold!r},"
                f" fading_factor={self.fading_factor!r}, cleanup_interval={self.cleanup_interval!r},"
                f" intersection_factor={self.intersection_factor!r})")

    def clone(self) -> DBStreamClusterer:
        return DBStreamClusterer(self.clustering_threshold, self.fading_factor, self.cleanup_interval,
                                 self.intersection_factor)

    @staticmethod
    def _dict(x: np.ndarray) -> dict[int, float]:
        return {i: float(v) for i, v in enumerate(np.asarray(x).ravel())}

    def predict_one(self, x: np.ndarray) -> int:
        return int(self._model.predict_one(self._dict(x)))

    def learn_one(self, x: np.ndarray) -> int:
        d = self._dict(x)
        self._model.learn_one(d)
        return int(self._model.predict_one(d))
