"""Copies: near-duplicates in one language (MinHash) and translations across languages."""

from __future__ import annotations

import pytest

from storyline.dedup import NearDuplicates, fingerprint, is_translation, text_marks
from storyline.models import Article, ArticleEntity

BODY = (
    "The river ferry between the two villages stopped running on Tuesday after the spring flood "
    "washed away part of the landing stage, the county office said, and repairs will take weeks "
    "because the contractor must first wait for the water level to fall below the old mark."
)


def art(id_: str, text: str, lang: str = "en", ents: tuple[str, ...] = ()) -> Article:
    return Article(id=id_, content_hash=id_, source=id_, raw=text, text=text, language=lang,
                   entities=tuple(ArticleEntity(e, e, "LOC") for e in ents))


def test_syndicated_copy_is_a_near_duplicate() -> None:
    index = NearDuplicates(threshold=0.8)
    assert index.find_or_add(art("a", BODY)) is None
    copy = "Local news. " + BODY  # the same agency text with a header
    assert index.find_or_add(art("b", copy)) == "a"


def test_other_text_or_other_language_is_not_a_copy() -> None:
    index = NearDuplicates(threshold=0.8)
    index.find_or_add(art("a", BODY))
    other = "The town council approved a new budget for the library and the swimming pool on Monday evening."
    assert index.find_or_add(art("b", other)) is None
    assert index.find_or_add(art("c", BODY, lang="de")) is None  # indexed per language


def test_translation_keeps_numbers_and_entities() -> None:
    en = art("en", "In 2021 the port handled 1,250 ships and 3.4 million tonnes; 87 cranes work there, 12 new.",
             "en", ("port", "city"))
    de = art("de", "Im Jahr 2021 fertigte der Hafen 1.250 Schiffe und 3,4 Millionen Tonnen ab; 87 Kräne, 12 neu.",
             "de", ("port", "city"))
    assert is_translation(fingerprint(de), fingerprint(en))
    other = art("fr", "En 2019 le port a accueilli 900 navires et 2,1 millions de tonnes; 40 grues, 3 neuves.",
                "fr", ("port", "city"))
    assert not is_translation(fingerprint(other), fingerprint(en))
    same_lang = art("en2", en.text, "en", ("port", "city"))
    assert not is_translation(fingerprint(same_lang), fingerprint(en))  # same language: MinHash's job


def test_minhash_is_datasketchs_own_sketch() -> None:
    """The shared-permutation, one-pass hashing sketch is bit for bit datasketch's default."""
    from datasketch import MinHash

    from storyline.dedup import _shingles

    for text in (BODY, "Ein kurzer Satz über den Hafen und die Fähre im Frühling.", "один два три"):
        ours = NearDuplicates(num_perm=64).minhash(text)
        theirs = MinHash(num_perm=64, seed=1)
        theirs.update_batch(_shingles(text))
        assert ours is not None
        assert (ours.hashvalues == theirs.hashvalues).all()  # type: ignore[attr-defined]
    assert NearDuplicates().minhash("  ... ") is None


def test_a_signature_given_finds_what_the_text_finds() -> None:
    """The signature a worker computes from the text alone does what the text does here."""
    here, given = NearDuplicates(threshold=0.8), NearDuplicates(threshold=0.8)
    copy = "Local news. " + BODY
    signature = given.signature(BODY)
    assert signature is not None and signature.dtype == given.signature_dtype and len(signature) == given.num_perm
    assert (signature == NearDuplicates().minhash(BODY).hashvalues).all()  # type: ignore[union-attr]
    assert here.find_or_add(art("a", BODY)) is given.find_or_add_signature(art("a", BODY), signature) is None
    copied = given.signature(copy)
    assert here.find_or_add(art("b", copy)) == given.find_or_add_signature(art("b", copy), copied) == "a"
    assert given.signature("  ... ") is None
    assert given.find_or_add_signature(art("c", "  ... "), None) is None
    with pytest.raises(ValueError, match="expected 64"):
        given.find_or_add_signature(art("d", BODY), signature[:10])


def test_text_marks_are_the_fingerprints_text_part() -> None:
    text = "Am 3. Mai kamen 1.250 Gäste, 2024 waren es 980."
    numbers, letters = text_marks(text)
    assert numbers == ("1250", "2024", "3", "980")
    assert letters == sum(c.isalpha() for c in text)
    a = art("x", text, "de", ("harbour",))
    assert fingerprint(a, (numbers, letters)) == fingerprint(a)
