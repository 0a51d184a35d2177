"""Willshaw recall (memsim.hopfield.willshaw) against plain numpy, same process, same data.

N_in = N_out = 4000, K = 20 active units, M = 30000 stored associations (p1 about 0.5),
2000 clean cues, theta = K (active cue units).

Reference: dense dendritic sums ``X @ W.T`` (float32 BLAS) and a comparison. memsim: the sums
of the K active columns only (K N_out per cue), cues in parallel. Outputs are checked equal.

Run: python benchmarks/bench_willshaw.py [--repeats 5]
"""

from __future__ import annotations

import argparse

import numpy as np
from _timing import best_of

from memsim.hopfield import willshaw as ws


def reference(W32, X):
    d = X.astype(np.float32) @ W32.T
    return (d >= X.sum(1, keepdims=True)).astype(np.uint8)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--m", type=int, default=30000)
    ap.add_argument("--cues", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    g = np.random.default_rng(0)
    x = ws.sparse_patterns(a.m, a.n, a.k, g)
    y = ws.sparse_patterns(a.m, a.n, a.k, g)
    W = ws.store(x, y)
    W32 = W.astype(np.float32)
    X = x[: a.cues]
    np.testing.assert_array_equal(ws.recall(W, X).output, reference(W32, X))
    t_ref = best_of(lambda: reference(W32, X), a.repeats)
    t_mem = best_of(lambda: ws.recall(W, X), a.repeats)
    print(f"N={a.n} K={a.k} M={a.m} (p1={W.mean():.3f}) cues={a.cues}; best of {a.repeats}")
    print(f"{'case':<10} {'numpy ref (ms)':>15} {'memsim (ms)':>12} {'speed-up':>9}")
    print(f"{'recall':<10} {t_ref * 1e3:>15.2f} {t_mem * 1e3:>12.2f} {t_ref / t_mem:>8.1f}x")


if __name__ == "__main__":
    main()
