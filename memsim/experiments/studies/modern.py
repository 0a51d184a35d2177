"""Studies of the modern (continuous) Hopfield network (:mod:`memsim.hopfield.modern`).

The fixed-point class against beta (:func:`beta_sweep`), the one-update retrieval error against
the separation (:func:`retrieval_error_table`), the retrieval rate of noisy queries over random
pattern sets, the capacity found by doubling and bisection on the number of patterns, and its
table over the dimension. The engine holds the update rule, the fixed-point classes and the
Theorem 5 bound; these functions only call them. They are still importable from
:mod:`memsim.hopfield.modern`.

References
----------
Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021, arXiv:2008.02217,
section 2 (fixed points), Theorem 5 (one-update retrieval) and section 3 (storage capacity
exponential in d).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from memsim import _checks
from memsim import patterns as _patterns
from memsim._checks import readonly as _readonly
from memsim._checks import renamed_keywords
from memsim._rng import generator
from memsim.errors import MemsimError
from memsim.experiments.studies._common import bisect_largest
from memsim.experiments.tables import Columns
from memsim.hopfield.modern import (
    _check_beta,
    _check_queries,
    _check_stored,
    classify_fixed_points,
    retrieval_error_bound,
    retrieve,
    separation,
)

__all__ = [
    "beta_sweep",
    "capacity_table",
    "measure_capacity",
    "retrieval_error_table",
    "retrieval_rate",
]

#: pattern kinds of the modern studies and the distribution of
#: :func:`memsim.patterns.random_patterns` that draws them (the "binary" patterns are integer
#: coin flips as float64)
PATTERN_KINDS = {"binary": "coin", "gaussian": "gaussian", "sphere": "sphere"}


def beta_sweep(
    stored: np.ndarray,
    queries: np.ndarray,
    betas: np.ndarray | list[float],
    *,
    steps: int = 1000,
    tol: float = 1e-10,
    normaliser: str = "softmax",
    scale_beta: bool = False,
    mass: float = 0.9,
    global_fraction: float = 0.5,
    **options: Any,
) -> dict[str, np.ndarray]:
    """Fixed-point class against beta: iterate each query to a fixed point for every beta.

    Returns a tidy table (dict of equal-length columns, one row per (beta, query);
    ``pandas.DataFrame(table)`` loads it): ``beta`` (as used, after ``scale_beta``), ``query``,
    ``kind``, ``subset_size``, ``nearest``, ``top_weight``, ``effective_number``, ``residual``,
    ``energy``, ``steps``, ``converged``. Small beta gives the global average, intermediate
    beta metastable states, large beta single patterns (Ramsauer et al. 2020, section 2).

    Parameters
    ----------
    stored : array_like, shape (P, d)
        Stored patterns (rows), real (float64).
    queries : array_like, shape (B, d) or (d,)
        Initial states, real (float64).
    betas : array_like of float
        Inverse temperatures (> 0) to sweep.
    steps : int
        Largest number of updates per query (>= 0).
    tol : float
        Convergence tolerance ``||xi_new - xi||_2 <= tol`` (>= 0).
    normaliser : str
        As in :func:`memsim.hopfield.modern.retrieve`.
    scale_beta : bool
        Use ``beta / sqrt(d)``.
    mass, global_fraction : float
        Classification settings of :func:`memsim.hopfield.modern.classify_fixed_points`.
    **options
        Normaliser options (e.g. ``alpha``).

    Returns
    -------
    dict of str to ndarray
        Read-only columns of length ``len(betas) * B``, as listed above.

    Raises
    ------
    MemsimError
        If ``stored`` is not a 2-D real numeric (P, d) array with P, d >= 1 or contains NaN/inf;
        if ``queries`` is not (B, d) or (d,), is empty, not real numeric or contains NaN/inf;
        and every error of :func:`memsim.hopfield.modern.retrieve` and
        :func:`memsim.hopfield.modern.classify_fixed_points` (a bad beta, steps, tol,
        normaliser, option, mass or global_fraction). Non-numeric ``betas`` raise numpy's own
        ValueError.

    References
    ----------
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021,
    arXiv:2008.02217, section 2 and Theorem 1 (convergence of the update to fixed points).
    """
    X = _check_stored(stored)
    Q, _ = _check_queries(queries, X.shape[1])
    cols = Columns(
        "beta",
        "query",
        "kind",
        "subset_size",
        "nearest",
        "top_weight",
        "effective_number",
        "residual",
        "energy",
        "steps",
        "converged",
    )
    for beta in np.atleast_1d(np.asarray(betas, dtype=np.float64)):
        tr = retrieve(
            X,
            Q,
            beta,
            steps,
            normaliser,
            tol=tol,
            trajectory=True,
            scale_beta=scale_beta,
            **options,
        )
        fin = tr.states[:, -1, :]
        fc = classify_fixed_points(
            X, fin, tr.beta, normaliser, mass=mass, global_fraction=global_fraction, **options
        )
        n = Q.shape[0]
        cols.extend(
            beta=[tr.beta] * n,
            query=range(n),
            kind=fc.kind.tolist(),
            subset_size=fc.subset_size.tolist(),
            nearest=fc.nearest.tolist(),
            top_weight=fc.top_weight.tolist(),
            effective_number=fc.effective_number.tolist(),
            residual=fc.residual.tolist(),
            energy=tr.energy[:, -1].tolist(),
            steps=tr.steps.tolist(),
            converged=tr.converged.tolist(),
        )
    return {k: _readonly(v) for k, v in cols.arrays().items()}


def retrieval_error_table(
    stored: np.ndarray,
    targets: np.ndarray,
    queries: np.ndarray,
    beta: float,
    *,
    scale_beta: bool = False,
    fixed_point_steps: int = 1000,
    tol: float = 1e-13,
) -> dict[str, np.ndarray]:
    """Retrieval error after one update against the separation Delta (Theorem 5).

    For each query (aimed at pattern ``targets[b]``): the separation ``Delta_i``, the query
    distance ``||xi - x_i||``, the fixed point ``x*_i`` reached by iterating from ``x_i``, the
    one-update error ``||f(xi) - x_i||`` and the Theorem 5 bound
    (:func:`memsim.hopfield.modern.retrieval_error_bound`). Tidy table (dict of columns):
    ``query, target, separation, query_distance, fixed_point_distance, error, bound, beta``.

    Parameters
    ----------
    stored, targets, queries, beta, scale_beta
        As in :func:`memsim.hopfield.modern.retrieval_error_bound`: the (P, d) stored patterns
        (float64 rows), the (B,) int pattern index each query aims at, the (B, d) or (d,)
        queries (float64) and the inverse temperature > 0 (``beta / sqrt(d)`` with
        ``scale_beta=True``).
    fixed_point_steps : int
        Largest number of updates to reach x*_i from x_i (>= 0).
    tol : float
        Convergence tolerance of that iteration (>= 0).

    Returns
    -------
    dict of str to ndarray
        Read-only columns of length B, as listed above (distances and errors in the units of
        the patterns; ``beta`` as used).

    Raises
    ------
    MemsimError
        The errors of :func:`memsim.hopfield.modern.retrieval_error_bound` (bad ``stored``,
        ``queries``, ``targets`` or ``beta``, checked first); if ``fixed_point_steps`` or
        ``tol`` is invalid, or the update overflows, the errors of
        :func:`memsim.hopfield.modern.retrieve`.

    References
    ----------
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021,
    arXiv:2008.02217, Theorem 5 and eq. (5).
    """
    retrieval_error_bound(stored, targets, queries, beta, scale_beta=scale_beta)  # the checks
    X = _check_stored(stored)
    Q, _ = _check_queries(queries, X.shape[1])
    t = np.asarray(targets, dtype=np.int64).reshape(-1)
    b = _check_beta(beta, X.shape[1], scale_beta)
    one = retrieve(X, Q, b, 1)
    fixed = retrieve(X, X[t], b, fixed_point_steps, tol=tol)
    bound = retrieval_error_bound(X, t, Q, b, fixed)
    table = {
        "query": np.arange(Q.shape[0]),
        "target": t,
        "separation": separation(X)[t],
        "query_distance": np.sqrt(np.sum((Q - X[t]) ** 2, axis=1)),
        "fixed_point_distance": np.sqrt(np.sum((fixed - X[t]) ** 2, axis=1)),
        "error": np.sqrt(np.sum((one - X[t]) ** 2, axis=1)),
        "bound": bound,
        "beta": np.full(Q.shape[0], b),
    }
    return {k: _readonly(np.asarray(v)) for k, v in table.items()}


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
    lo = bisect_largest(ok, lo, hi)
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
