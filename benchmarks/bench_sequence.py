"""Sequence recall (memsim.hopfield.sequence) against plain numpy, same process, same data.

N = 1000 neurons, a cyclic sequence of P = 100 patterns, 50 cues, 20 steps/sweeps.

Reference (what a careful numpy user writes):
* sync: ``h = S @ W.T`` (BLAS) per step, keep-state sgn;
* async with slow synapses (tau = 4): per sweep the slow fields ``sbar @ J_fwd.T`` (BLAS), then a
  Python loop over neurons in a fixed order, each neuron's fast field ``S @ (lam J_sym)[:, i]``
  for all cues at once.

memsim: Numba kernels, cues in parallel; async fields kept incrementally (a flip costs O(N)).
Sync results are checked equal. Best of --repeats after a warm-up (compilation excluded).

Run: python benchmarks/bench_sequence.py [--repeats 5]
"""

from __future__ import annotations

import numpy as np
from _common import bench_parser, side_by_side
from _references import random_pm1

from memsim.hopfield import sequence as sq


def reference_sync(W: np.ndarray, cues: np.ndarray, steps: int) -> np.ndarray:
    S = cues.astype(np.float64)
    for _ in range(steps):
        H = S @ W.T
        S = np.where(H > 0, 1.0, np.where(H < 0, -1.0, S))
    return S.astype(np.int8)


def reference_async_tau(fwd, sym, lam, cues, steps, tau) -> np.ndarray:
    S = cues.astype(np.float64)
    sbar = S.copy()
    fast = lam * sym
    n = S.shape[1]
    for _ in range(steps):
        slow = sbar @ fwd.T
        for i in range(n):
            h = S @ fast[:, i] + slow[:, i]
            S[:, i] = np.where(h > 0, 1.0, np.where(h < 0, -1.0, S[:, i]))
        sbar += (S - sbar) / tau
    return S.astype(np.int8)


def main() -> None:
    a = bench_parser(__doc__, n=1000, p=100, cues=50, steps=20, repeats=5).parse_args()
    rng = np.random.default_rng(0)
    xi = random_pm1(rng, (a.p, a.n))
    cues = xi[rng.integers(0, a.p, a.cues)]
    w = sq.store(xi, cyclic=True, lam=0.5)
    w0 = sq.store(xi, cyclic=True)
    W = np.rint(np.asarray(w0) * a.n)
    fwd, sym = np.rint(w.forward * a.n), np.rint(w.symmetric * a.n)

    r = sq.recall(w0, cues, a.steps)
    np.testing.assert_array_equal(r.states[:, -1], reference_sync(W, cues, a.steps))
    sq.recall(w, cues, a.steps, "async", tau=4.0, seed=1)

    cases = [
        ("sync", lambda: reference_sync(W, cues, a.steps), lambda: sq.recall(w0, cues, a.steps)),
        (
            "async, tau=4",
            lambda: reference_async_tau(fwd, sym, 0.5, cues, a.steps, 4.0),
            lambda: sq.recall(w, cues, a.steps, "async", tau=4.0, seed=1),
        ),
    ]
    title = f"N={a.n} P={a.p} cues={a.cues} steps={a.steps}; best of {a.repeats}"
    side_by_side(cases, a.repeats, title, width=16)


if __name__ == "__main__":
    main()
