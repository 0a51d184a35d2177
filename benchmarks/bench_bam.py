"""BAM recall (memsim.hopfield.bam) against plain numpy, same process, same data.

Nx = 1000, Ny = 800, P = 60 pairs, 200 cues (x with 20% of bits flipped).

Reference: both half-steps as BLAS products on the cues still moving (``X @ W.T``, ``Y @ W``),
keep-state sgn, energies ``-sum(Y * (X @ W.T))`` per half-step, each cue stopping at its first
half-step (after the first) without a flip. memsim: exact integer Numba kernel, cues in parallel.
Final pairs are checked equal. Best of --repeats after a warm-up.

Run: python benchmarks/bench_bam.py [--repeats 5]
"""

from __future__ import annotations

import argparse

import numpy as np
from _timing import best_of, print_speedups

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
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nx", type=int, default=1000)
    ap.add_argument("--ny", type=int, default=800)
    ap.add_argument("--p", type=int, default=60)
    ap.add_argument("--cues", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    X = np.where(rng.random((a.p, a.nx)) < 0.5, 1, -1).astype(np.int8)
    Y = np.where(rng.random((a.p, a.ny)) < 0.5, 1, -1).astype(np.int8)
    W = bam.store(X, Y)
    cues = X[rng.integers(0, a.p, a.cues)].copy()
    cues[rng.random(cues.shape) < 0.2] *= -1
    y0 = np.where(rng.random((a.cues, a.ny)) < 0.5, 1, -1).astype(np.int8)
    r = bam.recall(W, x=cues, y=y0, max_steps=100)
    rx, ry = reference(W, cues, y0)
    np.testing.assert_array_equal(r.x, rx)
    np.testing.assert_array_equal(r.y, ry)
    t_ref = best_of(lambda: reference(W, cues, y0), a.repeats)
    t_mem = best_of(lambda: bam.recall(W, x=cues, y=y0, max_steps=100), a.repeats)
    t_sref = best_of(lambda: Y.T.astype(np.float64) @ X.astype(np.float64), a.repeats)
    t_store = best_of(lambda: bam.store(X, Y), a.repeats)
    print(f"Nx={a.nx} Ny={a.ny} P={a.p} cues={a.cues}; best of {a.repeats}")
    print_speedups([("recall", t_ref, t_mem), ("store", t_sref, t_store)], width=10)
    print(f"mean half-steps {r.steps.mean():.2f}")


if __name__ == "__main__":
    main()
