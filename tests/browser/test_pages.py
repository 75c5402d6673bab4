"""The pages in a real browser: search across scripts, an event side by side, an entity
with who it met, keyboard use, a narrow window, hostile text that must stay text.

Screenshots go to ``test-output/screenshots/``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import ROOT, LiveServer, shot
from tests.webdata import HOSTILE_TITLE, build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(build(tmp_path_factory.mktemp("web") / "web.db"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def seeds_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    seeds = (ROOT / ".." / "shared" / "seeds").resolve()
    if not (seeds / "meta.jsonl").exists():
        pytest.skip(f"sample articles not found at {seeds} (../shared is not beside the repo)")
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    run = subprocess.run(
        [sys.executable, "-m", "storyline", "run", str(seeds / "articles"), "--meta", str(seeds / "meta.jsonl"),
         "--db", str(db)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    server = LiveServer(db)
    try:
        yield server
    finally:
        server.stop()


def _ok(page: Any) -> None:
    assert page.problems == [], page.problems


def test_search_a_greek_form_finds_the_latvian_article(site: LiveServer, page: Any) -> None:
    page.goto(site.url + "/search")
    page.get_by_label("Words or a name, in any language or script").fill("Λουκασένκο")
    page.get_by_role("button", name="Search").last.click()
    page.wait_for_url("**/search?q=*")
    results = page.locator("ol.results > li")
    titles = results.locator("h2").all_inner_texts()
    assert "Lukašenko un Putins tiekas Sočos" in titles  # Latvian, other script, found by the entity
    assert "Лукашенко" not in page.title()
    assert page.locator("ol.results li[lang=lv] mark").first.inner_text() == "Lukašenko"
    shot(page, "search-greek")
    _ok(page)


def test_event_page_shows_languages_side_by_side(site: LiveServer, page: Any) -> None:
    page.goto(site.url + "/")
    page.get_by_role("link", name="Lukashenko meets Putin in Sochi").first.click()
    page.wait_for_url("**/events/ev-sochi")
    columns = page.locator(".column")
    assert columns.count() == 2
    boxes = [columns.nth(i).bounding_box() for i in range(2)]
    assert boxes[0] and boxes[1]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[0]["x"] != boxes[1]["x"]  # side by side
    headings = columns.locator("h3").all_inner_texts()
    assert any(h.startswith("German") for h in headings) and any(h.startswith("Latvian") for h in headings)
    # the copy is folded under its original, not shown as a third article
    assert page.locator(".column[lang=de] .article-card").count() == 1
    assert "1 duplicate folded" in page.locator(".column[lang=de] details summary").inner_text()
    shot(page, "event")
    _ok(page)


def test_entity_page_lists_names_and_who_they_met(site: LiveServer, page: Any) -> None:
    page.goto(site.url + "/events/ev-beijing")
    page.get_by_role("link", name="Alexander Lukashenko").first.click()
    page.wait_for_url("**/entities/*")
    names = page.locator("dl.names").inner_text()
    for form in ("Lukašenko", "Λουκασένκο", "Лукашенко", "Lukaschenko"):
        assert form in names
    met = page.locator("ul.met-list").inner_text()
    assert "Vladimir Putin" in met and "Xi Jinping" in met
    assert page.locator("figure.graph svg circle").count() == 3
    shot(page, "entity")
    _ok(page)


def test_timeline_storyline_and_coverage(site: LiveServer, page: Any) -> None:
    page.goto(site.url + "/")
    assert page.locator("figure.timeline-chart svg g.lane").count() == 3  # two storylines + other events
    lanes = page.locator("section.lane-list h2").all_inner_texts()
    assert any("Russia–Belarus alliance" in x for x in lanes)
    shot(page, "timeline")
    page.get_by_role("link", name="Russia–Belarus alliance").first.click()
    page.wait_for_url("**/storylines/st-alliance")
    assert page.locator("ol.events > li").count() == 2
    page.goto(site.url + "/coverage")
    assert page.locator("figure.coverage svg path.area").count() == 5
    shot(page, "coverage")
    _ok(page)


def test_keyboard_and_narrow_window(site: LiveServer, page: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/events/ev-sochi", "/entities/ent:lukashenko", "/coverage", "/search?q=putin"):
        page.goto(site.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 360px"
        shot(page, "narrow-" + (path.strip("/").split("/")[0].split("?")[0] or "timeline"))
    page.goto(site.url + "/events/ev-sochi")
    boxes = [page.locator(".column").nth(i).bounding_box() for i in range(2)]
    assert boxes[0] and boxes[1] and boxes[1]["y"] > boxes[0]["y"]  # stacked when narrow
    # keyboard: the first Tab reaches the skip link, "/" jumps to the search box
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Escape")
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "top-q"
    page.keyboard.type("Putin")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=Putin*")
    assert page.locator("ol.results > li").count() >= 2
    _ok(page)


def test_hostile_article_stays_text(site: LiveServer, page: Any) -> None:
    page.goto(site.url + "/articles/hostile")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("img, svg[onload]").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.goto(site.url + "/search?q=javascript")
    page.goto(site.url + "/events/ev-hostile")
    assert page.locator("h1").inner_text() == '<script>alert("event")</script>'
    _ok(page)  # no dialog opened, no script error


@pytest.mark.slow
def test_seeds_cross_lingual(seeds_site: LiveServer, page: Any) -> None:
    """On the five sample articles: every spelling of Lukashenko finds all five; the
    Sochi event shows the German and the Latvian article side by side; Lukashenko's
    page lists Putin and Xi among the people he met."""
    for q in ("Λουκασένκο", "lukasenko", "Лукашенко"):
        page.goto(seeds_site.url + "/search?q=" + q)
        assert page.locator("ol.results > li").count() == 5, q
    page.goto(seeds_site.url + "/search?q=Λουκασένκο")
    assert page.locator("ol.results li[lang=lv]").count() == 1
    shot(page, "seeds-search-greek")
    page.goto(seeds_site.url + "/")
    shot(page, "seeds-timeline")
    latvian = page.request.get(seeds_site.url + "/api/articles?lang=lv").json()["results"]
    assert latvian and latvian[0]["event_id"], "the Latvian article has no event"
    page.goto(seeds_site.url + "/events/" + latvian[0]["event_id"])
    columns = page.locator(".column")
    langs = columns.evaluate_all("cols => cols.map(c => c.lang)")
    assert {"de", "lv"} <= set(langs)
    boxes = [columns.nth(langs.index(x)).bounding_box() for x in ("de", "lv")]
    assert boxes[0] and boxes[1] and abs(boxes[0]["y"] - boxes[1]["y"]) < 2  # side by side
    shot(page, "seeds-event")
    page.goto(seeds_site.url + "/entities/Lukashenko")
    met = page.locator("ul.met-list").inner_text()
    assert "Putin" in met and "Xi" in met
    shot(page, "seeds-entity")
    _ok(page)

