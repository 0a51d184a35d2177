"""Hebbian one-step bit error against theory (THEORY.md section 1; Hertz, Krogh & Palmer 1991,
section 2.2): starting in a stored pattern, one synchronous update flips a bit with probability
1/2 erfc(sqrt(N / (2P))) for large N; memsim.theory also gives the exact finite-N value.

The simulation runs memsim's recall engine (one synchronous step from each stored pattern); the
tolerance is the sampling error (standard error over independent trials, 4 sigma).
"""

from __future__ import annotations

import numpy as np
import pytest

from memsim import theory
from memsim._rng import generator
from memsim.hopfield import recall, store
from memsim.patterns import random_patterns

pytestmark = pytest.mark.validation


def measured_one_step_error(n: int, p: int, trials: int, seed: int = 0):
    errs = []
    for t in range(trials):
        xi = random_patterns(p, n, 0.0, generator(seed, n, p, t))
        res = recall(store(xi), xi, "sync", max_sweeps=1, warn=False)
        errs.append(np.mean(res.states != xi))
    errs = np.asarray(errs)
    return errs.mean(), errs.std(ddof=1) / np.sqrt(trials)


@pytest.mark.parametrize("alpha", [0.1, 0.14, 0.2, 0.3])
def test_one_step_error_matches_exact_finite_n_theory(alpha):
    n = 1000
    p = int(round(alpha * n))
    mean, sem = measured_one_step_error(n, p, trials=12)
    expected = float(theory.one_step_error(alpha, N=n))
    assert abs(mean - expected) < 4 * sem + 1e-12, (mean, sem, expected)


@pytest.mark.parametrize("alpha", [0.138, 0.185, 0.37])
def test_one_step_error_matches_erfc_formula(alpha):
    """The large-N formula 1/2 erfc(sqrt(N/(2P))) at N = 2000: agreement within the sampling
    error plus the formula's own finite-N error, which memsim.theory computes exactly (and which
    stays below 5% of the value here, so the formula is tested, not the tolerance)."""
    n = 2000
    p = int(round(alpha * n))
    mean, sem = measured_one_step_error(n, p, trials=6, seed=1)
    expected = float(theory.one_step_error(p / n))
    finite_n_gap = abs(expected - float(theory.one_step_error(p / n, N=n)))
    assert finite_n_gap < 0.05 * expected
    assert abs(mean - expected) < 4 * sem + finite_n_gap, (mean, sem, expected)
