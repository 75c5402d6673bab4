"""Representation: embedders, entity weights, dates and the similarity parts."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest

from storyline.config import Config
from storyline.errors import ConfigError
from storyline.models import Article, ArticleEntity, Paragraph, Span
from storyline.represent import (
    E5Embedder,
    Embedder,
    EntityFrequencies,
    Representation,
    Representer,
    SimilarityWeights,
    StaticEmbedder,
    StaticTable,
    article_text,
    date_interval,
    load_static_table,
    load_weights,
    make_embedder,
    represent_many,
    similarity,
    similarity_parts,
    time_proximity,
    weighted_overlap,
)


def _article(text: str, *, title: str = "", entities: tuple[ArticleEntity, ...] = (), **kw: object) -> Article:
    return Article(
        id=kw.pop("id", title or text[:10]),  # type: ignore[arg-type]
        content_hash="h" + text[:8],
        source="test",
        raw=text,
        title=title,
        text=text,
        entities=entities,
        **kw,  # type: ignore[arg-type]
    )


def _entity(id_: str, type_: str = "PER", mentions: int = 1, in_title: bool = False) -> ArticleEntity:
    spans = tuple(Span(id_, 0, len(id_)) for _ in range(mentions))
    if in_title:
        spans += (Span(id_, 0, len(id_), field="title"),)
    return ArticleEntity(id=id_, name=id_, type=type_, mentions=spans)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- static table


@pytest.fixture()
def tiny_table() -> StaticTable:
    """Three pieces and one whole word in a 3-d space, hand-made."""
    tokens = ("▁ka", "t", "▁kat", "bridge")
    vectors = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]], dtype=np.float32)
    return StaticTable(
        tokens=tokens,
        vectors=vectors,
        weights=np.ones(4, dtype=np.float32),
        piece_scores={"▁ka": (0, -2.0), "t": (1, -2.0), "▁kat": (2, -3.0)},
    )


def test_viterbi_prefers_the_likelier_split(tiny_table: StaticTable) -> None:
    # one piece at -3 beats two pieces at -2 + -2
    assert tiny_table.tokenize_word("kat") == (2,)
    assert tiny_table.tokenize_word("kaat") == (0, 1)  # the unknown "a" is skipped


def test_whole_words_are_looked_up_lower_cased(tiny_table: StaticTable) -> None:
    assert tiny_table.tokenize_word("Bridge") == (3,)


def test_static_embed_is_normalised_and_empty_is_zero(tiny_table: StaticTable) -> None:
    out = StaticEmbedder(tiny_table).embed(["kat bridge", "", "!!!"])
    assert out.shape == (3, 3)
    assert out.dtype == np.float32
    assert math.isclose(float(np.linalg.norm(out[0])), 1.0, rel_tol=1e-5)
    assert not out[1].any() and not out[2].any()


def test_static_takes_out_the_mean_of_the_text_language(tiny_table: StaticTable) -> None:
    # "kat" texts share the language direction (1, 0, 0); a German and a Latvian text
    # that only share their language look alike until that language's mean is out
    table = StaticTable(
        tokens=tiny_table.tokens,
        vectors=np.array([[1, 0, 0], [0, 1, 0], [1, 0, 1], [1, 1, 0]], dtype=np.float32),
        weights=tiny_table.weights,
        piece_scores=tiny_table.piece_scores,
        doc_mean=np.zeros(3, dtype=np.float32),
        doc_components=np.zeros((0, 3), dtype=np.float32),
        language_means={"de": np.array([0.9, 0.0, 0.0], dtype=np.float32)},
    )
    embedder = StaticEmbedder(table)
    plain = embedder.embed(["kat", "bridge"])
    centred = embedder.embed(["kat", "bridge"], ["de", "de"])
    assert float(centred[0] @ centred[1]) < float(plain[0] @ plain[1])
    # a language without a mean of its own is centred on the all-language mean (zero here)
    unknown = embedder.embed(["kat", "bridge"], ["xx", None])
    assert np.allclose(unknown, plain)


def test_embedding_cosine_is_calibrated_onto_the_other_signals_scale() -> None:
    weights = SimilarityWeights({"embedding": 1.0}, embedding_range=(0.2, 0.6))
    assert weights.calibrate(0.4) == pytest.approx(0.5)
    assert weights.calibrate(0.9) == 1.0 and weights.calibrate(-0.3) == 0.0
    assert SimilarityWeights({"embedding": 1.0}).calibrate(0.42) == 0.42  # no range: raw cosine
    a = Representation(article_id="a", vector=np.array([1.0, 0.0], dtype=np.float32))
    b = Representation(article_id="b", vector=np.array([0.6, 0.8], dtype=np.float32))
    (part,) = similarity_parts(a, b, weights)
    assert part.value == pytest.approx(1.0)  # cosine 0.6 is the top of the range


def test_shipped_static_weights_say_how_the_cosine_is_mapped() -> None:
    weights = load_weights("static")
    assert weights.embedding_range is not None
    low, high = weights.embedding_range
    assert -1.0 <= low < high <= 1.0


@pytest.fixture(scope="module")
def static() -> StaticEmbedder:
    return StaticEmbedder(load_static_table())


def test_shipped_table_is_documented(static: StaticEmbedder) -> None:
    meta = static.table.meta
    assert meta["script"].startswith("scripts/distill_static.py")
    # the run-time centring was measured on real passages, per language (distill_tokenlearn.py)
    assert "en" in meta["language_means"]["passages"]
    assert static.table.language_means and static.table.doc_components is not None
    assert static.dim == meta["dims"]
    assert len(static.table.tokens) == meta["rows"]


@pytest.mark.parametrize(
    ("a", "b", "other", "languages"),
    [
        # hand-written sentences: a translation beats an unrelated text in the same language
        (
            "Der Präsident besuchte gestern die Hauptstadt Chinas und traf den Regierungschef.",
            "The president visited the Chinese capital yesterday and met the head of government.",
            "The president's favourite football club lost the cup final after extra time.",
            ("de", "en", "en"),
        ),
        (
            "Сильное наводнение разрушило мосты и дороги на юге страны.",
            "Heavy floods destroyed bridges and roads in the south of the country.",
            "Сборная страны выиграла чемпионат мира по хоккею.",
            ("ru", "en", "ru"),
        ),
        (
            "Le gouvernement a annoncé une hausse des impôts sur les carburants.",
            "El gobierno anunció una subida de los impuestos sobre los combustibles.",
            "Le festival de cinéma a récompensé un jeune réalisateur.",
            ("fr", "es", "fr"),
        ),
    ],
)
def test_static_is_cross_lingual(
    static: StaticEmbedder, a: str, b: str, other: str, languages: tuple[str, str, str]
) -> None:
    # as the pipeline embeds: with each text's language (its mean is taken out)
    va, vb, vo = static.embed([a, b, other], list(languages))
    assert float(va @ vb) > float(va @ vo)


def test_e5_embedder_caches_by_content() -> None:
    e5 = E5Embedder(cache_size=8)
    first = e5.embed(["Ein kurzer Satz über das Wetter.", ""])
    again = e5.embed(["Ein kurzer Satz über das Wetter."])
    assert isinstance(e5, Embedder)
    assert math.isclose(float(np.linalg.norm(first[0])), 1.0, rel_tol=1e-4)
    assert not first[1].any()
    assert np.array_equal(first[0], again[0])


def test_config_chooses_embedder() -> None:
    assert make_embedder(Config.load()).name == "static"
    with pytest.raises(ConfigError):
        make_embedder(Config.load(represent={"embedder": "bert"}))


# --------------------------------------------------------------------------- article text


def test_article_text_is_title_and_lead_cut_at_a_word() -> None:
    body = "Erste Zeile des Berichts. " * 20
    text = article_text(_article(body, title="Eine Überschrift"), lead_chars=60)
    assert text.startswith("Eine Überschrift\nErste Zeile")
    assert len(text) <= len("Eine Überschrift\n") + 60
    assert not text.endswith("Ber")


def test_article_text_does_not_repeat_a_title_the_body_starts_with() -> None:
    text = article_text(_article("Titel hier\nDer Text folgt.", title="Titel hier"))
    assert text.count("Titel hier") == 1


# --------------------------------------------------------------------------- entities


def test_rarer_entities_weigh_more_and_survive_a_round_trip() -> None:
    freq = EntityFrequencies()
    for _ in range(9):
        freq.observe(["LOC-Russia"])
    freq.observe(["LOC-Russia", "PER-Rare-Person"])
    assert freq.idf("PER-Rare-Person") > freq.idf("LOC-Russia") >= 1.0
    assert freq.idf("never-seen") > freq.idf("PER-Rare-Person")
    back = EntityFrequencies.from_dict(freq.to_dict())
    assert back.idf("LOC-Russia") == freq.idf("LOC-Russia")


class _CountingEmbedder:
    """A stand-in embedder: letters a–c counted, so tests do not depend on a model."""

    name = "counting"
    dim = 3

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.array([[t.count(c) for c in "abc"] for t in texts], dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return out / norms


def test_represent_weights_entities_and_keeps_places_and_date() -> None:
    freq = EntityFrequencies()
    art = _article(
        "abc text",
        title="A title",
        entities=(_entity("PER-X", mentions=3, in_title=True), _entity("LOC-Y", "LOC"), _entity("ORG-Z", "ORG")),
        published="2023-09-15",
    )
    (rep,) = represent_many([art], _CountingEmbedder(), freq)
    assert freq.documents == 1
    weights = rep.entity_weights
    assert rep.entities[0][0] == "PER-X"
    assert weights["PER-X"] > weights["ORG-Z"]
    assert set(rep.place_weights) == {"LOC-Y"}
    assert rep.date == "2023-09-15"  # no event date: the publication date


def test_a_place_in_the_lead_outweighs_one_named_more_often_further_down() -> None:
    lead = "The ministers met in Narva on Monday."
    rest = "The new road will run from Tartu to Valga. Tartu hopes for more visitors."
    text = f"{lead}\n\n{rest}"
    narva = ArticleEntity(id="LOC-N", name="Narva", type="LOC", mentions=(Span("Narva", lead.index("Narva"), 23),))
    at = [i for i in range(len(text)) if text.startswith("Tartu", i)]
    tartu = ArticleEntity(id="LOC-T", name="Tartu", type="LOC", mentions=tuple(Span("Tartu", i, i + 5) for i in at))
    art = _article(
        text,
        entities=(narva, tartu),
        paragraphs=(Paragraph(lead, 0, len(lead)), Paragraph(rest, len(lead) + 2, len(text))),
    )
    (rep,) = represent_many([art], _CountingEmbedder(), EntityFrequencies())
    assert rep.entity_weights["LOC-T"] > rep.entity_weights["LOC-N"]  # named twice: more of an actor
    assert rep.place_weights["LOC-N"] > rep.place_weights["LOC-T"]  # but the lead says where it happened


def test_representer_from_config_uses_static_and_fitted_weights() -> None:
    representer = Representer.from_config(Config.load())
    reps = representer.represent([_article("Kurzer Text über Wahlen."), _article("Short text on elections.")])
    assert reps[0].vector.shape == (representer.embedder.dim,)
    # no entities, places or dates: the score is the cosine alone, on the fitted 0..1 scale
    cosine = float(reps[0].vector @ reps[1].vector)
    assert representer.score(reps[0], reps[1]) == pytest.approx(representer.weights.calibrate(cosine))


# --------------------------------------------------------------------------- dates and overlap


@pytest.mark.parametrize(
    ("value", "days"),
    [
        ("2023-09-15", 1),
        ("2023-02", 28),
        ("2024-02", 29),
        ("2023", 365),
        ("2023-W37", 7),
        ("2023-02-28/2023-03-02", 3),
        ("2023-09-15T10:00:00", 1),
        ("2023-13-01", None),
        ("gestern", None),
        (None, None),
    ],
)
def test_date_interval(value: str | None, days: int | None) -> None:
    interval = date_interval(value)
    assert (None if interval is None else interval[1] - interval[0] + 1) == days


def test_time_proximity() -> None:
    assert time_proximity("2023-09-15", "2023-09-15") == 1.0
    assert time_proximity("2023-09", "2023-09-15") == 1.0  # inside the month
    assert time_proximity("2023-09-15", "2023-09-22", 7.0) == pytest.approx(math.exp(-1))
    assert time_proximity("2023", "2023-09-15") is None  # a year is no evidence
    assert time_proximity(None, "2023-09-15") is None


def test_weighted_overlap() -> None:
    assert weighted_overlap({}, {"a": 1.0}) is None
    assert weighted_overlap({"a": 2.0}, {"a": 1.0}) == pytest.approx(1.0)
    assert weighted_overlap({"a": 1.0}, {"b": 1.0}) == 0.0
    # sharing the heavy entity counts more than sharing the light one
    heavy = weighted_overlap({"a": 3.0, "b": 1.0}, {"a": 1.0})
    light = weighted_overlap({"a": 3.0, "b": 1.0}, {"b": 1.0})
    assert heavy is not None and light is not None and heavy > light


# --------------------------------------------------------------------------- similarity


def _rep(vector: list[float], entities: dict[str, float], places: dict[str, float], day: str | None) -> Representation:
    v = np.asarray(vector, dtype=np.float32)
    return Representation(
        article_id="x",
        vector=v / np.linalg.norm(v),
        entities=tuple(entities.items()),
        places=tuple(places.items()),
        date=day,
    )


WEIGHTS = SimilarityWeights({"embedding": 1.0, "entities": 1.0, "place": 0.5, "time": 0.5})


def test_parts_sum_to_the_score_and_missing_signals_drop_out() -> None:
    a = _rep([1, 0], {"PER-A": 2.0, "LOC-S": 1.0}, {"LOC-S": 1.0}, "2023-09-15")
    b = _rep([1, 1], {"PER-A": 1.0}, {}, None)
    parts = similarity_parts(a, b, WEIGHTS)
    assert {p.signal for p in parts} == {"embedding", "entities"}
    assert sum(p.weight for p in parts) == pytest.approx(1.0)
    assert similarity(a, b, WEIGHTS) == pytest.approx(sum(p.value * p.weight for p in parts))


def test_same_event_scores_above_same_topic_months_apart() -> None:
    # same embedding (topic), but different actors, place and a date months away
    sochi = _rep([1, 0.2], {"PER-A": 2.0, "PER-B": 2.0, "LOC-Sochi": 1.0}, {"LOC-Sochi": 1.0}, "2023-09-15")
    sochi2 = _rep([1, 0.3], {"PER-A": 1.0, "PER-B": 1.0, "LOC-Sochi": 1.0}, {"LOC-Sochi": 1.0}, "2023-09-15")
    minsk = _rep([1, 0.25], {"PER-A": 1.0, "PER-C": 2.0, "LOC-Minsk": 1.0}, {"LOC-Minsk": 1.0}, "2024-05-23")
    assert similarity(sochi, sochi2, WEIGHTS) > similarity(sochi, minsk, WEIGHTS) + 0.3


def test_nothing_to_compare_scores_zero() -> None:
    empty = Representation(article_id="e", vector=np.zeros(2, dtype=np.float32))
    assert similarity_parts(empty, empty, WEIGHTS) == ()
    assert similarity(empty, empty, WEIGHTS) == 0.0
