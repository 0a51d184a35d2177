"""Plain-numpy references for sequence storage and recall (memsim.hopfield.sequence).

Written from the equations (Sompolinsky & Kanter 1986), not from the engine: explicit loops over
patterns and neurons. Couplings in integer units (N W) so that ties stay ties.
"""

from __future__ import annotations

import numpy as np
from reference import Xoshiro


def store(xi: np.ndarray, cyclic: bool, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """(N J_fwd, N J_sym) as float64 integer-valued matrices, by explicit loops over patterns."""
    p, n = xi.shape
    fwd = np.zeros((n, n))
    sym = np.zeros((n, n))
    for mu in range(p):
        a = xi[mu].astype(np.float64)
        sym += np.outer(a, a)
        if mu + 1 < p or cyclic:
            b = xi[(mu + 1) % p].astype(np.float64)
            fwd += np.outer(b, a)
    np.fill_diagonal(sym, 0.0)
    return fwd, sym


def _sgn(x: float, old: int) -> int:
    return 1 if x > 0 else (-1 if x < 0 else old)


def recall(fwd, sym, lam, cue, steps, dynamics, tau, state) -> np.ndarray:
    """Trajectory (steps + 1, N) of one cue; ``state`` a xoshiro state for async orders."""
    n = cue.shape[0]
    s = cue.astype(np.int64).copy()
    sbar = s.astype(np.float64)
    rng = Xoshiro(state)
    out = [s.copy()]
    order = list(range(n))  # shuffled in place each sweep (the permutation carries over)
    fast = lam * sym if tau is not None else fwd + lam * sym
    for _ in range(steps):
        slow = fwd @ sbar if tau is not None else np.zeros(n)
        if dynamics == "sync":
            h = np.array([sum(fast[i, j] * s[j] for j in range(n)) for i in range(n)])
            s = np.array([_sgn(h[i] + slow[i], s[i]) for i in range(n)])
        else:
            rng.shuffle(order)
            for i in order:
                h = float(np.dot(fast[i], s))
                s[i] = _sgn(h + slow[i], s[i])
        if tau is not None:
            sbar = sbar + (s - sbar) / tau
        out.append(s.copy())
    return np.array(out, dtype=np.int8)
