"""Numba kernels for the non-Hebbian storage rules (see :mod:`memsim.hopfield.rules`).

Private: the callers validate and allocate; these functions only compute.
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange

from memsim._jit import jit, pjit
from memsim._rng import shuffle


@jit(fastmath=True)
def _dot(a, b):
    """sum_j a_j b_j, vectorised (fastmath reassociation: a fixed order for a given build and
    machine, the same in every thread)."""
    s = 0.0
    for j in range(a.shape[0]):
        s += a[j] * b[j]
    return s


@jit
def _storkey_row(W, i, x, hx, x_i, hx_i, grow, inv_n):
    # all j, including j = i (overwritten by the caller): one branch-free, vectorisable loop
    for j in range(W.shape[1]):
        x_j = x[j]
        # xi_i h_ji + h_ij xi_j = xi_i hx_j + xi_j hx_i - 2 W_ij   (xi^2 = 1);
        # the sum of the two products is symmetric in (i, j) bit for bit
        t = x_i * hx[j] + x_j * hx_i
        W[i, j] = W[i, j] * grow + (x_i * x_j - t) * inv_n


@jit
def _storkey_update_row(W, i, buf, has_next, zero_diagonal):
    """Row i of W for the current pattern (``buf`` from :func:`_storkey_buffers`), and row i's
    field of the next pattern."""
    x, x_next, hx, hx_next = buf
    inv_n = 1.0 / W.shape[0]
    grow = 1.0 + 2.0 * inv_n
    x_i = x[i]
    hx_i = hx[i]
    w_ii = W[i, i]
    _storkey_row(W, i, x, hx, x_i, hx_i, grow, inv_n)
    W[i, i] = 0.0
    if has_next:
        hx_next[i] = _dot(W[i], x_next)  # next pattern's field, self-coupling excluded
    if not zero_diagonal:
        # the rule with i = j: h_ii = sum_{k != i} W_ik xi_k = hx_i
        W[i, i] = w_ii + (1.0 - 2.0 * x_i * hx_i) * inv_n


@jit
def _storkey_next_pattern(xi, nu, buf):
    """Advance to pattern nu: x <- xi^nu, x_next <- xi^(nu+1) (or 0), hx <- hx_next."""
    x, x_next, hx, hx_next = buf
    P, N = xi.shape
    has_next = nu + 1 < P
    for j in range(N):
        x[j] = x_next[j]
        x_next[j] = np.float64(xi[nu + 1, j]) if has_next else 0.0
        hx[j] = hx_next[j]
    return has_next


@jit
def _storkey_buffers(xi):
    """(x, x_next, hx, hx_next): the current and next pattern and their fields, length N."""
    N = xi.shape[1]
    x_next = np.empty(N)
    for j in range(N):
        x_next[j] = np.float64(xi[0, j])
    # hx: sum_{k != i} W_ik xi_k for the current pattern (W = 0 at the start)
    return np.empty(N), x_next, np.zeros(N), np.zeros(N)


@pjit
def storkey_learn(xi, W, zero_diagonal):
    """Storkey (1997) incremental learning, in place on W (N x N float64, starts at zero).

    For each pattern nu (row of ``xi``), with the weights W of the previous step::

        h_ij = sum_{k != i, j} W_ik xi_k = hx_i - W_ij xi_j,  hx_i = sum_{k != i} W_ik xi_k
        W_ij <- W_ij + (xi_i xi_j - xi_i h_ji - h_ij xi_j) / N
              = W_ij (1 + 2/N) + (xi_i xi_j - xi_i hx_j - xi_j hx_i) / N      (i != j)

    (the second line uses xi_i^2 = 1). The fields hx (self-coupling excluded, so the diagonal
    never enters the off-diagonal weights) are computed once per pattern, so a pattern costs
    O(N^2). Rows are updated in parallel and in place: row i reads only its own row and the
    vectors hx, xi, and the update is written symmetrically in (i, j) so W stays exactly
    (bitwise) symmetric. The fields for the next pattern are computed from each fresh row while
    it is still in cache, so a pattern costs one pass over W.
    """
    buf = _storkey_buffers(xi)
    for nu in range(xi.shape[0]):
        has_next = _storkey_next_pattern(xi, nu, buf)
        for i in prange(W.shape[0]):
            _storkey_update_row(W, i, buf, has_next, zero_diagonal)


@jit
def storkey_learn_serial(xi, W, zero_diagonal):
    """:func:`storkey_learn` in one thread, bit for bit the same result.

    One parallel region per pattern is a synchronisation point; for small N (little work per
    region) and on busy machines a single thread is faster.
    """
    buf = _storkey_buffers(xi)
    for nu in range(xi.shape[0]):
        has_next = _storkey_next_pattern(xi, nu, buf)
        for i in range(W.shape[0]):
            _storkey_update_row(W, i, buf, has_next, zero_diagonal)


@jit
def _axpy_row(W, i, s, x):
    for j in range(W.shape[1]):
        W[i, j] += s * x[j]
    W[i, i] = 0.0


@pjit
def perceptron_learn(xf, kappa, max_epochs, states, W, epochs, unstable):
    """Per-neuron perceptron learning with normalised margin kappa, in place on W (zeros).

    ``xf`` holds the patterns as float64 (P x N). Neuron i learns its row W_i (W_ii = 0) from
    the P examples (xi^mu without xi_i^mu -> xi_i^mu). Pattern mu is stable for neuron i when

        xi_i^mu h_i^mu > kappa |W_i|,   h_i^mu = sum_{j != i} W_ij xi_j^mu,  |W_i| = L2 norm,

    and an unstable example triggers the perceptron step W_ij += xi_i^mu xi_j^mu (j != i).
    Each epoch presents the patterns in a fresh random order (the neuron's own xoshiro stream
    ``states[i]``); a neuron stops after an epoch without updates or after ``max_epochs``.
    W holds integers, so every sum is exact (in any order, below 2^53) and the caller rescales.
    Neurons are independent: ``prange`` over i.

    Outputs: ``epochs[i]`` = epochs with at least one update; ``unstable[i]`` = patterns still
    unstable for neuron i at the end.
    """
    P, N = xf.shape
    for i in prange(N):
        state = states[i]
        order = np.arange(P)
        norm2 = 0.0  # |W_i|^2, exact (integers)
        used = 0
        for _ in range(max_epochs):
            shuffle(state, order)
            updates = 0
            for t in range(P):
                mu = order[t]
                s = xf[mu, i]
                h = _dot(W[i], xf[mu])  # W_ii = 0: the j = i term vanishes
                if s * h <= kappa * math.sqrt(norm2):
                    _axpy_row(W, i, s, xf[mu])
                    # |W + s x'|^2 = |W|^2 + 2 s h + (N - 1), x' = xi^mu without entry i
                    norm2 += 2.0 * s * h + (N - 1)
                    updates += 1
            if updates == 0:
                break
            used += 1
        epochs[i] = used
        norm = math.sqrt(_dot(W[i], W[i]))
        bad = 0
        for mu in range(P):
            if xf[mu, i] * _dot(W[i], xf[mu]) <= kappa * norm:
                bad += 1
        unstable[i] = bad
