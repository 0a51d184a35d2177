"""Numba kernel for Hopfield-Feinstein-Palmer unlearning (:mod:`memsim.hopfield.dilution`).

Dreams are sequential by nature (each changes W for the next), so the kernel is serial. Kernels
compute and never validate.
"""

from __future__ import annotations

import numpy as np

from memsim._jit import jit
from memsim._rng import shuffle, uniform
from memsim.hopfield._common_kernels import add_flip, fields, sgn_keep


@jit
def unlearn(W, dreams, step, max_sweeps, rng, dream_states, sweeps_out):
    """For each dream: a random state, async random-order sweeps to a fixed point (or
    ``max_sweeps``), then ``W -= step * s s^T`` off the diagonal. ``W`` (symmetric, float64) is
    modified in place; ``dream_states`` (dreams, N) int8 and ``sweeps_out`` (dreams,) receive the
    end state and the sweeps used (``max_sweeps + 1`` when no fixed point was reached)."""
    n = W.shape[0]
    s = np.empty(n, dtype=np.int8)
    h = np.empty(n, dtype=np.float64)
    order = np.arange(n)
    for d in range(dreams):
        for i in range(n):
            s[i] = 1 if uniform(rng) < 0.5 else -1
        fields(W, s, h)
        used = max_sweeps + 1
        for sweep in range(max_sweeps):
            shuffle(rng, order)
            flips = 0
            for k in range(n):
                i = order[k]
                new = sgn_keep(h[i], s[i])
                if new != s[i]:
                    s[i] = new
                    flips += 1
                    add_flip(h, W[i], new)  # symmetric: row i = column i
            if flips == 0:
                used = sweep + 1
                break
        sweeps_out[d] = used
        for i in range(n):
            dream_states[d, i] = s[i]
            for j in range(n):
                if i != j:
                    W[i, j] -= step * s[i] * s[j]
