"""Plain text files: the whole file is the article.

The title is left empty on purpose: scraped files often start with a photo credit or
caption before the real title, and the clean stage, which knows what leftovers look
like, picks the title from the first lines.
"""

from __future__ import annotations

from storyline.ingest.base import IngestSettings, check_text, make_article, newlines
from storyline.ingest.decode import decode
from storyline.models import Article


def read_text(data: bytes, source: str, settings: IngestSettings) -> Article:
    """One article from the bytes of a text file; raises ``RejectedInput`` when it is none."""
    decoded = decode(data)
    raw = newlines(decoded.text)
    check_text(raw, settings, what="file")
    return make_article(source, raw, fmt="text", encoding=decoded.encoding)
