"""BAM recall (memsim.hopfield.bam) against plain numpy, same process, same data.

Nx = 1000, Ny = 800, P = 60 pairs, 200 cues (x with 20% of bits flipped).

Reference: both half-steps as BLAS products on the cues still moving (``X @ W.T``, ``Y @ W``),
keep-state sgn, energies ``-sum(Y * (X @ W.T))`` per half-step, each cue stopping at its first
half-step (after the first) without a flip. memsim: exact integer Numba kernel, cues in parallel.
Final pairs are checked equal. Best of --repeats after a warm-up.

Run: python benchmarks/bench_bam.py [--repeats 5]
"""

from __future__ import annotations

import numpy as np
from _common import bench_parser, side_by_side
from _references import random_pm1

from memsim.hopfield import bam


def reference(W, X, Y, max_half=200):
    Wf = W.astype(np.float64)
    X = X.astype(np.float64)
    Y = Y.astype(np.float64)
    active = np.arange(len(X))
    energies = [-(Y * (X @ Wf.T)).sum(1)]
    for k in range(max_half):
        if active.size == 0:
            break
        xa, ya = X[active], Y[active]
        if k % 2 == 0:
            h = xa @ Wf.T
            new = np.where(h > 0, 1.0, np.where(h < 0, -1.0, ya))
            moved = (new != ya).any(1)
            Y[active] = new
        else:
            h = ya @ Wf
            new = np.where(h > 0, 1.0, np.where(h < 0, -1.0, xa))
            moved = (new != xa).any(1)
            X[active] = new
        energies.append(-(Y[active] * (X[active] @ Wf.T)).sum(1))
        if k >= 1:
            active = active[moved]
    return X.astype(np.int8), Y.astype(np.int8)


def main():
    a = bench_parser(__doc__, nx=1000, ny=800, p=60, cues=200, repeats=5).parse_args()
    rng = np.random.default_rng(0)
    X = random_pm1(rng, (a.p, a.nx))
    Y = random_pm1(rng, (a.p, a.ny))
    W = bam.store(X, Y)
    cues = X[rng.integers(0, a.p, a.cues)].copy()
    cues[rng.random(cues.shape) < 0.2] *= -1
    y0 = random_pm1(rng, (a.cues, a.ny))
    r = bam.recall(W, x=cues, y=y0, max_steps=100)
    rx, ry = reference(W, cues, y0)
    np.testing.assert_array_equal(r.x, rx)
    np.testing.assert_array_equal(r.y, ry)
    cases = [
        (
            "recall",
            lambda: reference(W, cues, y0),
            lambda: bam.recall(W, x=cues, y=y0, max_steps=100),
        ),
        ("store", lambda: Y.T.astype(np.float64) @ X.astype(np.float64), lambda: bam.store(X, Y)),
    ]
    title = f"Nx={a.nx} Ny={a.ny} P={a.p} cues={a.cues}; best of {a.repeats}"
    side_by_side(cases, a.repeats, title, width=10)
    print(f"mean half-steps {r.steps.mean():.2f}")


if __name__ == "__main__":
    main()
