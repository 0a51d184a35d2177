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

import argparse

import numpy as np
from _timing import best_of, print_speedups

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
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--p", type=int, default=100)
    ap.add_argument("--cues", type=int, default=50)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    xi = np.where(rng.random((a.p, a.n)) < 0.5, 1, -1).astype(np.int8)
    cues = xi[rng.integers(0, a.p, a.cues)]
    w = sq.store(xi, cyclic=True, lam=0.5)
    w0 = sq.store(xi, cyclic=True)
    W = np.rint(np.asarray(w0) * a.n)
    fwd, sym = np.rint(w.forward * a.n), np.rint(w.symmetric * a.n)

    r = sq.recall(w0, cues, a.steps)
    np.testing.assert_array_equal(r.states[:, -1], reference_sync(W, cues, a.steps))
    sq.recall(w, cues, a.steps, "async", tau=4.0, seed=1)

    rows = [
        (
            "sync",
            best_of(lambda: reference_sync(W, cues, a.steps), a.repeats),
            best_of(lambda: sq.recall(w0, cues, a.steps), a.repeats),
        ),
        (
            "async, tau=4",
            best_of(lambda: reference_async_tau(fwd, sym, 0.5, cues, a.steps, 4.0), a.repeats),
            best_of(lambda: sq.recall(w, cues, a.steps, "async", tau=4.0, seed=1), a.repeats),
        ),
    ]
    print(f"N={a.n} P={a.p} cues={a.cues} steps={a.steps}; best of {a.repeats}")
    print_speedups(list(rows), width=16)


if __name__ == "__main__":
    main()
