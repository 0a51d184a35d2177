"""Public Python functions name the offending argument in their MemsimError (issue 14, item 4).

One bad argument per call (negative seed or size, wrong shape or dtype, NaN where not allowed,
unknown option): the error is a MemsimError (never a raw IndexError / TypeError / ValueError
from inside numpy or numba) and its message contains the argument's name.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from memsim import attention, kv, ntm, patterns
from memsim.errors import MemsimError
from memsim.hopfield import classical, dense, modern

NAN = float("nan")
RNG = np.random.default_rng(0)
XI = np.where(RNG.random((4, 30)) < 0.5, 1, -1).astype(np.int8)
W = classical.store(XI)
Z = RNG.normal(size=(3, 5))
Q = RNG.normal(size=(2, 4))
K = RNG.normal(size=(6, 4))
V = RNG.normal(size=(6, 3))
MEM = np.full((8, 4), 0.1)
WGT = np.full(8, 1 / 8)
REAL = np.sign(RNG.normal(size=(4, 16)))


def bad_cues():
    c = XI.copy().astype(np.int64)
    c[0, 0] = 2
    return c


CASES = [
    # memsim.hopfield (classical)
    ("recall seed", lambda: classical.recall(W, XI, seed=-1), "seed"),
    ("recall max_sweeps", lambda: classical.recall(W, XI, max_sweeps=0), "max_sweeps"),
    ("recall dynamics", lambda: classical.recall(W, XI, dynamics="fast"), "dynamics"),
    ("recall order", lambda: classical.recall(W, XI, order="sorted"), "order"),
    ("recall temperature nan", lambda: classical.recall(W, XI, temperature=NAN), "temperature"),
    ("recall cues size", lambda: classical.recall(W, XI[:, :10]), "cues"),
    ("recall cues values", lambda: classical.recall(W, bad_cues()), "cues"),
    ("recall cues 3-D", lambda: classical.recall(W, XI[None]), "cues"),
    ("recall threads", lambda: classical.recall(W, XI, threads=0), "threads"),
    ("recall targets", lambda: classical.recall(W, XI, targets=XI[:, :5]), "targets"),
    ("recall seed str", lambda: classical.recall(W, XI, seed="one"), "seed"),
    ("store 1-D", lambda: classical.store(XI[0]), "patterns"),
    ("store values", lambda: classical.store(XI * 0.5), "patterns"),
    ("store nan", lambda: classical.store(np.full((2, 5), NAN)), "patterns"),
    ("store rule", lambda: classical.store(XI, "magic"), "rule"),
    ("store kappa nan", lambda: classical.store(XI, "perceptron", kappa=NAN), "kappa"),
    ("store max_epochs", lambda: classical.store(XI, "perceptron", max_epochs=0), "max_epochs"),
    ("store activity", lambda: classical.store(XI, "covariance", activity=2.0), "activity"),
    ("energy states", lambda: classical.energy(W, XI[:, :3]), "states"),
    ("overlaps states", lambda: classical.overlaps(XI, XI[:, :3]), "states"),
    # memsim.hopfield.dense
    ("dense n", lambda: dense.dense_recall(XI, XI, n=1), "n"),
    ("dense seed", lambda: dense.dense_recall(XI, XI, seed=-1), "seed"),
    ("dense interaction", lambda: dense.dense_recall(XI, XI, interaction="cubic"), "interaction"),
    ("dense cues size", lambda: dense.dense_recall(XI, XI[:, :5]), "cues"),
    ("dense energy states", lambda: dense.dense_energy(XI, XI[:, :3]), "states"),
    ("dense capacity n_neurons", lambda: dense.measure_capacity(-5), "n_neurons"),
    ("dense bit_error n_patterns", lambda: dense.bit_error_rate(100, -1), "n_patterns"),
    ("dense random count", lambda: dense.random_patterns(-1, 10), "count"),
    ("dense random seed", lambda: dense.random_patterns(3, 10, -1), "seed"),
    # memsim.hopfield.modern
    ("modern beta nan", lambda: modern.retrieve(REAL, REAL, NAN), "beta"),
    ("modern steps", lambda: modern.retrieve(REAL, REAL, 1.0, steps=-1), "steps"),
    ("modern queries dim", lambda: modern.retrieve(REAL, REAL[:, :3], 1.0), "queries"),
    ("modern normaliser", lambda: modern.retrieve(REAL, REAL, 1.0, normaliser="x"), "normaliser"),
    ("modern random count", lambda: modern.random_patterns(-1, 10), "count"),
    ("modern capacity n_neurons", lambda: modern.measure_capacity(-1), "n_neurons"),
    # memsim.attention
    ("softmax temperature", lambda: attention.softmax(Z, temperature=0.0), "temperature"),
    ("topk k", lambda: attention.topk(Z, k=0), "k"),
    ("entmax alpha", lambda: attention.entmax_bisect(Z, alpha=0.5), "alpha"),
    ("attend values rows", lambda: attention.attend(Q, K, V[:3]), "values"),
    ("attend keys dim", lambda: attention.attend(Q, K[:, :2], V), "keys"),
    ("score kind", lambda: attention.score(Q, K, kind="magic"), "kind"),
    ("causal_mask length", lambda: attention.causal_mask(-1), "length"),
    ("position length", lambda: attention.sinusoidal_position_encoding(-1, 4), "length"),
    ("multi-head d_model", lambda: attention.random_multi_head_weights(-1, 2), "d_model"),
    ("multi-head seed", lambda: attention.random_multi_head_weights(4, 2, seed=-1), "seed"),
    # memsim.ntm
    ("init_memory slots", lambda: ntm.init_memory(-1, 4), "slots"),
    ("init_memory seed", lambda: ntm.init_memory(4, 4, "uniform", seed=-1), "seed"),
    ("init_memory method", lambda: ntm.init_memory(4, 4, "magic"), "method"),
    ("run_task seed", lambda: ntm.run_task("copy", seed=-1), "seed"),
    ("run_task length", lambda: ntm.run_task("copy", length=-1), "length"),
    ("run_task name", lambda: ntm.run_task("juggle"), "name"),
    ("sharpen gamma", lambda: ntm.sharpen(WGT, 0.5), "gamma"),
    ("content key dim", lambda: ntm.content_weighting(MEM, np.ones(3), 1.0), "key"),
    ("read w size", lambda: ntm.read(MEM, np.ones(3) / 3), "w"),
    # memsim.kv
    ("random_memory slots", lambda: kv.random_memory(-1, 4), "slots"),
    ("random_memory seed", lambda: kv.random_memory(10, 4, seed=-1), "seed"),
    ("word_vectors count", lambda: kv.word_vectors(-1, 4), "count"),
    ("stories task", lambda: kv.generate_stories("riddles", 3), "task"),
    ("stories count", lambda: kv.generate_stories("one_fact", -1), "count"),
    ("retrieval_trial seed", lambda: kv.retrieval_trial(seed=-1), "seed"),
    ("position_encoding length", lambda: kv.position_encoding(-1, 4), "sentence_length"),
    ("kv read values rows", lambda: kv.read(Q, K, V[:3]), "values"),
    # memsim.patterns
    ("random_patterns n_patterns", lambda: patterns.random_patterns(-1, 10), "n_patterns"),
    ("random_patterns n_neurons", lambda: patterns.random_patterns(5, 1), "n_neurons"),
    (
        "random_patterns distribution",
        lambda: patterns.random_patterns(5, 9, distribution="u"),
        "distribution",
    ),
    ("random_patterns dtype", lambda: patterns.random_patterns(5, 9, dtype="int32"), "dtype"),
    ("random_patterns bias", lambda: patterns.random_patterns(5, 10, bias=2.0), "bias"),
    ("random_patterns bias nan", lambda: patterns.random_patterns(5, 10, bias=NAN), "bias"),
    ("corrupt flip", lambda: patterns.corrupt(XI, flip=2.0), "flip"),
    ("corrupt flip nan", lambda: patterns.corrupt(XI, flip=NAN), "flip"),
    ("corrupt mask", lambda: patterns.corrupt(XI, mask=-1.0), "mask"),
    ("corrupt mask_fill", lambda: patterns.corrupt(XI, mask_fill="grey"), "mask_fill"),
    ("corrupt patterns nan", lambda: patterns.corrupt(np.full((2, 5), NAN)), "patterns"),
    ("letters text", lambda: patterns.letters("A1"), "text"),
    ("letters scale", lambda: patterns.letters("A", scale=0), "scale"),
    ("load_patterns path", lambda: patterns.load_patterns("/nonexistent/p.npy"), "p.npy"),
]

#: calls known to fail (none now; kept so a future known failure is marked, not hidden)
KNOWN: dict[str, str] = {}


def _params():
    for name, call, arg in CASES:
        marks = [pytest.mark.xfail(reason=KNOWN[name], strict=True)] if name in KNOWN else []
        yield pytest.param(call, arg, id=name, marks=marks)


@pytest.mark.parametrize("call,arg", list(_params()))
def test_bad_argument_is_named(call, arg):
    try:
        call()
    except MemsimError as exc:
        msg = str(exc)
        assert re.search(rf"(?<![A-Za-z0-9_]){re.escape(arg)}(?![A-Za-z0-9_])", msg), msg
        return
    except Exception as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{type(exc).__name__} instead of MemsimError: {exc}")
    pytest.fail("accepted without an error")
