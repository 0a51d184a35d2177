"""Random +-1 patterns and noisy cues shared by the classical Hopfield tests."""

from __future__ import annotations

import numpy as np


def rand_patterns(rng: np.random.Generator, p: int, n: int) -> np.ndarray:
    """P random +-1 patterns of N neurons, (P, N) int8."""
    return rng.choice(np.array([-1, 1], np.int8), size=(p, n))


def noisy(rng: np.random.Generator, x: np.ndarray, frac: float) -> np.ndarray:
    """A copy of ``x`` with each entry flipped with probability ``frac``."""
    c = x.copy()
    c[rng.random(c.shape) < frac] *= -1
    return c
