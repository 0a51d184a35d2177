"""SDM write and read (memsim.sdm) against plain numpy, same process, same data.

n = 256-bit addresses, M = 10000 hard locations, radius 112, 500 items written (data = the
address), 500 reads with 10% of the bits flipped.

Reference (what a careful numpy user writes): Hamming distances from one BLAS product of the +-1
forms, ``d = (n - Q L^T) / 2``; write ``counters += A^T D`` with A the 0/1 activation matrix
(BLAS), read ``A C`` and a comparison. memsim: addresses packed 64 bits to a word, distances by
popcount, locations (write) or cues (read) in parallel. Results are checked equal.

Run: python benchmarks/bench_sdm.py [--repeats 5]
"""

from __future__ import annotations

import numpy as np
from _common import bench_parser, side_by_side

from memsim import sdm


def _active(Q, L, r):
    qs = 2.0 * Q - 1.0
    ls = 2.0 * L - 1.0
    d = (Q.shape[1] - qs @ ls.T) / 2
    return (d <= r).astype(np.float64)


def reference_write(L, A, D, r):
    act = _active(A, L, r)  # items x locations
    return np.rint(act.T @ (2.0 * D - 1.0)).astype(np.int32)


def reference_read(C, L, Q, r):
    act = _active(Q, L, r)
    return (act @ C > 0).astype(np.uint8)


def main():
    a = bench_parser(__doc__, n=256, m=10000, radius=112, items=500, repeats=5).parse_args()
    L = sdm.locations(a.m, a.n, seed=0)
    g = np.random.default_rng(1)
    addr = (g.random((a.items, a.n)) < 0.5).astype(np.uint8)
    cues = addr.copy()
    cues[g.random(cues.shape) < 0.1] ^= 1
    Lf, Af, Qf = L.astype(np.float64), addr.astype(np.float64), cues.astype(np.float64)
    C = sdm.write(L, addr, addr, a.radius)
    np.testing.assert_array_equal(C, reference_write(Lf, Af, Af, a.radius))
    np.testing.assert_array_equal(
        sdm.read(C, L, cues, a.radius), reference_read(C.astype(np.float64), Lf, Qf, a.radius)
    )
    Cf = C.astype(np.float64)
    cases = [
        (
            "write",
            lambda: reference_write(Lf, Af, Af, a.radius),
            lambda: sdm.write(L, addr, addr, a.radius),
        ),
        (
            "read",
            lambda: reference_read(Cf, Lf, Qf, a.radius),
            lambda: sdm.read(C, L, cues, a.radius),
        ),
    ]
    title = f"n={a.n} M={a.m} r={a.radius} items={a.items}; best of {a.repeats}"
    side_by_side(cases, a.repeats, title, width=8)


if __name__ == "__main__":
    main()
