"""Dilution and unlearning for the classical Hopfield network.

Dilution (``store(..., dilution=C, dilution_kind=..., seed=...)``): each neuron keeps C input
connections. ``"asymmetric"``: neuron i keeps exactly C inputs chosen at random among the other
N - 1 neurons, independently of the other neurons (c_ij != c_ji in general). ``"symmetric"``:
each pair is kept with probability C / (N - 1) in both directions (C connections per neuron on
average). Hebbian couplings become ``W_ij = (c_ij / C) sum_mu xi_i^mu xi_j^mu`` (exact integers
over C); other rules' matrices are multiplied by the mask. In the extremely diluted asymmetric
network (C << ln N) the overlap obeys ``m_{t+1} = erf(m_t / sqrt(2 alpha))`` with alpha = P / C
and retrieval exists for alpha < 2 / pi (Derrida, Gardner & Zippelius 1987, eqs. 7-8; for
finite C and integer fields :func:`diluted_overlap_map` gives the exact map with ties).

Unlearning (``store(..., rule="unlearning", dreams=D, epsilon=eps, seed=...)``): starting from the
Hebbian couplings, each "dream" runs asynchronous dynamics from a random state to a fixed point s
(often spurious) and lowers ``W <- W - (eps / N) s s^T`` (diagonal kept 0) (Hopfield, Feinstein &
Palmer 1983). Repeated, this suppresses spurious states and widens the basins of the stored
patterns; too many dreams destroy the memories.

References
----------
Derrida, B., Gardner, E. & Zippelius, A. (1987). An exactly solvable asymmetric neural network
model. Europhys. Lett. 4, 167-173.
Hopfield, J. J., Feinstein, D. I. & Palmer, R. G. (1983). 'Unlearning' has a stabilizing effect
in collective memories. Nature 304, 158-159.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

from memsim import _checks as A
from memsim._rng import generator, stream_states
from memsim.errors import ConvergenceWarning
from memsim.hopfield import _unlearning_kernels as UK

__all__ = ["DILUTION_KINDS", "dilute", "diluted_overlap_map", "erf_map", "unlearning"]

DILUTION_KINDS = ("asymmetric", "symmetric")

#: stream keys for the dilution mask and the dreams
DILUTION_STREAM_KEY = 0xD11
UNLEARNING_STREAM_KEY = 0xD2EA


def mask(n: int, c: int, kind: str, seed: int) -> np.ndarray:
    """(N, N) bool connection mask with zero diagonal (see the module docstring).

    Parameters
    ----------
    n : int
        Number of neurons N (>= 2).
    c : int
        Connections kept per neuron, 1 <= C <= N - 1 (exact for "asymmetric", the mean for
        "symmetric").
    kind : {"asymmetric", "symmetric"}
        Dilution kind; row i of the asymmetric mask marks the inputs of neuron i.
    seed : int
        Seed (>= 0); the stream is ``(seed, DILUTION_STREAM_KEY, N, C, kind index)``.

    Returns
    -------
    ndarray of bool, shape (N, N)
        ``mask[i, j]``: coupling W_ij kept (symmetric for "symmetric").

    Raises
    ------
    MemsimError
        If ``seed``, ``n`` or ``c`` is not an integer >= 0 (random stream keys). Nothing else
        is validated here (:func:`dilute` checks C and the kind): an unknown ``kind`` raises
        ValueError.

    References
    ----------
    Derrida, B., Gardner, E. & Zippelius, A. (1987). An exactly solvable asymmetric neural
    network model. Europhys. Lett. 4, 167-173 (asymmetric dilution).
    """
    g = generator(seed, DILUTION_STREAM_KEY, n, c, DILUTION_KINDS.index(kind))
    if kind == "asymmetric":
        keys = g.random((n, n))
        np.fill_diagonal(keys, np.inf)
        idx = np.argpartition(keys, c - 1, axis=1)[:, :c]
        m = np.zeros((n, n), dtype=bool)
        np.put_along_axis(m, idx, True, axis=1)
        return m
    up = np.triu(g.random((n, n)) < c / (n - 1), k=1)
    return up | up.T


def dilute(weights, dilution: Any, dilution_kind: str = "asymmetric", seed: Any = 0):
    """Keep ``dilution`` = C connections per neuron of a classical :class:`Weights`.

    Parameters
    ----------
    weights : memsim.hopfield.Weights
        Weights from a storage rule.
    dilution : int, 1 <= C <= N - 1
        Connections kept per neuron (exactly, asymmetric; on average, symmetric).
    dilution_kind : {"asymmetric", "symmetric"}
    seed : int
        Mask stream ``(seed, DILUTION_STREAM_KEY, N, C, kind)``.

    Returns
    -------
    Weights
        Rule name ``"<rule>-diluted"``; ``info`` holds ``dilution``, ``dilution_kind``,
        ``dilution_seed``; Hebbian couplings stay exact integers (scale C).

    Raises
    ------
    MemsimError
        ``dilution`` not an integer in [1, N - 1], unknown ``dilution_kind``, bad ``seed``.

    References
    ----------
    Derrida, Gardner & Zippelius (1987), Europhys. Lett. 4, 167.
    """
    from memsim.hopfield.classical import Weights

    n = weights.n
    c = A.integer(dilution, "dilution", low=1, high=n - 1)
    kind = A.choice(dilution_kind, "dilution_kind", DILUTION_KINDS)
    seed = A.integer(seed, "seed", low=0)
    mk = mask(n, c, kind, seed)
    sym = kind == "symmetric" and weights.symmetric
    info = dict(weights.info)
    info.update(dilution=c, dilution_kind=kind, dilution_seed=seed)
    common = dict(
        rule=f"{weights.rule}-diluted",
        theta=weights.theta,
        patterns=weights.patterns,
        symmetric=sym,
        info=info,
    )
    if weights._integer is not None and weights.rule == "hebbian":
        J = np.where(mk, weights._integer, 0).astype(weights._integer.dtype)
        return Weights(integer=J, scale=c, **common)
    return Weights(np.where(mk, weights.matrix, 0.0), **common)


def unlearning(
    patterns: Any,
    dreams: Any = 100,
    epsilon: Any = 0.01,
    seed: Any = 0,
    max_sweeps: Any = 100,
):
    """Hebbian storage followed by ``dreams`` unlearning steps (Hopfield, Feinstein & Palmer).

    Parameters
    ----------
    patterns : (P, N) array of -1/+1
    dreams : int >= 0
        Number of dreams (0 gives the Hebbian weights as float64).
    epsilon : float > 0
        Unlearning strength: each dream subtracts ``(epsilon / N) s s^T``.
    seed : int >= 0
        Dream stream ``(seed, UNLEARNING_STREAM_KEY)`` (random starts and update orders).
    max_sweeps : int >= 1
        Sweep limit of each dream's relaxation (a dream that does not settle is still unlearned,
        with a :class:`~memsim.errors.ConvergenceWarning`).

    Returns
    -------
    Weights
        ``rule="unlearning"``, float64 symmetric couplings; ``info`` holds ``dreams``,
        ``epsilon``, ``seed``, ``dream_states`` (dreams, N) and ``dream_sweeps``.

    Raises
    ------
    MemsimError
        Bad ``patterns``; ``dreams`` < 0; ``epsilon`` not > 0 (or NaN/inf); ``seed`` < 0;
        ``max_sweeps`` < 1.

    References
    ----------
    Hopfield, Feinstein & Palmer (1983), Nature 304, 158.
    """
    from memsim.hopfield.classical import Weights, _check_patterns

    xi = _check_patterns(patterns)
    p, n = xi.shape
    dreams = A.integer(dreams, "dreams", low=0)
    eps = A.real(epsilon, "epsilon", low=0.0, low_open=True)
    seed = A.integer(seed, "seed", low=0)
    max_sweeps = A.integer(max_sweeps, "max_sweeps", low=1)
    x = xi.astype(np.float64)
    W = x.T @ x
    np.fill_diagonal(W, 0.0)
    W /= n
    W = np.ascontiguousarray(W)
    states = np.zeros((dreams, n), dtype=np.int8)
    sweeps = np.zeros(dreams, dtype=np.int64)
    rng = stream_states(seed, (UNLEARNING_STREAM_KEY,), 1)[0]
    UK.unlearn(W, dreams, eps / n, max_sweeps, rng, states, sweeps)
    if (sweeps > max_sweeps).any():
        import warnings

        warnings.warn(
            f"{int((sweeps > max_sweeps).sum())} of {dreams} dreams did not reach a fixed point",
            ConvergenceWarning,
            stacklevel=3,
        )
    info = {
        "dreams": dreams,
        "epsilon": eps,
        "seed": seed,
        "dream_states": A.readonly(states),
        "dream_sweeps": A.readonly(sweeps),
    }
    return Weights(W, rule="unlearning", patterns=xi, info=info)


def erf_map(m: Any, alpha: float) -> np.ndarray:
    """``erf(m / sqrt(2 alpha))``: one parallel step of the extremely diluted asymmetric network
    (Derrida, Gardner & Zippelius 1987) in the limit of many connections per neuron.

    Parameters
    ----------
    m : array_like of float
        Overlaps m_t, in [-1, 1] (any shape).
    alpha : float > 0
        Load P / C (patterns per connection).

    Returns
    -------
    ndarray of float64, shape of ``m``
        Overlaps m_{t+1}, in [-1, 1]. Retrieval (a stable m > 0) exists for
        alpha < 2 / pi.

    Raises
    ------
    MemsimError
        If ``alpha`` is not a real number > 0. Non-numeric ``m`` raises numpy's own
        ValueError.

    References
    ----------
    Derrida, B., Gardner, E. & Zippelius, A. (1987). An exactly solvable asymmetric neural
    network model. Europhys. Lett. 4, 167-173, eqs. 7-8.
    """
    a = A.real(alpha, "alpha", low=0.0, low_open=True)
    from scipy.special import erf

    return erf(np.asarray(m, dtype=np.float64) / math.sqrt(2.0 * a))


def diluted_overlap_map(m: Any, c: int, p: int) -> np.ndarray:
    """Exact one-step overlap map for finite C with integer fields and the keep-state tie rule.

    Under extreme dilution the C inputs of a neuron are independent with overlap m, so
    ``xi_i h_i = (2 B1 - C) + (2 B2 - (P - 1) C)`` with ``B1 ~ Binomial(C, (1 + m) / 2)`` and
    ``B2 ~ Binomial((P - 1) C, 1/2)`` independent; ``m' = P(X > 0) - P(X < 0) + m P(X = 0)``.
    Tends to :func:`erf_map` with alpha = P / C for large C.

    Parameters
    ----------
    m : array_like of float
        Overlaps m_t, in [-1, 1] (scalar or 1-D; outside [-1, 1] the result is NaN).
    c : int >= 1
        Connections per neuron C.
    p : int >= 1
        Number of stored patterns P.

    Returns
    -------
    ndarray of float64, shape (len(m),), or numpy float64 for a scalar ``m``
        Overlaps m_{t+1}, in [-1, 1].

    Raises
    ------
    MemsimError
        If ``c`` or ``p`` is not an integer >= 1. Non-numeric ``m`` raises numpy's own
        ValueError.

    References
    ----------
    Derrida, B., Gardner, E. & Zippelius, A. (1987). An exactly solvable asymmetric neural
    network model. Europhys. Lett. 4, 167-173, eqs. 7-8 (the large-C limit of this map).
    """
    c = A.integer(c, "c", low=1)
    p = A.integer(p, "p", low=1)
    ms = np.atleast_1d(np.asarray(m, dtype=np.float64))
    k1 = np.arange(c + 1)
    x1 = 2 * k1 - c
    big = (p - 1) * c
    half = (big - x1) / 2.0  # X > 0  <=>  B2 > half
    pos = stats.binom.sf(np.floor(half), big, 0.5)
    neg = stats.binom.cdf(np.ceil(half) - 1, big, 0.5)
    tie = np.where(half == np.rint(half), stats.binom.pmf(np.rint(half), big, 0.5), 0.0)
    out = np.empty_like(ms)
    for idx, mm in enumerate(ms):
        f1 = stats.binom.pmf(k1, c, (1 + mm) / 2)
        out[idx] = f1 @ pos - f1 @ neg + mm * (f1 @ tie)
    return out if np.ndim(m) else out[0]
