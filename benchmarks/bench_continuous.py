"""Graded-response dynamics (memsim.hopfield.continuous) against plain numpy, same process.

N = 500, P = 25 Hebbian patterns, 20 noisy cues, gain 5, duration 20 tau.

Reference: fixed-step RK4 (dt = 0.05 tau) over the whole batch at once (one BLAS product per
stage). memsim: scipy's adaptive RK45 per cue (rtol 1e-6). There is no Numba kernel here: the
right-hand side is one matrix-vector product, so the comparison is adaptive vs fixed stepping.
The final states are checked to agree to 1e-4.

Run: python benchmarks/bench_continuous.py [--repeats 5]
"""

from __future__ import annotations

import numpy as np
from _common import bench_parser, side_by_side
from _references import random_pm1

from memsim.hopfield import continuous as ct
from memsim.hopfield import store


def reference(W, U0, duration, gain, dt=0.05):
    def f(U):
        return -U + np.tanh(gain * U) @ W.T

    U = U0.copy()
    for _ in range(int(round(duration / dt))):
        k1 = f(U)
        k2 = f(U + dt / 2 * k1)
        k3 = f(U + dt / 2 * k2)
        k4 = f(U + dt * k3)
        U = U + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return U


def main():
    a = bench_parser(__doc__, n=500, p=25, cues=20, repeats=5).parse_args()
    rng = np.random.default_rng(0)
    xi = random_pm1(rng, (a.p, a.n))
    W = np.asarray(store(xi))
    cues = xi[rng.integers(0, a.p, a.cues)].astype(np.float64)
    cues[rng.random(cues.shape) < 0.1] *= -1
    U0 = 0.1 * cues
    r = ct.simulate(W, U0, 20.0, gain=5.0, points=2)
    np.testing.assert_allclose(r.u[:, -1], reference(W, U0, 20.0, 5.0), atol=1e-4)
    cases = [
        (
            "simulate",
            lambda: reference(W, U0, 20.0, 5.0),
            lambda: ct.simulate(W, U0, 20.0, gain=5.0, points=2),
        )
    ]
    title = f"N={a.n} P={a.p} cues={a.cues} gain=5 T=20; best of {a.repeats}"
    side_by_side(cases, a.repeats, title, ref="numpy RK4")
    print(f"mean RHS evaluations per cue: {r.nfev.mean():.0f} (RK4: {4 * 400})")


if __name__ == "__main__":
    main()
