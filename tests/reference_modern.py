"""Plain, obviously correct references for dense and modern Hopfield networks (slow loops).

Dense associative memory: the update is computed straight from the definition, as the energy
difference between the state with neuron i set to +1 and set to -1 (Krotov & Hopfield 2016,
update rule), with exact Python integers (polynomial) or 60-digit decimals (exponential).
Nothing here uses the D(h) rewriting or the incremental overlaps of the Numba kernels.

Modern Hopfield network: update, energy (Ramsauer et al. 2020, eqs. 2-3), sparsemax by sorting,
entmax by bisection on the threshold, Tsallis entropies and the convex conjugate energy.
"""

from __future__ import annotations

import math
from decimal import Decimal, getcontext

import numpy as np

getcontext().prec = 60


# ------------------------------------------------------------------------------------------------
# dense associative memory
# ------------------------------------------------------------------------------------------------


def interaction(name: str, n: int):
    """F as a Python function on ints (exact), Decimal for the exponential."""
    if name == "polynomial":
        return lambda x: x**n
    if name == "rectified":
        return lambda x: max(x, 0) ** n
    if name == "exponential":
        return lambda x: Decimal(x).exp()
    raise ValueError(name)


def energy(stored, s, F):
    """E(s) = -sum_mu F(xi^mu . s), exact."""
    return -sum(F(int(np.dot(x.astype(np.int64), s.astype(np.int64)))) for x in stored)


def neuron_update(stored, s, i, F):
    """New value of neuron i: compare the energies with s_i = +1 and s_i = -1; tie keeps s_i."""
    sp = s.copy()
    sp[i] = 1
    sm = s.copy()
    sm[i] = -1
    ep = energy(stored, sp, F)
    em = energy(stored, sm, F)
    if ep < em:
        return 1
    if ep > em:
        return -1
    return int(s[i])


def dense_async(stored, cue, F, orders, max_sweeps):
    """Asynchronous dynamics; ``orders(sweep)`` gives the update order of each sweep.

    Returns (state, sweeps, stop, energies) with energies as floats (cue first).
    """
    s = np.array(cue, dtype=np.int64)
    energies = [float(energy(stored, s, F))]
    for sweep in range(max_sweeps):
        flips = 0
        for i in orders(sweep):
            new = neuron_update(stored, s, i, F)
            if new != s[i]:
                s[i] = new
                flips += 1
        energies.append(float(energy(stored, s, F)))
        if flips == 0:
            return s, sweep + 1, "fixed_point", energies
    return s, max_sweeps, "limit", energies


def dense_sync(stored, cue, F, max_sweeps):
    """Synchronous dynamics with 2-cycle detection."""
    s = np.array(cue, dtype=np.int64)
    prev = None
    energies = [float(energy(stored, s, F))]
    for sweep in range(max_sweeps):
        new = np.array([neuron_update(stored, s, i, F) for i in range(s.size)])
        energies.append(float(energy(stored, new, F)))
        if np.array_equal(new, s):
            return s, sweep + 1, "fixed_point", energies
        if prev is not None and np.array_equal(new, prev):
            return new, sweep + 1, "cycle", energies
        prev, s = s, new
    return s, max_sweeps, "limit", energies


def unstable_bits(stored, s, F):
    return sum(neuron_update(stored, s, i, F) != s[i] for i in range(s.size))


def hebbian_async(stored, cue, orders, max_sweeps):
    """Classical Hopfield network, Hebbian W = (1/N) sum xi xi^T with W_ii = 0 (integer N W).

    s_i <- sgn(sum_j W_ij s_j), keep s_i when the field is 0.
    """
    xi = np.asarray(stored, dtype=np.int64)
    J = xi.T @ xi
    np.fill_diagonal(J, 0)
    s = np.array(cue, dtype=np.int64)
    for sweep in range(max_sweeps):
        flips = 0
        for i in orders(sweep):
            h = int(J[i] @ s)
            new = 1 if h > 0 else (-1 if h < 0 else s[i])
            if new != s[i]:
                s[i] = new
                flips += 1
        if flips == 0:
            return s, sweep + 1
    return s, max_sweeps


def fixed_orders(n):
    return lambda sweep: range(n)


def shuffled_orders(n, rng_state):
    """The memsim protocol: order starts as 0..N-1 and is shuffled in place every sweep with the
    cue's own stream (randomness from memsim._rng, dynamics checked here)."""
    from memsim._rng import shuffle

    order = np.arange(n)
    st = rng_state.copy()
    cache = []

    def get(sweep):
        while len(cache) <= sweep:
            shuffle(st, order)
            cache.append(order.copy())
        return cache[sweep]

    return get


# ------------------------------------------------------------------------------------------------
# modern Hopfield network
# ------------------------------------------------------------------------------------------------


def softmax(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sparsemax(z):
    """Martins & Astudillo (2016): sort, find the support size, threshold."""
    z = np.atleast_2d(np.asarray(z, dtype=np.float64))
    out = np.empty_like(z)
    for r, row in enumerate(z):
        srt = np.sort(row)[::-1]
        cs = np.cumsum(srt)
        k = 1
        for j in range(1, row.size + 1):
            if 1 + j * srt[j - 1] > cs[j - 1]:
                k = j
        tau = (cs[k - 1] - 1) / k
        out[r] = np.maximum(row - tau, 0)
    return out


def entmax(z, alpha, iters=200):
    """alpha-entmax by bisection on tau: p = [(alpha-1) z - tau]_+^(1/(alpha-1)), sum p = 1."""
    z = np.atleast_2d(np.asarray(z, dtype=np.float64))
    out = np.empty_like(z)
    for r, row in enumerate(z):
        x = (alpha - 1) * row
        lo, hi = x.max() - 1.0, x.max()
        for _ in range(iters):
            mid = 0.5 * (lo + hi)
            s = np.sum(np.maximum(x - mid, 0) ** (1 / (alpha - 1)))
            if s >= 1:
                lo = mid
            else:
                hi = mid
        p = np.maximum(x - 0.5 * (lo + hi), 0) ** (1 / (alpha - 1))
        out[r] = p / p.sum()
    return out


def normalise(z, kind, alpha=None):
    if kind == "softmax":
        return softmax(z)
    if kind == "sparsemax":
        return sparsemax(z)
    if kind == "entmax15":
        return entmax(z, 1.5)
    if kind == "entmax_bisect":
        return entmax(z, alpha)
    raise ValueError(kind)


def modern_update(X, Q, beta, kind="softmax", alpha=None):
    """xi_new = norm(beta xi X^T) X for each row of Q."""
    return normalise(beta * (np.atleast_2d(Q) @ X.T), kind, alpha) @ X


def tsallis(p, alpha):
    p = np.asarray(p, dtype=np.float64)
    if alpha == 1:
        return -sum(v * math.log(v) for v in p if v > 0)
    return (1 - np.sum(p**alpha)) / (alpha * (alpha - 1))


def modern_energy(X, xi, beta, kind="softmax", alpha=None):
    """Ramsauer eq. (2) for softmax; -beta^-1 Omega*(beta z) + 1/2 xi.xi + constants otherwise."""
    X = np.asarray(X, dtype=np.float64)
    xi = np.asarray(xi, dtype=np.float64)
    P = X.shape[0]
    M2 = max(float(x @ x) for x in X)
    z = X @ xi
    if kind == "softmax":
        lse = math.log(sum(math.exp(beta * v - beta * z.max()) for v in z)) / beta + z.max()
        return -lse + 0.5 * xi @ xi + math.log(P) / beta + 0.5 * M2
    a = {"sparsemax": 2.0, "entmax15": 1.5}.get(kind, alpha)
    p = normalise(beta * z, kind, alpha)[0]
    conj = p @ (beta * z) + tsallis(p, a)
    hmax = (1 - P ** (1 - a)) / (a * (a - 1))
    return -conj / beta + 0.5 * xi @ xi + hmax / beta + 0.5 * M2


def separation(X):
    P = X.shape[0]
    out = np.empty(P)
    for i in range(P):
        others = [X[i] @ X[j] for j in range(P) if j != i]
        out[i] = X[i] @ X[i] - max(others)
    return out
