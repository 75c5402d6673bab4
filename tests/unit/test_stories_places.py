"""Storylines weigh a town also through its country (hand-made events, own ids)."""

from __future__ import annotations

import pytest

from storyline.cluster import EventState, iso_day
from storyline.stories import EventFrequencies, StoryLinker, event_profile, place_countries, with_countries

#: our own little gazetteer: two towns of one country, one town of another
COUNTRIES = {"loc-eastport": "loc-avaria", "loc-millbrook": "loc-avaria", "loc-stonebay": "loc-borea"}
DAY = 738000


def event(id_: str, ents: dict[str, float], day: int) -> EventState:
    seen = iso_day(day)
    return EventState(id=id_, key=1, vsum=[1.0, 0.0], n=1, entities=ents, entity_df=dict.fromkeys(ents, 1),
                      days={str(day): 1}, first_seen=seen, last_seen=seen)


def stories(country_weight: float) -> dict[str, str | None]:
    """Two storylines, Avaria's and Borea's; the last report of Avaria's names a town of it
    that no other event names (a link a gazetteer rebuild changed: Millbrook for Eastport)."""
    linker = StoryLinker(threshold=0.1, entity_weight=1.0, merge_threshold=0.9, idf_power=1.0, move_margin=0.1,
                         country_weight=country_weight, countries=COUNTRIES)
    events = [
        event("a1", {"loc-avaria": 1.0, "loc-eastport": 2.0, "per-ilse": 1.0}, DAY),
        event("b1", {"loc-borea": 1.0, "loc-stonebay": 2.0, "per-tomas": 1.0}, DAY + 3),
        event("a2", {"loc-avaria": 1.0, "loc-eastport": 2.0, "per-ilse": 1.0, "per-olga": 1.0}, DAY + 10),
        event("b2", {"loc-borea": 1.0, "loc-stonebay": 2.0, "per-tomas": 1.0}, DAY + 12),
        event("a3", {"loc-millbrook": 2.0, "per-rafael": 1.0}, DAY + 20),
    ]
    for ev in events:
        linker.learn_one(ev)
    linker.merge_pass()
    linker.refine(events)
    return {ev.id: linker.story_of(ev.id) for ev in events}


def test_a_town_linked_differently_still_counts_for_its_country() -> None:
    found = stories(country_weight=0.5)
    assert found["a1"] == found["a2"] == found["a3"]
    assert found["b1"] == found["b2"] != found["a1"]


def test_without_the_country_the_same_report_starts_a_storyline_of_its_own() -> None:
    """The failure the rule is for: nothing but the town ties the report to its storyline."""
    found = stories(country_weight=0.0)
    assert found["a1"] == found["a2"] != found["a3"]


def test_the_country_gets_a_share_of_each_town_and_the_towns_stay() -> None:
    shares = with_countries({"loc-eastport": 2.0, "loc-millbrook": 1.0, "per-ilse": 1.0}, 0.5, COUNTRIES)
    assert shares == {"loc-eastport": 2.0, "loc-millbrook": 1.0, "per-ilse": 1.0, "loc-avaria": 1.5}
    # a country named too: the towns add to it
    assert with_countries({"loc-avaria": 1.0, "loc-stonebay": 1.0}, 0.25, COUNTRIES) == {
        "loc-avaria": 1.0, "loc-stonebay": 1.0, "loc-borea": 0.25}
    assert with_countries({"loc-eastport": 2.0}, 0.0, COUNTRIES) == {"loc-eastport": 2.0}


def test_an_event_profile_with_countries_keeps_its_size_limit() -> None:
    ev = event("x", {"loc-eastport": 3.0, "loc-stonebay": 2.0, "per-ilse": 1.0}, DAY)
    profile = event_profile(ev, 3, EventFrequencies(), 0.5, COUNTRIES)
    assert len(profile) == 3 and "loc-eastport" in profile
    assert set(event_profile(ev, 10, EventFrequencies(), 0.5, COUNTRIES)) == {
        "loc-eastport", "loc-stonebay", "per-ilse", "loc-avaria", "loc-borea"}


def test_the_shipped_gazetteer_knows_the_country_of_a_capital_and_of_a_region() -> None:
    table = place_countries()
    if not table:
        pytest.skip("the shipped gazetteer has no places with a country")
    capitals = [k for k, v in table.items() if k.startswith("LOC:g")]
    regions = [k for k in table if k[4:].count("-") == 1 and not k.startswith("LOC:g")]
    assert capitals and regions
    assert all(table[r] == r.split("-")[0] for r in regions[:50])
    assert all(not v.startswith("LOC:g") for v in table.values())
