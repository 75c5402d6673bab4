"""Seeds part ``events``: events and storylines of the five samples against ``gold.json``.

Reports whether the articles fall into exactly the gold events, each gold event's
date, place and actors as found, whether the gold storylines hold together (B-cubed),
and the recorded reason (score parts) for each article that joined an event.

Baselines beside it, on the same analysed articles and embeddings: TF-IDF and
embedding-cosine leader clustering and river's DBSTREAM, each at the best setting of its
grid *on these five documents* (an oracle a real stream does not have). BERTopic needs
more documents than five and is left out here.
"""

from __future__ import annotations

from typing import Any

from anyascii import anyascii

from storyline.config import Config
from storyline.evaluate.clustering import embedding_baselines, tfidf_baseline
from storyline.evaluate.metrics import bcubed
from storyline.models import Article


def _norm(name: str) -> str:
    return anyascii(name).casefold().strip()


def _same_name(ours: str, gold: str) -> bool:
    a, b = _norm(ours), _norm(gold)
    return a == b or a.split()[-1:] == b.split()[-1:]


def _date_ok(ours: str | None, gold: str) -> bool:
    if not ours:
        return False
    if "/" in ours:
        lo, _, hi = ours.partition("/")
        return lo <= gold <= hi
    return ours[: len(gold)] == gold


def _meeting(store: Any, event_id: str, actors: tuple[str, ...], gold_actors: list[str]) -> dict[str, Any]:
    """The meeting found for an event: participants, host and guest by name, and how many
    of the participants are the gold event's actors (gold.json names no host or guest)."""
    # the event's meeting under any of its actors (the card's first actor need not be at it)
    m = next((m for a in actors for m in store.meetings(entity=a) if m.event_id == event_id), None)
    if m is None:
        return {"participants": [], "host": None, "guest": None, "participants_right": 0,
                "participants_found": 0, "gold_actors": len(gold_actors), "planned": False}
    names = store.entity_names([*m.participants, *(p for p in (m.host, m.guest) if p)])
    people = [names.get(p, p) for p in m.participants]
    right = [n for n in people if any(_same_name(n, g) for g in gold_actors)]
    return {
        "participants": people,
        "host": names.get(m.host, m.host) if m.host else None,
        "guest": names.get(m.guest, m.guest) if m.guest else None,
        "participants_right": len(right),
        "participants_found": len(people),
        "gold_actors": len(gold_actors),
        "planned": m.planned,  # every gold event happened: a planned one is an error
    }


def _meeting_totals(cards: list[dict[str, Any]]) -> dict[str, Any]:
    """Participants' precision and recall against the gold actors over all events."""
    found = [c["meeting"] for c in cards if "meeting" in c]
    right = sum(m["participants_right"] for m in found)
    named = sum(m["participants_found"] for m in found)
    gold = sum(m["gold_actors"] for m in found)
    return {
        "events_with_meeting": sum(1 for m in found if m["participants"]),
        "participants_precision": round(right / named, 3) if named else 0.0,
        "participants_recall": round(right / gold, 3) if gold else 0.0,
        "with_host_and_guest": sum(1 for m in found if m["host"] and m["guest"]),
        "planned": sum(1 for m in found if m.get("planned")),
    }


def score(gold: dict[str, Any], articles: dict[str, Article], store: Any) -> dict[str, Any]:
    names = store.entity_names({e.id for a in articles.values() for e in a.entities})
    pred = {n: a.event_id or a.id for n, a in articles.items()}
    gold_event = {n: ev["id"] for ev in gold["events"] for n in ev["articles"]}
    ours = {frozenset(n for n in pred if pred[n] == e) for e in set(pred.values())}
    theirs = {frozenset(ev["articles"]) for ev in gold["events"]}
    events: list[dict[str, Any]] = []
    for ev in gold["events"]:
        first = articles.get(ev["articles"][0])
        card = store.event(first.event_id) if first is not None and first.event_id else None
        if card is None:
            events.append({"gold": ev["id"], "found": False})
            continue
        actor_names = [names.get(a, a) for a in card.actors]
        found_actors = [g for g in ev["actors"] if any(_same_name(n, g) for n in actor_names)]
        meeting = _meeting(store, card.id, card.actors, ev["actors"])
        events.append(
            {
                "gold": ev["id"],
                "event": card.id,
                "articles": sorted(n for n in pred if pred[n] == card.id),
                "title": card.title,
                "date": card.date,
                "date_ok": _date_ok(card.date, ev["date"]),
                "place": card.place,
                "place_ok": card.place is not None and _same_name(card.place, ev["place"]),
                "actors": actor_names,
                "actors_recall": round(len(found_actors) / len(ev["actors"]), 3),
                "meeting": meeting,
            }
        )
    story_pred = {n: a.story_id or pred[n] for n, a in articles.items()}
    gold_story = {}
    for i, st in enumerate(gold["storylines"]):
        for eid in st["events"]:
            for n, g in gold_event.items():
                if g == eid:
                    gold_story[n] = i
    explained = {}
    for n, a in articles.items():
        d = store.decision(a.id)
        if d is not None and d["decision"] == "joined":
            explained[n] = {
                "score": round(float(d["score"]), 4),
                "threshold": d["threshold"],
                "parts": {p.signal: [round(p.value, 4), round(p.weight, 4)] for p in d["parts"]},
            }
    by_id = {a.id: n for n, a in articles.items()}
    analysed = list(articles.values())
    baselines: dict[str, Any] = {}
    for level, labels in (("events", gold_event), ("storylines", gold_story)):
        truth = {a.id: labels[by_id[a.id]] for a in analysed if by_id[a.id] in labels}
        found = {"tfidf_threshold": tfidf_baseline(analysed, truth)}
        found.update(embedding_baselines(analysed, truth, Config.load(), bertopic=False))
        keep = ("f1", "clusters", "threshold", "clustering_threshold")
        baselines[level] = {k: {m: v[m] for m in keep if m in v} for k, v in found.items()}
    return {
        "exact": ours == theirs,
        "events_found": len(ours),
        "events_gold": len(theirs),
        "partition": sorted(sorted(g) for g in ours),
        "bcubed": bcubed(pred, gold_event),
        "cards": events,
        "dates_ok": sum(e.get("date_ok", False) for e in events),
        "places_ok": sum(e.get("place_ok", False) for e in events),
        "storylines": sorted(sorted(n for n in story_pred if story_pred[n] == s) for s in set(story_pred.values())),
        "storylines_bcubed": bcubed(story_pred, gold_story),
        "storylines_exact": {frozenset(n for n in story_pred if story_pred[n] == s) for s in set(story_pred.values())}
        == {frozenset(n for n in gold_story if gold_story[n] == g) for g in set(gold_story.values())},
        "meetings": _meeting_totals(events),
        "joined_why": explained,
        "baselines": baselines,
    }
