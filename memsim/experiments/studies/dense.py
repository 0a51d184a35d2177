"""Capacity studies of the dense associative memory (:mod:`memsim.hopfield.dense`).

Sweeps over random pattern sets: the one-step bit-error rate, the retrieval rate of noisy cues
and the capacity found by bisection on the number of patterns, alone or tabulated over N and the
interaction order n. The engine (:mod:`memsim.hopfield.dense`) holds the physics; these
functions only call it. They are still importable from :mod:`memsim.hopfield.dense`.

References
----------
Krotov, D. & Hopfield, J. J. (2016). Dense associative memory for pattern recognition. NIPS 29,
arXiv:1606.01164 (capacity about N^(n-1) / (2 (2n-3)!! ln N)).
Demircigil, M., Heusel, J., Loewe, M., Upgang, S. & Vermet, F. (2017). On a model of associative
memory with huge storage capacity. J. Stat. Phys. 168, 288-299 (exponential capacity).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from memsim import _checks
from memsim import patterns as _patterns
from memsim._checks import renamed_keywords
from memsim._rng import generator
from memsim.errors import MemsimError
from memsim.experiments.studies._common import bisect_largest, fill_doc
from memsim.hopfield.dense import _check_interaction, dense_recall, dense_unstable_bits
from memsim.theory import dense_capacity as theory_capacity

__all__ = ["bit_error_rate", "capacity_table", "measure_capacity", "retrieval_rate"]

#: the Parameters entries of a network of random patterns, shared by the rate functions
_NETWORK = """n_neurons : int
    N (>= 2).
n_patterns : int
    Number of stored patterns P (>= 1; the papers' K). (``patterns`` is a deprecated
    alias.)
interaction : {"polynomial", "rectified", "exponential"}
    As in :func:`dense_recall`.
n : int
    Interaction order (>= 2); ignored for "exponential"."""


def _sizes(n_neurons, n_patterns, cues) -> tuple[int, int, int]:
    """N, K and the number of cues, checked."""
    return (
        _checks.integer(n_neurons, "n_neurons", 2),
        _checks.integer(n_patterns, "n_patterns", 1),
        _checks.integer(cues, "cues", 1),
    )


def _stored(n_neurons: int, n_patterns: int, cues: int, seed) -> tuple[np.ndarray, int]:
    """The K random patterns of N bits of stream ``(seed, N, K)`` and how many of them are cued
    (the first ``min(cues, K)``)."""
    xi = _patterns.random_patterns(
        n_patterns, n_neurons, seed=seed, keys=(n_neurons, n_patterns), distribution="coin"
    )
    return xi, min(int(cues), n_patterns)


def _rate_function(f):
    """Decorator of the rate functions: the shared Parameters entries of their network and the
    deprecated ``patterns`` keyword."""
    return renamed_keywords(patterns="n_patterns")(fill_doc(network=_NETWORK)(f))


@_rate_function
def bit_error_rate(
    n_neurons: int,
    n_patterns: int,
    interaction: str = "polynomial",
    n: int = 3,
    *,
    cues: int = 200,
    seed: int = 0,
) -> float:
    """Measured one-step bit-error rate at stored patterns.

    Stores ``n_patterns`` random patterns of ``n_neurons`` bits (stream ``(seed, N, K)``) and counts
    the neurons the update rule would flip when the state is a stored pattern, over the first
    ``min(cues, n_patterns)`` patterns.

    Parameters
    ----------
    {network}
    cues : int
        Number of stored patterns checked (>= 1; at most ``n_patterns`` are used).
    seed : int
        Seed (>= 0).

    Returns
    -------
    float
        Flips / (checked patterns x N), in [0, 1].

    Raises
    ------
    MemsimError
        If ``n_neurons`` is not an integer >= 2, ``n_patterns`` or ``cues`` not an integer
        >= 1, ``seed`` not an integer >= 0; if ``interaction`` is unknown or ``n`` is not an
        integer >= 2 (polynomial kinds).

    References
    ----------
    Krotov, D. & Hopfield, J. J. (2016). Dense associative memory for pattern recognition.
    NIPS 29, arXiv:1606.01164 (one-step bit error behind the capacity estimate).
    """
    n_neurons, n_patterns, cues = _sizes(n_neurons, n_patterns, cues)
    xi, c = _stored(n_neurons, n_patterns, cues, seed)
    bad = dense_unstable_bits(xi, xi[:c], interaction, n)
    return float(np.sum(bad)) / (c * n_neurons)


@_rate_function
def retrieval_rate(
    n_neurons: int,
    n_patterns: int,
    interaction: str = "polynomial",
    n: int = 3,
    *,
    flip_fraction: float = 0.1,
    cues: int = 100,
    max_sweeps: int = 20,
    seed: int = 0,
) -> float:
    """Fraction of noisy cues (``flip_fraction`` of the bits of a stored pattern flipped) that
    asynchronous dynamics bring back exactly to their pattern.

    Patterns come from stream ``(seed, N, K)``, the flipped bits from ``(seed, N, K, 1)``;
    the first ``min(cues, n_patterns)`` patterns are cued.

    Parameters
    ----------
    {network}
    flip_fraction : float
        Fraction of bits flipped in each cue, in [0, 1] (rounded to a whole number of bits).
    cues : int
        Number of cues (>= 1; at most ``n_patterns``).
    max_sweeps : int
        Sweep limit of the asynchronous recall (>= 1).
    seed : int
        Seed (>= 0).

    Returns
    -------
    float
        Fraction of cues in [0, 1] whose final state equals their pattern.

    Raises
    ------
    MemsimError
        If ``n_neurons`` is not an integer >= 2, ``n_patterns`` or ``cues`` not an integer
        >= 1, ``seed`` not an integer >= 0; if ``flip_fraction`` is outside [0, 1]; and the
        errors of :func:`dense_recall` (unknown ``interaction``, ``n`` < 2, ``max_sweeps``
        < 1).

    References
    ----------
    Krotov, D. & Hopfield, J. J. (2016). Dense associative memory for pattern recognition.
    NIPS 29, arXiv:1606.01164, eq. 3 (update rule).
    Demircigil, M. et al. (2017). On a model of associative memory with huge storage
    capacity. J. Stat. Phys. 168, 288-299 (``F(x) = exp(x)``).
    """
    n_neurons, n_patterns, cues = _sizes(n_neurons, n_patterns, cues)
    if not 0.0 <= flip_fraction <= 1.0:
        raise MemsimError(f"flip_fraction must be within [0, 1], got {flip_fraction}")
    xi, c = _stored(n_neurons, n_patterns, cues, seed)
    rng = generator(seed, n_neurons, n_patterns, 1)
    cue = xi[:c].copy()
    nflip = int(round(flip_fraction * n_neurons))
    for b in range(c):
        idx = rng.choice(n_neurons, size=nflip, replace=False)
        cue[b, idx] *= -1
    res = dense_recall(xi, cue, interaction, n, "async", max_sweeps, "random", seed, warn=False)
    return float(np.mean(np.all(res.states == xi[:c], axis=1)))


def measure_capacity(
    n_neurons: int,
    n: int = 3,
    interaction: str = "polynomial",
    *,
    criterion: str = "bit_error",
    error_rate: float = 0.01,
    flip_fraction: float = 0.1,
    cues: int = 200,
    k_max: int = 1_000_000,
    seed: int = 0,
) -> dict[str, Any]:
    """Largest number of random patterns a dense network stores, found by bisection on K.

    Parameters
    ----------
    n_neurons : int
        N.
    n, interaction
        As in :func:`dense_recall`.
    criterion : {"bit_error", "retrieval"}
        ``"bit_error"``: the one-step bit-error rate at stored patterns (:func:`bit_error_rate`)
        must be <= ``error_rate``. ``"retrieval"``: the fraction of noisy cues retrieved exactly
        (:func:`retrieval_rate`) must be >= ``1 - error_rate``.
    error_rate : float
        Tolerated error, in (0, 0.5).
    flip_fraction : float
        Cue noise for the "retrieval" criterion, in [0, 1].
    cues : int
        Patterns checked (bit_error) or cues run (retrieval) per K (>= 1).
    k_max : int
        Upper limit of the search (>= 1).
    seed : int
        Seed (>= 0).

    Returns
    -------
    dict
        ``N``, ``n`` (None for exponential), ``interaction``, ``criterion``, ``error_rate``,
        ``capacity`` (int, the largest K that passed; 0 if K = 1 failed), ``theory`` (float;
        polynomial kinds with the bit-error criterion: :func:`theory_capacity` at
        ``error_rate``; else NaN) and ``evaluations`` (list of (K, value)). Each K uses its own
        pattern set (stream ``(seed, N, K)``), so the measured curve is noisy at the level of
        the sampling error of the rate.

    Raises
    ------
    MemsimError
        If ``n_neurons`` is not an integer >= 2, ``k_max`` or ``cues`` not an integer >= 1,
        ``seed`` not an integer >= 0; if ``interaction`` is unknown or ``n`` is not an
        integer >= 2 (polynomial kinds); if ``criterion`` is unknown; if ``error_rate`` is
        not in (0, 0.5); if ``flip_fraction`` is outside [0, 1] (retrieval criterion).

    References
    ----------
    Krotov, D. & Hopfield, J. J. (2016). Dense associative memory for pattern recognition.
    NIPS 29, arXiv:1606.01164 (capacity about N^(n-1) / (2 (2n-3)!! ln N)).
    Demircigil, M. et al. (2017). On a model of associative memory with huge storage
    capacity. J. Stat. Phys. 168, 288-299 (exponential capacity).
    """
    n_neurons = _checks.integer(n_neurons, "n_neurons", 2)
    k_max = _checks.integer(k_max, "k_max", 1)
    _checks.seed(seed)
    _, n_pow = _check_interaction(interaction, n)
    if criterion not in ("bit_error", "retrieval"):
        raise MemsimError(f"unknown criterion {criterion!r}; allowed: bit_error, retrieval")
    if not 0.0 < error_rate < 0.5:
        raise MemsimError(f"error_rate must be in (0, 0.5), got {error_rate}")
    evals: list[tuple[int, float]] = []

    def ok(k: int) -> bool:
        if criterion == "bit_error":
            v = bit_error_rate(n_neurons, k, interaction, n, cues=cues, seed=seed)
            evals.append((k, v))
            return v <= error_rate
        v = retrieval_rate(
            n_neurons, k, interaction, n, flip_fraction=flip_fraction, cues=cues, seed=seed
        )
        evals.append((k, v))
        return v >= 1.0 - error_rate

    lo, hi = 1, 2
    if not ok(1):
        lo = 0
        hi = 1
    else:
        while hi <= k_max and ok(hi):
            lo = hi
            hi *= 2
        hi = min(hi, k_max + 1)
    lo = bisect_largest(ok, lo, hi)
    theory = np.nan
    if interaction != "exponential" and criterion == "bit_error":
        theory = theory_capacity(n_neurons, n_pow, interaction, error_rate)
    return {
        "N": int(n_neurons),
        "n": None if interaction == "exponential" else n_pow,
        "interaction": interaction,
        "criterion": criterion,
        "error_rate": float(error_rate),
        "capacity": int(lo),
        "theory": float(theory),
        "evaluations": evals,
    }


def capacity_table(
    n_values: list[int] | np.ndarray,
    orders: list[int] | tuple[int, ...] = (2, 3, 4),
    interaction: str = "polynomial",
    **options: Any,
) -> dict[str, np.ndarray]:
    """Tidy table of :func:`measure_capacity` over N (and interaction orders n).

    For the exponential interaction ``orders`` is ignored (one row per N).

    Parameters
    ----------
    n_values : sequence of int
        Network sizes N (each >= 2).
    orders : sequence of int
        Interaction orders n (each >= 2) for the polynomial kinds.
    interaction : {"polynomial", "rectified", "exponential"}
        As in :func:`dense_recall`.
    **options
        Keyword options of :func:`measure_capacity` (``criterion``, ``error_rate``,
        ``flip_fraction``, ``cues``, ``k_max``, ``seed``).

    Returns
    -------
    dict of str to ndarray
        Equal-length read-only columns ``N, n, interaction, criterion, error_rate, capacity,
        theory, ratio`` (``ratio = capacity / theory``; ``n`` is -1 for exponential rows);
        ``pandas.DataFrame(table)`` loads it.

    Raises
    ------
    MemsimError
        If ``interaction`` is unknown, and every error of :func:`measure_capacity` (invalid N,
        n, criterion, error_rate, ...).

    References
    ----------
    Krotov, D. & Hopfield, J. J. (2016). Dense associative memory for pattern recognition.
    NIPS 29, arXiv:1606.01164 (capacity about N^(n-1) / (2 (2n-3)!! ln N)).
    Demircigil, M. et al. (2017). On a model of associative memory with huge storage
    capacity. J. Stat. Phys. 168, 288-299 (exponential capacity).
    """
    rows = []
    _check_interaction(interaction, 2)
    ords = [None] if interaction == "exponential" else list(orders)
    for nv in n_values:
        for o in ords:
            r = measure_capacity(int(nv), 2 if o is None else int(o), interaction, **options)
            rows.append(r)
    cols = ["N", "n", "interaction", "criterion", "error_rate", "capacity", "theory"]
    out: dict[str, np.ndarray] = {}
    for c in cols:
        vals = [r[c] if r[c] is not None else -1 for r in rows]
        out[c] = np.asarray(vals)
    out["ratio"] = out["capacity"] / out["theory"].astype(np.float64)
    for v in out.values():
        v.setflags(write=False)
    return out
