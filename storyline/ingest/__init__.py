"""Ingest: files, folders, feeds and archives become :class:`~storyline.models.Article`
records, and every input that is not an article becomes a ``Rejection`` (with a reason)
or a ``Quarantine`` (with a traceback). Nothing raises out of :func:`read_inputs` for a
bad input, so one broken file never stops a run.

One module per format, all yielding the same record:

- ``text.py``: ``.txt`` files, the whole file is the article (title picked by clean);
- ``jsonl.py``: one article a line, ``-`` for stdin (and ``.json``: one object or a list);
- ``html.py``: pages through trafilatura;
- ``feeds.py``: RSS/Atom through feedparser, from files or http(s) URLs (``fetch.py``);
- ``warc.py``: WARC/WARC.GZ archives through warcio;
- ``decode.py``: bytes to text; ``meta.py``: the sidecar and metadata dates.

A folder is walked recursively in sorted order and each file read by its extension;
a file with an unknown extension is recognised by its first bytes. Readers for the
heavy formats import their libraries only when such a file is met, so a folder of text
files costs well under a millisecond a file.
"""

from __future__ import annotations

import io
import logging
import os
import stat
import sys
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from storyline.config import Config
from storyline.errors import RejectedInput
from storyline.ingest.base import IngestSettings, Item, content_hash, guard, rejection
from storyline.ingest.meta import Sidecar
from storyline.models import Article

if TYPE_CHECKING:
    from storyline.ingest.fetch import Fetcher

log = logging.getLogger(__name__)

STDIN = "<stdin>"

EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".jsonl.gz": "jsonl.gz",
    ".ndjson.gz": "jsonl.gz",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".warc": "warc",
    ".warc.gz": "warc",
}
STREAMED = {"jsonl", "jsonl.gz", "warc"}  # read as a stream; the size limit applies per record
_FEED_MARKS = (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")


def kind_of(path: str) -> str | None:
    """The format a file name says, or ``None`` when its content must tell."""
    name = os.path.basename(path).lower()
    for ext, kind in EXTENSIONS.items():
        if ext.count(".") == 2 and name.endswith(ext):
            return kind
    return EXTENSIONS.get(os.path.splitext(name)[1])


def sniff(head: bytes) -> str:
    """The format of content whose name says nothing, from its first bytes."""
    if head.startswith(b"\x1f\x8b"):
        try:
            inner = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head)
        except zlib.error:
            return "gzip"
        if inner.startswith(b"WARC/"):
            return "warc"
        if inner.lstrip().startswith(b"{"):
            return "jsonl.gz"
        return "gzip"
    if head.startswith(b"WARC/"):
        return "warc"
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:2048].lower()
    if start.startswith(b"{"):
        return "jsonl"
    if any(mark in start for mark in _FEED_MARKS):
        return "feed"
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start or b"<body" in start:
        return "html"
    if start.startswith(b"<?xml"):
        return "feed"
    return "text"


def _is_url(path: str) -> bool:
    return path.startswith(("http://", "https://"))


class Reader:
    """Reads the inputs of one run with one configuration, sidecar and HTTP client."""

    def __init__(self, settings: IngestSettings, sidecar: Sidecar | None = None, stdin: BinaryIO | None = None) -> None:
        self.settings = settings
        self.sidecar = sidecar
        self.stdin = stdin
        self._skip: set[str] = set()
        if sidecar is not None and sidecar.path:
            self._skip.add(os.path.realpath(sidecar.path))
        self._fetcher: Fetcher | None = None

    def read(self, paths: Sequence[str]) -> Iterator[Item]:
        try:
            for given in paths:
                given = str(given)
                if given == "-":
                    yield from guard(STDIN, STDIN, self._stdin)
                elif _is_url(given):
                    yield from guard(given, given, self._url, given)
                elif os.path.isdir(given):
                    for path in self.walk(given):
                        yield from self.file(path)
                elif os.path.exists(given):
                    yield from self.file(given)
                else:
                    yield rejection(given, given, RejectedInput("missing", f"no such file or folder: {given}"))
        finally:
            if self._fetcher is not None:
                self._fetcher.close()

    def walk(self, root: str) -> Iterator[str]:
        """Every file under ``root`` in sorted path order (a folder's entries sorted by name,
        sub-folders in their place). Symlinked folders are not followed (no loops)."""
        hidden = self.settings.skip_hidden
        try:
            entries = sorted(os.scandir(root), key=lambda e: e.name)
        except OSError:
            yield root  # an unreadable folder is an input too: file() rejects it with the reason
            return
        for entry in entries:
            path = os.path.join(root, entry.name)
            if hidden and entry.name.startswith("."):
                log.debug("skipping hidden %s", path)
            elif entry.is_dir(follow_symlinks=False):
                yield from self.walk(path)
            elif self._skip and os.path.realpath(path) in self._skip:
                log.debug("skipping the metadata file %s", path)
            elif entry.is_file() or entry.is_symlink():
                yield path

    # -- one file -------------------------------------------------------------
    def file(self, path: str) -> Iterator[Item]:
        """Everything in one file: its articles, or why it has none."""
        for item in guard(path, path, self._file, path):
            if isinstance(item, Article) and self.sidecar is not None:
                item = self.sidecar.apply(item, path, override=item.fmt in {"text", "html"})
            yield item

    def _file(self, path: str) -> Iterator[Item]:
        settings = self.settings
        kind = kind_of(path)
        try:
            info = os.stat(path)
            if stat.S_ISDIR(info.st_mode):
                os.listdir(path)  # raises why it cannot be listed
                return  # listable folders are walked, never read as a file
            size = info.st_size
            if kind is None:
                with open(path, "rb") as fh:
                    kind = sniff(fh.read(4096))
        except OSError as exc:
            raise RejectedInput("unreadable", f"{path}: {exc.strerror or exc}") from None
        if kind in STREAMED:
            yield from self._stream(path, kind)
            return
        if kind == "gzip":
            raise RejectedInput("not-text", "gzip-compressed data that is not a WARC or JSONL archive")
        if size > settings.max_bytes:
            raise RejectedInput(
                "too-large", f"{size:,} bytes; the limit is {settings.max_bytes:,} ([ingest] max_bytes)"
            )
        try:
            with open(path, "rb") as fh:
                data = fh.read(settings.max_bytes + 1)
        except OSError as exc:
            raise RejectedInput("unreadable", f"{path}: {exc.strerror or exc}") from None
        if len(data) > settings.max_bytes:  # it grew since stat
            raise RejectedInput("too-large", f"over {settings.max_bytes:,} bytes ([ingest] max_bytes)")
        yield from self._bytes(data, path, kind)

    def _bytes(self, data: bytes, source: str, kind: str, declared: str | None = None) -> Iterator[Item]:
        if kind == "text":
            from storyline.ingest.text import read_text

            yield read_text(data, source, self.settings)
        elif kind == "html":
            from storyline.ingest.html import read_html

            yield read_html(data, source, self.settings, declared=declared)
        elif kind == "feed":
            from storyline.ingest.feeds import read_feed

            yield from read_feed(data, source, self.settings)
        elif kind == "json":
            from storyline.ingest.jsonl import read_json

            yield from read_json(data, source, self.settings)
        elif kind in STREAMED:
            yield from self._read_stream(io.BytesIO(data), source, kind)
        else:
            raise RejectedInput("not-text", f"unsupported content ({kind})")

    def _stream(self, path: str, kind: str) -> Iterator[Item]:
        try:
            fh = open(path, "rb")
        except OSError as exc:
            raise RejectedInput("unreadable", f"{path}: {exc.strerror or exc}") from None
        with fh:
            yield from self._read_stream(fh, path, kind)

    def _read_stream(self, fh: BinaryIO, source: str, kind: str) -> Iterator[Item]:
        if kind == "warc":
            from storyline.ingest.warc import read_warc

            yield from read_warc(fh, source, self.settings)
            return
        from storyline.ingest.jsonl import read_jsonl

        if kind == "jsonl.gz":
            import gzip

            try:
                with gzip.GzipFile(fileobj=fh) as unzipped:
                    yield from read_jsonl(unzipped, source, self.settings)  # type: ignore[arg-type]
            except EOFError as exc:
                raise RejectedInput("truncated", f"the gzip data is cut off ({exc}); earlier lines are kept") from None
            except (gzip.BadGzipFile, zlib.error) as exc:
                raise RejectedInput("malformed", f"damaged gzip data ({exc}); lines before it are kept") from None
            return
        yield from read_jsonl(fh, source, self.settings)

    # -- stdin and URLs ---------------------------------------------------------
    def _stdin(self) -> Iterator[Item]:
        from storyline.ingest.jsonl import read_jsonl

        stream = self.stdin
        if stream is None:
            stream = getattr(sys.stdin, "buffer", None) or io.BytesIO(sys.stdin.read().encode("utf-8"))
        yield from read_jsonl(stream, STDIN, self.settings)

    def _url(self, url: str) -> Iterator[Item]:
        from storyline.ingest.decode import declared_charset
        from storyline.ingest.fetch import Fetcher

        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings.timeout, self.settings.max_bytes)
        fetched = self._fetcher.get(url)
        ctype = fetched.content_type.lower()
        kind = sniff(fetched.data[:4096])
        if "html" in ctype and kind != "feed":
            kind = "html"
        elif any(t in ctype for t in ("rss", "atom", "xml")):
            kind = "feed"
        charset = None
        for part in ctype.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name == "charset":
                charset = value.strip("\"' ") or None
        for item in self._bytes(fetched.data, url, kind, declared=charset or declared_charset(fetched.data)):
            if isinstance(item, Article) and item.url is None:
                item = replace(item, url=fetched.url)
            yield item


def read_inputs(
    paths: Sequence[str],
    meta: str | Path | None = None,
    config: Config | None = None,
    *,
    stdin: BinaryIO | None = None,
) -> Iterator[Item]:
    """Every article in ``paths`` (files, folders, http(s) feed URLs, ``-`` for JSONL on
    stdin), and a ``Rejection`` or ``Quarantine`` for every input that is not one.

    ``meta`` is the sidecar JSONL file; it is read now, so a missing one fails before
    the run starts (``InputError``), not halfway.
    """
    settings = (config or Config.load()).section("ingest", IngestSettings)
    sidecar = Sidecar.load(meta) if meta is not None else None
    return Reader(settings, sidecar, stdin).read(list(paths))


__all__ = ["EXTENSIONS", "IngestSettings", "Reader", "content_hash", "kind_of", "read_inputs", "sniff"]
