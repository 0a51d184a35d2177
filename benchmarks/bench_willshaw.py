"""Willshaw recall (memsim.hopfield.willshaw) against plain numpy, same process, same data.

N_in = N_out = 4000, K = 20 active units, M = 30000 stored associations (p1 about 0.5),
2000 clean cues, theta = K (active cue units).

Reference: dense dendritic sums ``X @ W.T`` (float32 BLAS) and a comparison. memsim: the sums
of the K active columns only (K N_out per cue), cues in parallel. Outputs are checked equal.

Run: python benchmarks/bench_willshaw.py [--repeats 5]
"""

from __future__ import annotations

import numpy as np
from _common import bench_parser, side_by_side

from memsim.hopfield import willshaw as ws


def reference(W32, X):
    d = X.astype(np.float32) @ W32.T
    return (d >= X.sum(1, keepdims=True)).astype(np.uint8)


def main():
    a = bench_parser(__doc__, n=4000, k=20, m=30000, cues=2000, repeats=5).parse_args()
    g = np.random.default_rng(0)
    x = ws.sparse_patterns(a.m, a.n, a.k, g)
    y = ws.sparse_patterns(a.m, a.n, a.k, g)
    W = ws.store(x, y)
    W32 = W.astype(np.float32)
    X = x[: a.cues]
    np.testing.assert_array_equal(ws.recall(W, X).output, reference(W32, X))
    title = f"N={a.n} K={a.k} M={a.m} (p1={W.mean():.3f}) cues={a.cues}; best of {a.repeats}"
    side_by_side([("recall", lambda: reference(W32, X), lambda: ws.recall(W, X))], a.repeats, title)


if __name__ == "__main__":
    main()
