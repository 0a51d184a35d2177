"""Slow, obviously correct reference implementations (plain Python / numpy) for the classical
Hopfield network and memsim's random streams. Tests compare the fast engine with these.
"""

from __future__ import annotations

import numpy as np

MASK = (1 << 64) - 1


# ---------------------------------------------------------------- xoshiro256** in pure Python --
def _rotl(x: int, k: int) -> int:
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro:
    """xoshiro256** (Blackman & Vigna 2018) on Python integers."""

    def __init__(self, state):
        self.s = [int(v) for v in state]

    def next(self) -> int:
        s = self.s
        result = (_rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def uniform(self) -> float:
        return (self.next() >> 11) * (1.0 / 9007199254740992.0)

    def shuffle(self, arr: list) -> None:
        for i in range(len(arr) - 1, 0, -1):
            j = ((self.next() >> 32) * (i + 1)) >> 32
            arr[i], arr[j] = arr[j], arr[i]


def splitmix_states(base: int, count: int) -> np.ndarray:
    """SplitMix64-seeded xoshiro states, written independently of memsim._rng."""
    gamma = 0x9E3779B97F4A7C15
    out = np.empty((count, 4), dtype=np.uint64)
    for i in range(count):
        for k in range(4):
            z = (base + (4 * i + k + 1) * gamma) & MASK
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            out[i, k] = z ^ (z >> 31)
    return out


# ---------------------------------------------------------------------- classical Hopfield ----
def hebbian_integer(patterns: np.ndarray) -> np.ndarray:
    """N W as exact integers (int64): sum_mu xi_i xi_j, zero diagonal. Dynamics references use
    these so that ties (h = 0) stay exact ties; W = J / N in floats would round them away."""
    return np.rint(hebbian_weights(patterns) * patterns.shape[1]).astype(np.int64)


def hebbian_weights(patterns: np.ndarray) -> np.ndarray:
    """W_ij = (1/N) sum_mu xi_i xi_j, W_ii = 0, by explicit loops over pattern pairs of bits."""
    p, n = patterns.shape
    J = np.zeros((n, n), dtype=np.int64)
    for mu in range(p):
        x = patterns[mu].astype(np.int64)
        for i in range(n):
            for j in range(n):
                if i != j:
                    J[i, j] += x[i] * x[j]
    return J / n


def energy(W: np.ndarray, s: np.ndarray, theta: np.ndarray | None = None) -> float:
    s = s.astype(np.float64)
    th = np.zeros(len(s)) if theta is None else theta
    return float(-0.5 * s @ W @ s + th @ s)


def async_recall(W, cue, orders, max_sweeps, theta=None, target=None, clamp=None, scale=1.0):
    """Asynchronous dynamics, fields recomputed from scratch for every neuron.

    ``orders`` is a callable sweep -> list of neuron indices. sgn(0) keeps the state. ``W`` may be
    given in units of 1/scale (integers for the Hebbian rule: ``hebbian_integer``).
    Returns (state, sweeps, stop, energy trace, overlap trace).
    """
    s = cue.astype(np.int64).copy()
    n = len(s)
    th = (np.zeros(n) if theta is None else theta) * scale
    energies = [energy(W, s, th) / scale]
    ovs = [float(target @ s) / n] if target is not None else []
    for sweep in range(max_sweeps):
        flips = 0
        for i in orders(sweep):
            if clamp is not None and clamp[i]:
                continue
            h = W[i] @ s - th[i]
            new = 1 if h > 0 else (-1 if h < 0 else s[i])
            if new != s[i]:
                s[i] = new
                flips += 1
        energies.append(energy(W, s, th) / scale)
        if target is not None:
            ovs.append(float(target @ s) / n)
        if flips == 0:
            return s, sweep + 1, "fixed_point", energies, ovs
    return s, max_sweeps, "limit", energies, ovs


def sync_recall(W, cue, max_sweeps, theta=None, scale=1.0):
    """Synchronous dynamics with fixed-point and 2-cycle detection. Returns (state, steps, stop,
    energies). ``W`` in units of 1/scale, as for ``async_recall``."""
    s = cue.astype(np.int64).copy()
    n = len(s)
    th = (np.zeros(n) if theta is None else theta) * scale
    history = [s.copy()]
    energies = [energy(W, s, th) / scale]
    for t in range(max_sweeps):
        h = W @ s - th
        new = np.where(h > 0, 1, np.where(h < 0, -1, s))
        history.append(new.copy())
        energies.append(energy(W, new, th) / scale)
        if np.array_equal(new, s):
            return new, t + 1, "fixed_point", energies
        if t >= 1 and np.array_equal(new, history[-3]):
            return new, t + 1, "cycle", energies
        s = new
    return s, max_sweeps, "limit", energies
