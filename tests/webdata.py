"""A small hand-written database for the web and API tests: three events in five
languages, two storylines, meetings, a duplicate, and one hostile article.

Every sentence here was written for these tests. Entities, events and storylines are
written straight into the store (as the stages would), so the web tests do not depend
on the analysis stages' quality.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from storyline.models import Article, ArticleEntity, Entity, Event, Meeting, ScorePart, Span, Story, Variant
from storyline.store.sqlite import SQLiteStore
from storyline.web.views import script_of

LUK, PUT, XI = "ent:lukashenko", "ent:putin", "ent:xi"
NAMES = {LUK: "Alexander Lukashenko", PUT: "Vladimir Putin", XI: "Xi Jinping"}
HOSTILE_TITLE = '<script>alert("title")</script> Breaking <b>news</b>'
HOSTILE_URL = "javascript:alert('url')"
HOSTILE_TEXT = (
    'Readers saw <img src=x onerror=alert("text")> and a link javascript:alert(2) in the body; '
    "Lukashenko was named too. </textarea><svg onload=alert(3)>"
)

# id, language, published, url, title, text, entity forms, event, story, duplicate_of
ARTICLES = [
    (
        "lv-sochi",
        "lv",
        "2023-09-15",
        "https://example.lv/zinas/1",
        "Lukašenko un Putins tiekas Sočos",
        "Lukašenko piektdien tikās ar Putinu Sočos un runāja par sadarbību.",
        {LUK: ["Lukašenko"], PUT: ["Putinu"]},
        "ev-sochi",
        "st-alliance",
        None,
    ),
    (
        "de-sochi",
        "de",
        "2023-09-15",
        "https://example.de/politik/2",
        "Lukaschenko trifft Putin in Sotschi",
        "Lukaschenko traf Putin am Freitag in Sotschi. Die beiden sprachen über Zusammenarbeit.",
        {LUK: ["Lukaschenko"], PUT: ["Putin"]},
        "ev-sochi",
        "st-alliance",
        None,
    ),
    (
        "de-sochi-copy",
        "de",
        "2023-09-16",
        "https://mirror.example.de/2",
        "Lukaschenko trifft Putin in Sotschi",
        "Lukaschenko traf Putin am Freitag in Sotschi. Die beiden sprachen über Zusammenarbeit!",
        {LUK: ["Lukaschenko"], PUT: ["Putin"]},
        "ev-sochi",
        "st-alliance",
        "de-sochi",
    ),
    (
        "el-beijing",
        "el",
        "2023-12-04",
        "https://example.gr/eidiseis/3",
        "Ο Λουκασένκο στο Πεκίνο",
        "Ο Λουκασένκο συναντήθηκε με τον Σι Τζινπίνγκ στο Πεκίνο τη Δευτέρα.",
        {LUK: ["Λουκασένκο"], XI: ["Σι Τζινπίνγκ"]},
        "ev-beijing",
        "st-china",
        None,
    ),
    (
        "en-beijing",
        "en",
        "2023-12-04",
        "https://example.com/world/4",
        "Lukashenko meets Xi in Beijing",
        "Lukashenko met Xi Jinping in Beijing on Monday to talk about trade and factories.",
        {LUK: ["Lukashenko"], XI: ["Xi Jinping"]},
        "ev-beijing",
        "st-china",
        None,
    ),
    (
        "ru-minsk",
        "ru",
        "2024-05-23",
        "https://example.ru/novosti/5",
        "Путин прилетел в Минск",
        "Лукашенко встретил Путина в Минске в четверг вечером.",
        {LUK: ["Лукашенко"], PUT: ["Путина"]},
        "ev-minsk",
        "st-alliance",
        None,
    ),
    (
        "hostile",
        "en",
        "2024-01-10",
        HOSTILE_URL,
        HOSTILE_TITLE,
        HOSTILE_TEXT,
        {LUK: ["Lukashenko"]},
        "ev-hostile",
        None,
        None,
    ),
]

EVENTS = [
    Event(
        id="ev-sochi",
        title="Lukashenko meets Putin in Sochi",
        date="2023-09-15",
        place="Sochi",
        actors=(LUK, PUT),
        languages=("de", "lv"),
        story_id="st-alliance",
    ),
    Event(
        id="ev-beijing",
        title="Lukashenko visits Beijing",
        date="2023-12-04",
        place="Beijing",
        actors=(LUK, XI),
        languages=("el", "en"),
        story_id="st-china",
    ),
    Event(
        id="ev-minsk",
        title="Putin in Minsk",
        date="2024-05-23",
        place="Minsk",
        actors=(PUT, LUK),
        languages=("ru",),
        story_id="st-alliance",
    ),
    Event(
        id="ev-hostile",
        title='<script>alert("event")</script>',
        date="2024-01-10",
        place="<i>nowhere</i>",
        actors=(LUK,),
        languages=("en",),
    ),
]

STORIES = [
    Story(
        id="st-alliance",
        title="Russia–Belarus alliance",
        events=("ev-sochi", "ev-minsk"),
        actors=(LUK, PUT),
        start="2023-09-15",
        end="2024-05-23",
    ),
    Story(
        id="st-china",
        title="Belarus–China relations",
        events=("ev-beijing",),
        actors=(LUK, XI),
        start="2023-12-04",
        end="2023-12-04",
    ),
]

MEETINGS = [
    Meeting(event_id="ev-sochi", participants=(LUK, PUT), host=PUT, guest=LUK, place="Sochi", date="2023-09-15"),
    Meeting(event_id="ev-beijing", participants=(LUK, XI), host=XI, guest=LUK, place="Beijing", date="2023-12-04"),
    Meeting(event_id="ev-minsk", participants=(PUT, LUK), host=LUK, guest=PUT, place="Minsk", date="2024-05-23"),
]


def _entities(text: str, forms: dict[str, list[str]]) -> tuple[ArticleEntity, ...]:
    out = []
    for eid, surfaces in forms.items():
        spans = []
        for s in surfaces:
            k = text.find(s)
            if k >= 0:
                spans.append(Span(s, k, k + len(s)))
        out.append(ArticleEntity(id=eid, name=NAMES[eid], type="PER", mentions=tuple(spans)))
    return tuple(out)


def articles() -> list[Article]:
    out = []
    for aid, lang, published, url, title, text, forms, event, story, dup in ARTICLES:
        digest = hashlib.sha256((title + text).encode()).hexdigest()[:16]
        out.append(
            Article(
                id=aid,
                content_hash=digest,
                source=f"tests/{aid}.txt",
                raw=title + "\n" + text,
                url=url,
                title=title,
                text=text,
                published=published,
                language=lang,
                entities=_entities(text, forms),
                event_id=event,
                story_id=story,
                duplicate_of=dup,
            )
        )
    return out


# why each of three articles is where it is, as the events stage records it: one opened
# its event with nothing to compare, one joined, one opened its own below the threshold
def _parts(embedding: float, entities: float, time: float) -> tuple[ScorePart, ...]:
    """Signal values at the fitted weights of the time (place weight 0)."""
    weights = {"embedding": 0.5455, "entities": 0.1818, "time": 0.2727}
    values = {"embedding": embedding, "entities": entities, "time": time}
    return tuple(ScorePart(k, values[k], w) for k, w in weights.items())


DECISIONS = [
    ("lv-sochi", "ev-sochi", "new", None, 0.51, (), [], ""),
    ("de-sochi", "ev-sochi", "joined", 0.7273, 0.51, _parts(0.5, 1.0, 1.0), [["ev-sochi", 0.7273]], ""),
    ("ru-minsk", "ev-minsk", "new", 0.3, 0.51, _parts(0.2, 1.0, 0.0), [["ev-sochi", 0.3]], ""),
]


def build(path: Path) -> Path:
    """Write the test database at ``path``."""
    arts = articles()
    with SQLiteStore(path) as store:
        store.write(arts)
        by_event: dict[str, list[Article]] = {}
        for a in arts:
            by_event.setdefault(a.event_id or "", []).append(a)
        store.save_events([(e, len(by_event.get(e.id, [])), None) for e in EVENTS], names=NAMES)
        store.save_stories([(s, None) for s in STORIES])
        store.save_meetings(MEETINGS)
        store.save_decisions(DECISIONS)
        # the knowledge base, as the entity stage keeps it: every form seen, and one
        # (Belarusian) that no article here uses
        forms: dict[str, dict[tuple[str, str], int]] = {}
        for a in arts:
            for e in a.entities:
                for m in e.mentions:
                    key = (m.text, a.language or "")
                    forms.setdefault(e.id, {})[key] = forms.get(e.id, {}).get(key, 0) + 1
        forms[LUK][("Лукашэнка", "be")] = 1
        store.save_entities(
            [
                Entity(
                    id=eid,
                    name=NAMES[eid],
                    type="PER",
                    articles=len(ARTICLES),
                    variants=tuple(
                        Variant(text=t, language=lang, script=script_of(t), count=n) for (t, lang), n in f.items()
                    ),
                )
                for eid, f in forms.items()
            ]
        )
    return path
