"""Exceptions raised by storyline.

The tree::

    StorylineError
    ├── ConfigError (ValueError)          bad or unknown configuration
    ├── InputError                        an input cannot become an article
    │   └── RejectedInput                 carries a Rejection reason code
    ├── StoreError                        the store failed or is from a newer version
    ├── MissingExtra (ImportError)        an optional dependency is not installed
    └── EvaluationError (ValueError)      evaluation data missing or malformed

Expected rejections (empty input, binary, duplicate...) are *values* (``Rejection``)
stored by the pipeline; ``RejectedInput`` is how a reader deep in a call chain hands
one back. Anything else raised by a stage is unexpected: the pipeline quarantines the
article with the stage name and traceback and goes on.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Root of every error storyline raises on purpose."""


class ConfigError(StorylineError, ValueError):
    """Configuration is invalid (unknown key, wrong type, unreadable file)."""


class InputError(StorylineError):
    """An input cannot become an article."""


class RejectedInput(InputError):
    """An input is rejected for an expected reason (a short code) with detail."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class StoreError(StorylineError):
    """The store cannot be opened, migrated or written."""


class MissingExtra(StorylineError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(f"{package} is not installed: pip install 'storyline[{extra}]'")
        self.package = package
        self.extra = extra


class EvaluationError(StorylineError, ValueError):
    """Evaluation data is missing or not in the expected form."""
