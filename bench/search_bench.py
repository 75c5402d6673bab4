"""Search and page latency on a synthetic 100k-article database.

    python bench/search_bench.py [--articles 100000] [--db /tmp/storyline-bench.db] [--keep]

Builds (or reuses, with ``--keep``) a database of invented articles: made-up words in
Latin, Cyrillic and Greek script, entities with a name in each script, events of about
eight articles, storylines, meetings. Then times, in process and through the web app
(so page times include routing and rendering):

- search: the API over a mix of queries (common and rare words, an entity named in
  another script, phrases, prefixes, filters), target p95 ≤ 50 ms;
- the event page, target p95 ≤ 300 ms; and the timeline, entity and search pages.

Prints one table (markdown) and writes it to ``bench/results/search_bench.md``.
No text here comes from anywhere: every word is generated from syllables.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from storyline.config import Config
from storyline.models import Article, ArticleEntity, Entity, Event, Meeting, Span, Story, Variant
from storyline.store.sqlite import SQLiteStore

SYLLABLES = ["ka", "lo", "mi", "ren", "sto", "va", "dru", "pe", "zan", "tor", "li", "ne", "gor", "sha", "bu", "tel"]
TO_CYRILLIC = str.maketrans("abdegiklmnoprstuvz", "абдегиклмнопрстувз")
TO_GREEK = str.maketrans("abdegiklmnoprstuvz", "αβδεγικλμνοπρστυβζ")
LANGS = [("en", None), ("de", None), ("lv", None), ("ru", TO_CYRILLIC), ("bg", TO_CYRILLIC), ("el", TO_GREEK)]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


def build(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    vocab = [word(rng) for _ in range(20_000)]
    weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocab))))  # Zipf-like, cumulative
    entities = [(f"bench:e{i}", (word(rng) + " " + word(rng)).title()) for i in range(2_000)]
    n_events = max(1, n // 8)
    events_of: dict[int, list[str]] = {}
    start = time.perf_counter()
    with SQLiteStore(path) as store:
        batch: list[Article] = []
        for i in range(n):
            lang, table = LANGS[i % len(LANGS)]
            ev = rng.randrange(n_events)
            erng = random.Random(ev)
            actors = [entities[erng.randrange(len(entities))] for _ in range(3)]
            words = rng.choices(vocab, cum_weights=weights, k=rng.randint(60, 140))
            title_words = rng.choices(vocab, cum_weights=weights, k=6)
            spans = []
            text = " ".join(words)
            for eid, name in actors:
                form = name.translate(table) if table else name
                at = len(text) + 1
                text = text + " " + form + " " + " ".join(rng.choices(vocab, cum_weights=weights, k=10))
                spans.append(ArticleEntity(id=eid, name=name, type="PER", mentions=(Span(form, at, at + len(form)),)))
            title = " ".join(title_words).capitalize()
            if table:
                text, title = text.translate(table), title.translate(table)
                spans = [ArticleEntity(id=e.id, name=e.name, type=e.type, mentions=e.mentions) for e in spans]
            day = f"2023-{1 + ev % 12:02d}-{1 + ev % 28:02d}"
            aid = f"b{i}"
            batch.append(
                Article(
                    id=aid,
                    content_hash=hashlib.sha1(aid.encode()).hexdigest(),
                    source=f"bench/{aid}",
                    raw="",
                    url=f"https://news{ev % 50}.example/{aid}",
                    title=title,
                    text=text,
                    published=day,
                    language=lang,
                    entities=tuple(spans),
                    event_id=f"bev{ev}",
                    story_id=f"bst{ev % 500}",
                )
            )
            events_of.setdefault(ev, []).append(aid)
            if len(batch) == 1000:
                store.write(batch)
                batch = []
                print(f"\r{i + 1} articles, {time.perf_counter() - start:.0f}s", end="", file=sys.stderr)
        store.write(batch)
        print(file=sys.stderr)
        names = dict(entities)
        events = []
        meetings = []
        for ev, ids in events_of.items():
            erng = random.Random(ev)
            actors = tuple(dict.fromkeys(entities[erng.randrange(len(entities))][0] for _ in range(3)))
            day = f"2023-{1 + ev % 12:02d}-{1 + ev % 28:02d}"
            langs = tuple(sorted({LANGS[int(a[1:]) % len(LANGS)][0] for a in ids}))
            events.append(
                (
                    Event(
                        id=f"bev{ev}",
                        title=f"Event {ev}",
                        date=day,
                        place="Somewhere",
                        actors=actors,
                        languages=langs,
                        story_id=f"bst{ev % 500}",
                    ),
                    len(ids),
                    None,
                )
            )
            if ev % 3 == 0 and len(actors) >= 2:
                meetings.append(Meeting(event_id=f"bev{ev}", participants=actors[:2], place="Somewhere", date=day))
        store.save_events(events, names=names)
        stories = [
            (
                Story(id=f"bst{s}", title=f"Storyline {s}", events=(), actors=(), start="2023-01-01", end="2023-12-28"),
                None,
            )
            for s in range(500)
        ]
        store.save_stories(stories)
        store.save_meetings(meetings)
        store.db.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        store.db.execute("ANALYZE")
    print(f"built {n} articles in {time.perf_counter() - start:.0f}s", file=sys.stderr)


def fill_kb(store: SQLiteStore) -> None:
    """The entity knowledge base, as the entity stage would keep it: each actor with its
    name in Latin, Cyrillic and Greek script."""
    if store.db.execute("SELECT count(*) FROM entities").fetchone()[0]:
        return
    rows = store.db.execute("SELECT entity_id, max(name), count(*) FROM event_entities GROUP BY entity_id").fetchall()
    from storyline.entities.normalize import text_key

    entities = [
        Entity(
            id=i,
            name=n,
            type="PER",
            articles=8 * c,
            variants=(
                Variant(n, "en", "Latin", c),
                Variant(n.translate(TO_CYRILLIC), "ru", "Cyrillic", c),
                Variant(n.translate(TO_GREEK), "el", "Greek", c),
            ),
        )
        for i, n, c in rows
    ]
    keys = {(e.id, v.text, v.language or ""): text_key(v.text) for e in entities for v in e.variants}
    store.save_entities(entities, keys)


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/storyline-bench.db"))
    parser.add_argument("--keep", action="store_true", help="reuse the database when it exists")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    if not (args.keep and args.db.exists()):
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
        build(args.db, args.articles)

    from fastapi.testclient import TestClient

    from storyline.web import create_app

    with SQLiteStore(args.db) as store:  # as `storyline serve` does: migrate, index what is pending
        fill_kb(store)
        store.ensure_search_index()
        store.db.execute("ANALYZE")
    cfg = Config.load(web={"allowed_hosts": ["testserver"]})
    client = TestClient(create_app(args.db, cfg))
    rng = random.Random(11)
    with SQLiteStore(args.db, readonly=True) as store:
        vocab_rows = store.db.execute("SELECT title FROM articles WHERE language = 'en' LIMIT 2000").fetchall()
        names = [r[0] for r in store.db.execute("SELECT DISTINCT name FROM event_entities LIMIT 500")]
        n_articles = store.counts()["articles"]
        n_events = store.event_count()
    counts = Counter(w for (t,) in vocab_rows for w in t.lower().split())
    common = [w for w, _ in counts.most_common(20)]
    rare = [w for w, n in counts.items() if n == 1][:200]

    def queries() -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for k in range(args.runs):
            kind = k % 8
            if kind == 0:
                out.append({"q": rng.choice(common)})
            elif kind == 1:
                out.append({"q": rng.choice(rare)})
            elif kind == 2:
                out.append({"q": rng.choice(names).split()[-1].translate(TO_CYRILLIC)})  # a name in another script
            elif kind == 3:
                out.append({"q": rng.choice(names)})
            elif kind == 4:
                out.append({"q": f'"{rng.choice(common)} {rng.choice(common)}"'})
            elif kind == 5:
                out.append({"q": rng.choice(rare)[:3] + "*"})
            elif kind == 6:
                out.append({"q": rng.choice(common), "lang": "el", "since": "2023-03-01", "until": "2023-06-30"})
            else:
                out.append({"q": f"{rng.choice(rare)} {rng.choice(common)}"})
        return out

    cpu: dict[int, float] = {}

    def timed(path: str, params: dict[str, str] | None = None) -> float:
        """Wall time of one request, in ms; its CPU time (all threads of this process:
        the client and the app) is kept in ``cpu``, a figure the machine's load hardly moves."""
        c = time.process_time()
        t = time.perf_counter()
        r = client.get(path, params=params)
        elapsed = (time.perf_counter() - t) * 1000
        cpu[len(cpu)] = (time.process_time() - c) * 1000
        if r.status_code != 200:
            raise SystemExit(f"{path} {params}: {r.status_code} {r.text[:200]}")
        return elapsed

    def measure(name: str, calls: list[float], target: int) -> None:
        n = len(calls)
        rows.append((name, calls, [cpu[k] for k in sorted(cpu)[-n:]], target))

    rows: list[tuple[str, list[float], list[float], int]] = []
    measure("search API (mixed queries)", [timed("/api/search", q) for q in queries()], 50)
    events = [f"bev{rng.randrange(n_events)}" for _ in range(args.runs // 2)]
    measure("event page", [timed(f"/events/{e}") for e in events], 300)
    measure("event API", [timed(f"/api/events/{e}") for e in events[:50]], 300)
    measure("entity page", [timed(f"/entities/{n}") for n in names[:50]], 300)
    measure("search page", [timed("/search", q) for q in queries()[:60]], 300)
    months = [{"since": f"2023-{m:02d}-01", "until": f"2023-{m:02d}-28"} for m in range(1, 13)]
    measure("timeline page (one month)", [timed("/", m) for m in months], 300)
    measure("coverage page", [timed("/coverage") for _ in range(5)], 300)

    lines = [
        f"Database: {n_articles} articles, {n_events} events (synthetic, `bench/search_bench.py`), "
        f"one process on this 2-core machine (shared with other work: load average {os.getloadavg()[0]:.1f});"
        f" API defaults (page size {client.app.state.settings.page_size}).",
        "",
        "| what | runs | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms | target p95 ms | ok |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, times, cpus, target in rows:
        p95 = p(times, 0.95)
        lines.append(
            f"| {name} | {len(times)} | {statistics.median(times):.1f} | {p95:.1f} | {max(times):.1f} |"
            f" {statistics.median(cpus):.1f} | {p(cpus, 0.95):.1f} | {target} | {'yes' if p95 <= target else 'NO'} |"
        )
    table = "\n".join(lines)
    print(table)
    out = Path(__file__).resolve().parent / "results" / "search_bench.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("# Search and page latency\n\n" + table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
