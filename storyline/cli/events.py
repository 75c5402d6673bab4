"""``storyline events``, ``stories``, ``meetings`` and ``explain``: read the events tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from storyline.cli.options import DB, open_db


def _count(n: int, noun: str) -> str:
    """``1 article``, ``3 articles``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _entity(store, query: str | None) -> str | None:  # type: ignore[no-untyped-def]
    """An entity id from an id or a (part of a) name; the first match."""
    if not query:
        return None
    found = store.find_entity_ids(query)
    if not found:
        typer.echo(f"no entity matches {query!r}", err=True)
        raise typer.Exit(1)
    return str(found[0])


def events(
    db: Path | None = DB,
    since: str | None = typer.Option(None, "--since", help="First date (YYYY-MM-DD, or a prefix)."),
    until: str | None = typer.Option(None, "--until", help="Last date (YYYY-MM-DD, or a prefix)."),
    entity: str | None = typer.Option(None, "--entity", help="Only events with this actor (id or name)."),
    lang: str | None = typer.Option(None, "--lang", help="Only events reported in this language."),
    limit: int = typer.Option(100, "--limit"),
) -> None:
    """The timeline: one line per event, in date order."""
    with open_db(db, readonly=True) as store:
        evs = store.events(since=since, until=until, entity=_entity(store, entity), lang=lang, limit=limit)
        names = store.entity_names({a for e in evs for a in e.actors})
        for e in evs:
            actors = ", ".join(names.get(a, a) for a in e.actors[:4])
            typer.echo(
                f"{e.date or '?':<23} {e.id}  {e.title}\n"
                f"{'':<23} {_count(len(e.articles), 'article')} [{', '.join(e.languages)}]"
                f"{'  at ' + e.place if e.place else ''}{'  — ' + actors if actors else ''}"
                f"{'  story ' + e.story_id if e.story_id else ''}"
            )


def stories(
    db: Path | None = DB,
    entity: str | None = typer.Option(None, "--entity", help="Only storylines with this actor (id or name)."),
    limit: int = typer.Option(50, "--limit"),
) -> None:
    """Storylines, latest first, with their events."""
    with open_db(db, readonly=True) as store:
        for s in store.stories(entity=_entity(store, entity), limit=limit):
            typer.echo(f"{s.id}  {s.title}  ({s.start or '?'} – {s.end or '?'}, {_count(len(s.events), 'event')})")
            for eid in s.events:
                e = store.event(eid)
                if e is not None:
                    typer.echo(f"    {e.date or '?':<23} {e.title}")


def meetings(
    entity: str | None = typer.Argument(None, help="Only meetings of this person (id or name)."),
    db: Path | None = DB,
) -> None:
    """Who met whom, where and when."""
    with open_db(db, readonly=True) as store:
        found = store.meetings(entity=_entity(store, entity))
        names = store.entity_names({p for m in found for p in (*m.participants, m.host or "", m.guest or "") if p})
        for m in found:
            who = " – ".join(names.get(p, p) for p in m.participants)
            roles = ""
            if m.guest:
                roles = f"  (guest {names.get(m.guest, m.guest)}" + (
                    f", host {names.get(m.host, m.host)})" if m.host else ")"
                )
            plan = "  (planned)" if m.planned else ""
            typer.echo(f"{m.date or '?':<23} {who}{', ' + m.place if m.place else ''}{roles}{plan}  [{m.event_id}]")


def explain(
    article: str = typer.Argument(..., help="Article id."),
    db: Path | None = DB,
) -> None:
    """Why an article is in its event: each signal's value and weight, and the runners-up;
    for an article that opened a new event, the best candidate and how far it fell short."""
    with open_db(db, readonly=True) as store:
        ids = store.find_article_ids(article)
        article = ids[0] if ids else article
        d: dict[str, Any] | None = store.decision(article)
        if d is None:
            typer.echo(f"no clustering decision recorded for {article!r}", err=True)
            raise typer.Exit(1)
        event = store.event(str(d["event"])) if d["event"] else None
        typer.echo(f"article {article}: {d['decision']} event {d['event']}" + (f" — {event.title}" if event else ""))
        if d["detail"]:
            typer.echo(f"  {d['detail']}")
        cands = d["candidates"]
        threshold = float(d["threshold"] or 0)
        if d["score"] is not None:
            score = float(d["score"])
            if d["decision"] == "joined":
                typer.echo(f"  score {score:.3f} against threshold {threshold:.3f}:")
            else:  # a new event: the best candidate's score, below the threshold
                best = f" {cands[0][0]}" if cands else ""
                typer.echo(f"  no candidate reached the threshold: the best{best} scored {score:.3f}"
                           f" < {threshold:.3f}:")
            for p in d["parts"]:
                typer.echo(f"    {p.signal:<10} {p.value:6.3f} × {p.weight:.3f} = {p.value * p.weight:.3f}")
        elif d["decision"] == "new":
            typer.echo(
                "  no earlier event was a candidate: none near it in the ANN index of its time window,"
                " none sharing one of its main entities"
            )
        if event is not None and len(event.articles) > 1:
            typer.echo(f"  together with: {', '.join(a for a in event.articles if a != article)}")
        if cands:
            typer.echo("  candidates: " + ", ".join(f"{c[0]} ({c[1]:.3f})" for c in cands))


def register(app: typer.Typer) -> None:
    app.command()(events)
    app.command()(stories)
    app.command()(meetings)
    app.command()(explain)
