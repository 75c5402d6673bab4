"""The web app over a storyline database: JSON API and pages (``storyline serve``)."""

from __future__ import annotations

from storyline.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
