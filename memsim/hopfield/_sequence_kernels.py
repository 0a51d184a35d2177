"""Numba kernels for sequence recall (:mod:`memsim.hopfield.sequence`).

Kernels compute and never validate. Couplings arrive in integer units (``N W``) as float64, so
with ``lam`` a dyadic fraction and no delay every field is an exact sum of integers; the keep-state
convention applies at zero field.

``M1`` is the coupling matrix that acts on the present state and ``M2`` the one that acts on the
delayed state ``sbar``:

* no delay, synchronous: ``M1 = A = J_fwd + lam J_sym`` (rows), ``M2`` unused;
* no delay, asynchronous: ``M1 = A^T`` (row ``j`` = column ``j`` of A, what a flip of neuron j
  adds to every field), ``M2`` unused;
* delay (``tau``): ``M1 = lam J_sym`` (symmetric: rows = columns), ``M2 = J_fwd`` (rows).

Low rank (``lowrank``, used when 2 P < N): the synchronous fields and the slow fields are computed
from the pattern overlaps instead of the N x N matrices, ``J_fwd x = post^T (pre x)`` and
``J_sym x = xi^T (xi x) - P x`` (``pre``/``post`` the P' x N patterns before/after each forward
link), 2 P N operations per cue instead of N^2. The same sums of integers, so for integer states
the same numbers.
"""

from __future__ import annotations

import numpy as np
from numba import prange

from memsim._jit import jit, pjit
from memsim._rng import shuffle
from memsim.hopfield._common_kernels import add_flip, row_dot
from memsim.hopfield._common_kernels import sgn_keep as _sgn_keep


@jit
def _lowrank(a, b, x, out, beta):
    """out = b^T (a x) * beta (a, b: P x N rows)."""
    p, n = a.shape
    for i in range(n):
        out[i] = 0.0
    for mu in range(p):
        acc = 0.0
        ra = a[mu]
        for j in range(n):
            acc += ra[j] * x[j]
        acc *= beta
        rb = b[mu]
        for i in range(n):
            out[i] += rb[i] * acc
    return out


@jit
def _run_one(M1, M2, lowrank, xi, pre, post, lam, use_tau, tau, sync, steps, rng, s, frames):
    n = s.shape[0]
    p = xi.shape[0]
    xs = np.empty(n, dtype=np.float64)
    tmp = np.empty(n, dtype=np.float64)
    sbar = np.empty(n, dtype=np.float64)
    hs = np.zeros(n, dtype=np.float64)
    h = np.zeros(n, dtype=np.float64)
    new = np.empty(n, dtype=np.int8)
    order = np.arange(n)
    for j in range(n):
        sbar[j] = s[j]
    frames[0, :] = s
    have_m1 = M1.shape[0] == n
    if not sync and have_m1:
        # fields of the present state, kept incrementally; M1 rows are columns of the couplings
        for i in range(n):
            acc = 0.0
            for j in range(n):
                acc += M1[j, i] * s[j]
            h[i] = acc
    for t in range(steps):
        if use_tau:
            if lowrank:
                _lowrank(pre, post, sbar, hs, 1.0)
            else:
                for i in range(n):
                    hs[i] = row_dot(M2[i], sbar, 0.0)
        if sync:
            if lowrank:
                for j in range(n):
                    xs[j] = s[j]
                if use_tau:
                    for i in range(n):
                        h[i] = 0.0
                else:
                    _lowrank(pre, post, xs, h, 1.0)
                if lam != 0.0:
                    _lowrank(xi, xi, xs, tmp, 1.0)
                    for i in range(n):
                        h[i] += lam * (tmp[i] - p * xs[i])
                for i in range(n):
                    new[i] = _sgn_keep(h[i] + hs[i], s[i])
            else:
                for i in range(n):
                    new[i] = _sgn_keep(row_dot(M1[i], s, 0.0) + hs[i], s[i])
            for i in range(n):
                s[i] = new[i]
        else:
            shuffle(rng, order)
            for k in range(n):
                i = order[k]
                old = s[i]
                v = _sgn_keep(h[i] + hs[i], old)
                if v != old:
                    s[i] = v
                    if have_m1:
                        add_flip(h, M1[i], v)
        if use_tau:
            for j in range(n):
                sbar[j] += (s[j] - sbar[j]) / tau
        frames[t + 1, :] = s


@pjit
def run_batch(M1, M2, lowrank, xi, pre, post, lam, use_tau, tau, sync, steps, rngs, S, frames):
    """Sequence dynamics for a batch of cues, parallel over cues (each with its own stream).

    ``S`` (B, N) int8 is overwritten with the final states; ``frames`` (B, steps + 1, N) int8
    receives the trajectory (row 0: the cue).
    """
    for b in prange(S.shape[0]):
        _run_one(
            M1, M2, lowrank, xi, pre, post, lam, use_tau, tau, sync, steps, rngs[b], S[b], frames[b]
        )
