"""Unlearning (store(..., rule="unlearning")) and diluted recall against plain numpy.

Unlearning: N = 300, P = 45 Hebbian patterns, 200 dreams, eps = 0.01. Reference: per dream a
random start, async sweeps in a random order with a Python loop over neurons (field W[i] @ s,
BLAS), then a rank-one update. memsim: one Numba kernel (incremental fields, a flip costs O(N)).

Diluted recall: N = 3000, C = 20 asymmetric, P = 6, 50 cues, sync steps to a fixed point.
Reference: ``S @ W.T`` per step on the moving cues (BLAS). Results are checked equal.

Run: python benchmarks/bench_unlearning.py [--repeats 5]
"""

from __future__ import annotations

import numpy as np
from _common import bench_parser, side_by_side
from _references import random_pm1

from memsim.hopfield import recall, store


def reference_unlearning(xi, dreams, eps, seed):
    p, n = xi.shape
    W = (xi.T.astype(np.float64) @ xi) / n
    np.fill_diagonal(W, 0)
    rng = np.random.default_rng(seed)
    for _ in range(dreams):
        s = np.where(rng.random(n) < 0.5, 1.0, -1.0)
        for _sweep in range(100):
            flips = 0
            for i in rng.permutation(n):
                h = W[i] @ s
                new = 1.0 if h > 0 else (-1.0 if h < 0 else s[i])
                if new != s[i]:
                    s[i] = new
                    flips += 1
            if flips == 0:
                break
        W -= (eps / n) * np.outer(s, s)
        np.fill_diagonal(W, 0)
    return W


def reference_sync(W, cues, steps=100):
    S = cues.astype(np.float64)
    active = np.arange(len(S))
    for _ in range(steps):
        H = S[active] @ W.T
        new = np.where(H > 0, 1.0, np.where(H < 0, -1.0, S[active]))
        moved = (new != S[active]).any(1)
        S[active] = new
        active = active[moved]
        if active.size == 0:
            break
    return S.astype(np.int8)


def main():
    a = bench_parser(__doc__, repeats=5).parse_args()
    rng = np.random.default_rng(0)
    xi = random_pm1(rng, (45, 300))
    store(xi, rule="unlearning", dreams=2, seed=1)  # warm-up
    xd = random_pm1(rng, (6, 3000))
    w = store(xd, dilution=20, seed=1)
    Wf = np.rint(np.asarray(w) * 20)
    cues = np.repeat(xd[:1], 50, axis=0)
    cues[rng.random(cues.shape) < 0.2] *= -1
    # sync stop rules differ (memsim also stops on 2-cycles); compare where both stopped
    r = recall(w, cues, "sync", warn=False)
    ok = r.stop == "fixed_point"
    np.testing.assert_array_equal(r.states[ok], reference_sync(Wf, cues)[ok])
    cases = [
        (
            "unlearning, 200 dreams",
            lambda: reference_unlearning(xi, 200, 0.01, 1),
            lambda: store(xi, rule="unlearning", dreams=200, seed=1),
        ),
        (
            "diluted sync recall",
            lambda: reference_sync(Wf, cues),
            lambda: recall(w, cues, "sync", warn=False),
        ),
    ]
    side_by_side(cases, a.repeats, f"best of {a.repeats}", width=24)


if __name__ == "__main__":
    main()
