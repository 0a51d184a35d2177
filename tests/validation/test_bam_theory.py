"""BAM against theory: exact one-step crosstalk error, Lyapunov energy, fixed points at low load
(Kosko 1988)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from memsim.experiments.studies import bam as studies
from memsim.hopfield import bam

pytestmark = pytest.mark.validation


def crosstalk_error(nx: int, p: int) -> float:
    """P(y bit wrong after y <- sgn(W x^mu)): the field is Nx y_i + C with
    C = (P - 1) Nx - 2 B, B ~ Binomial((P - 1) Nx, 1/2) exactly; wrong iff B > P Nx / 2
    (a zero field keeps the stored bit)."""
    return float(stats.binom.sf(np.floor(p * nx / 2), (p - 1) * nx, 0.5))


def test_one_step_bit_error_matches_exact_crosstalk():
    c = studies.capacity_curve(100, 80, [10, 20, 30], trials=25, flip=0.1, seed=1)
    theory = np.array([crosstalk_error(100, p) for p in (10, 20, 30)])
    assert c.bit_error[0] < 1e-3 and theory[0] < 1e-3
    np.testing.assert_allclose(c.bit_error[1:], theory[1:], rtol=0.25)
    # capacity: most pairs stable and recalled at low load (the x side, Ny = 80, errs
    # with about 1e-3 per bit), few at high load
    assert c.stable[0] > 0.8 and c.recalled[0] > 0.8
    assert c.stable[2] < 0.5 and c.recalled[2] < c.recalled[0]


def test_energy_never_increases_from_random_cues_at_high_load():
    rng = np.random.default_rng(2)
    X = np.where(rng.random((60, 80)) < 0.5, 1, -1)
    Y = np.where(rng.random((60, 70)) < 0.5, 1, -1)
    W = bam.store(X, Y)
    cues = np.where(rng.random((200, 80)) < 0.5, 1, -1)
    r = bam.recall(W, x=cues, max_steps=200, seed=4)
    assert r.converged.all()
    d = np.diff(r.energy, axis=1)
    assert (d[~np.isnan(d)] <= 0).all()
    # every final pair is a fixed point of both half-steps
    hy, hx = r.x.astype(np.int64) @ W.T, r.y.astype(np.int64) @ W
    assert (hy * r.y >= 0).all() and (hx * r.x >= 0).all()
