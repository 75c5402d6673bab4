"""Fetching an http(s) URL (a feed, or a page) with a timeout and a size cap.

httpx is imported only when a URL is given. A failed fetch is a rejection with the
reason, so a feed that is down does not stop the run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from storyline.errors import RejectedInput

log = logging.getLogger(__name__)

USER_AGENT = "storyline/0.1 (+https://pypi.org/project/storyline/)"


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    data: bytes
    content_type: str


class Fetcher:
    """One HTTP client for a run (connections are reused across URLs)."""

    def __init__(self, timeout: float, max_bytes: int) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._client: Any = None

    def get(self, url: str) -> Fetched:
        import httpx

        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT})
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise RejectedInput("fetch-failed", f"{url}: HTTP {response.status_code}")
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise RejectedInput("too-large", f"{url}: {int(declared):,} bytes (limit {self.max_bytes:,})")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise RejectedInput("too-large", f"{url}: over {self.max_bytes:,} bytes")
                    chunks.append(chunk)
                return Fetched(str(response.url), b"".join(chunks), response.headers.get("Content-Type", ""))
        except httpx.HTTPError as exc:
            raise RejectedInput("fetch-failed", f"{url}: {type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
