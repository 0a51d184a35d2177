"""Capacity studies of the modern (continuous) Hopfield network (:mod:`memsim.hopfield.modern`).

The retrieval rate of noisy queries over random pattern sets, the capacity found by doubling and
bisection on the number of patterns, and its table over the dimension. The engine holds the
update rule; these functions only call :func:`memsim.hopfield.modern.retrieve`. They are still
importable from :mod:`memsim.hopfield.modern`.

References
----------
Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021, arXiv:2008.02217,
Theorem 5 (one-update retrieval) and section 3 (storage capacity exponential in d).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from memsim import _checks
from memsim import patterns as _patterns
from memsim._checks import renamed_keywords
from memsim._rng import generator
from memsim.errors import MemsimError
from memsim.hopfield.modern import retrieve

__all__ = ["capacity_table", "measure_capacity", "retrieval_rate"]

#: pattern kinds of the modern studies and the distribution of
#: :func:`memsim.patterns.random_patterns` that draws them (the "binary" patterns are integer
#: coin flips as float64)
PATTERN_KINDS = {"binary": "coin", "gaussian": "gaussian", "sphere": "sphere"}


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@renamed_keywords(dim="n_neurons", patterns="n_patterns")
def retrieval_rate(
    n_neurons: int,
    n_patterns: int,
    beta: float = 1.0,
    *,
    pattern_kind: str = "binary",
    noise: float = 0.1,
    queries: int = 100,
    steps: int = 1,
    rel_error: float = 0.1,
    scale_beta: bool = False,
    seed: int = 0,
) -> float:
    """Fraction of noisy queries retrieved by the continuous network.

    ``n_patterns`` random patterns (stream ``(seed, d, P)``); query b is pattern b (b < queries)
    with a fraction ``noise`` of its signs flipped ("binary") or plus Gaussian noise of norm
    ``noise * ||x||`` (other kinds). Retrieved means ``||xi_final - x_b|| <= rel_error * ||x_b||``
    after ``steps`` softmax updates.

    Parameters
    ----------
    n_neurons : int
        N, the dimension d of the patterns (>= 1). (``dim`` is a deprecated alias.)
    n_patterns : int
        P, the number of stored patterns (>= 1). (``patterns`` is a deprecated alias.)
    beta : float
        Inverse temperature > 0 (``beta / sqrt(d)`` with ``scale_beta=True``).
    pattern_kind : {"binary", "gaussian", "sphere"}
        As in :func:`memsim.hopfield.modern.random_patterns`.
    noise : float
        Fraction of flipped signs in [0, 1] ("binary"), else relative noise norm (>= 0).
    queries : int
        Number of queries (at most ``patterns`` are used).
    steps : int
        Number of updates (>= 0).
    rel_error : float
        Tolerated relative distance to the pattern.
    scale_beta : bool
        Use ``beta / sqrt(d)``.
    seed : int
        Seed (>= 0).

    Returns
    -------
    float
        Fraction in [0, 1] of queries retrieved.

    Raises
    ------
    MemsimError
        If ``n_neurons`` < 1, ``n_patterns`` < 0, ``seed`` not an integer >= 0 or
        ``pattern_kind`` unknown (:func:`memsim.patterns.random_patterns`); and the errors of
        :func:`memsim.hopfield.modern.retrieve` (``n_patterns`` < 1, a bad ``beta`` or
        ``steps``). A ``noise`` above 1 for "binary" raises numpy's own ValueError.

    References
    ----------
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021,
    arXiv:2008.02217, Theorem 5 (one-update retrieval) and section 3 (storage capacity).
    """
    if pattern_kind not in PATTERN_KINDS:
        raise MemsimError(
            f"unknown pattern kind {pattern_kind!r}; allowed: binary, gaussian, sphere"
        )
    X = _patterns.random_patterns(
        n_patterns,
        n_neurons,
        seed=seed,
        keys=(n_neurons, n_patterns),
        distribution=PATTERN_KINDS[pattern_kind],
        dtype=np.float64,
    )
    c = min(int(queries), n_patterns)
    rng = generator(seed, n_neurons, n_patterns, 1)
    Q = X[:c].copy()
    if pattern_kind == "binary":
        nflip = int(round(noise * n_neurons))
        for b in range(c):
            idx = rng.choice(n_neurons, size=nflip, replace=False)
            Q[b, idx] *= -1
    else:
        g = rng.standard_normal(Q.shape)
        g *= (noise * np.linalg.norm(Q, axis=1) / np.linalg.norm(g, axis=1))[:, None]
        Q += g
    out = retrieve(X, Q, beta, steps, scale_beta=scale_beta)
    err = np.linalg.norm(out - X[:c], axis=1)
    return float(np.mean(err <= rel_error * np.linalg.norm(X[:c], axis=1)))


@renamed_keywords(dim="n_neurons")
def measure_capacity(
    n_neurons: int,
    beta: float = 1.0,
    *,
    error_rate: float = 0.01,
    k_max: int = 1 << 17,
    seed: int = 0,
    **options: Any,
) -> dict[str, Any]:
    """Largest number of random patterns for which :func:`retrieval_rate` >= 1 - error_rate.

    Doubling then bisection on P (each P its own pattern set, so the curve carries sampling
    noise). ``options`` go to :func:`retrieval_rate` (pattern_kind, noise, queries, steps,
    rel_error, scale_beta). Returns a dict with ``d``, ``beta``, ``capacity``,
    ``capacity_over_d`` and ``evaluations`` (list of (P, rate)); ``capacity`` is capped at
    ``k_max`` (``at_limit`` says so).

    Parameters
    ----------
    n_neurons : int
        N, the dimension d of the patterns (>= 1). (``dim`` is a deprecated alias.)
    beta : float
        Inverse temperature > 0.
    error_rate : float
        Tolerated fraction of failed queries, in (0, 1).
    k_max : int
        Upper limit of the search.
    seed : int
        Seed (>= 0).
    **options
        Options of :func:`retrieval_rate`.

    Returns
    -------
    dict
        ``d`` (int), ``beta`` (float), ``capacity`` (int), ``capacity_over_d`` (float),
        ``at_limit`` (bool) and ``evaluations`` (list of (P, rate)).

    Raises
    ------
    MemsimError
        If an option is not one :func:`retrieval_rate` takes; if ``n_neurons`` is not an integer
        >= 1; if ``error_rate`` is not in (0, 1); and the errors of :func:`retrieval_rate`.

    References
    ----------
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021,
    arXiv:2008.02217, section 3 (storage capacity exponential in d).
    """
    allowed = ("pattern_kind", "noise", "queries", "steps", "rel_error", "scale_beta")
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise MemsimError(
            f"measure_capacity: unknown option(s) {unknown}; it passes on only {list(allowed)}"
        )
    n_neurons = _checks.integer(n_neurons, "n_neurons", 1)
    if not 0.0 < error_rate < 1.0:
        raise MemsimError(f"error_rate must be in (0, 1), got {error_rate}")
    evals: list[tuple[int, float]] = []

    def ok(k: int) -> bool:
        v = retrieval_rate(n_neurons, k, beta, seed=seed, **options)
        evals.append((k, v))
        return v >= 1.0 - error_rate

    lo, hi = 0, 1
    at_limit = False
    if ok(1):
        lo, hi = 1, 2
        while True:
            if hi > k_max:
                at_limit = True
                hi = k_max + 1
                break
            if not ok(hi):
                break
            lo, hi = hi, hi * 2
        if at_limit and ok(k_max):
            lo = hi = k_max
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return {
        "d": int(n_neurons),
        "beta": float(beta),
        "capacity": int(lo),
        "capacity_over_d": lo / n_neurons,
        "at_limit": bool(at_limit and lo == k_max),
        "evaluations": evals,
    }


def capacity_table(
    dims: list[int] | np.ndarray, beta: float = 1.0, **options: Any
) -> dict[str, np.ndarray]:
    """Tidy table of :func:`measure_capacity` over dimensions d.

    Parameters
    ----------
    dims : sequence of int
        Dimensions d (each >= 1).
    beta : float
        Inverse temperature > 0.
    **options
        Keyword options of :func:`measure_capacity`.

    Returns
    -------
    dict of str to ndarray
        Read-only columns ``d, beta, capacity, capacity_over_d, at_limit``, one row per d
        (compare ``capacity_over_d`` with the classical 0.138).

    Raises
    ------
    MemsimError
        Every error of :func:`measure_capacity`.

    References
    ----------
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021,
    arXiv:2008.02217, section 3 (storage capacity).
    Amit, Gutfreund & Sompolinsky (1985). Phys. Rev. A 32, 1007 (classical alpha_c = 0.138).
    """
    rows = [measure_capacity(int(d), beta, **options) for d in dims]
    cols = ["d", "beta", "capacity", "capacity_over_d", "at_limit"]
    return {c: _readonly(np.asarray([r[c] for r in rows])) for c in cols}
