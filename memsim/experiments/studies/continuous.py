"""Gain sweep of the graded-response Hopfield network (:mod:`memsim.hopfield.continuous`).

The final states of the continuous-time dynamics against the gain: amplitude, overlap with the
patterns to retrieve and agreement with the fixed points of the two-state network. The engine
holds the dynamics and the energy; this module only calls them. Still importable from
:mod:`memsim.hopfield.continuous`.

References
----------
Hopfield, J. J. (1984). Neurons with graded response have collective computational properties
like those of two-state neurons. PNAS 81, 3088-3092 (eq. 5 and its high-gain limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim import _checks as A
from memsim.errors import MemsimError
from memsim.hopfield.continuous import _bias, _weights, simulate

__all__ = ["GainSweep", "gain_sweep"]


@dataclass(frozen=True)
class GainSweep:
    """Final states against the gain (arrays read-only).

    Attributes
    ----------
    gains : (G,) float64
    amplitude : (G, B) float64
        Mean ``|V|`` at the end (0: the network decayed to the origin).
    overlap : (G, B) float64 or None
        ``(1/N) sum_i target_i V_i`` at the end, when targets are given.
    agrees : (G, B) bool
        sgn(V) at the end is a fixed point of the discrete dynamics s = sgn(W s + I).
    """

    gains: np.ndarray
    amplitude: np.ndarray
    overlap: np.ndarray | None
    agrees: np.ndarray


def gain_sweep(
    weights: Any,
    u0: Any,
    gains: Any,
    duration: float = 50.0,
    *,
    targets: Any = None,
    **options: Any,
) -> GainSweep:
    """Run :func:`simulate` at each gain and summarise the final states.

    The origin is the only stable state while gain times the largest eigenvalue of W is below 1
    (linearisation of eq. 5 at u = 0); above it the network settles in graded versions of the
    discrete attractors, which become the corners sgn(V) as the gain grows.

    Parameters
    ----------
    weights : (N, N) array
        Couplings W (float64).
    u0 : (B, N) or (N,) array
        Initial internal states.
    gains : array_like of float > 0
        Gains to run, shape (G,).
    duration : float > 0
        Integration time in units of tau.
    targets : (B, N) or (N,) array of -1/+1, optional
        Patterns each run should retrieve (for the overlap).
    **options
        ``tau``, ``I``, ``method``, ``rtol``, ``atol``, ``points`` for :func:`simulate`.

    Returns
    -------
    GainSweep
        ``gains`` (G,) float64; ``amplitude`` (G, B) float64 mean ``|V|`` in [0, 1]; ``overlap``
        (G, B) float64 in [-1, 1] or None; ``agrees`` (G, B) bool.

    Raises
    ------
    MemsimError
        ``gains`` empty or not positive, unknown options, ``targets`` not -1/+1 with N columns
        and 1 or B rows, ``I`` not of shape (N,), and everything :func:`simulate` checks.

    References
    ----------
    Hopfield, J. J. (1984). PNAS 81, 3088-3092, eq. 5 (dynamics) and its high-gain limit
    (stable states approach those of the two-state network, Hopfield 1982).
    """
    A.no_options(options, ("tau", "I", "method", "rtol", "atol", "points"), "gain_sweep")
    gs = A.array(gains, "gains").astype(np.float64).ravel()
    if gs.size == 0 or (gs <= 0).any():
        raise MemsimError(f"gains must be a non-empty list of positive numbers, got {gains!r}")
    W = _weights(weights)
    U0 = np.atleast_2d(A.array(u0, "u0"))
    tg = None
    if targets is not None:
        tg = A.spins(np.atleast_2d(A.array(targets, "targets")), "targets", 2, W.shape[0])
        if tg.shape[0] not in (1, U0.shape[0]):
            raise MemsimError(f"targets must have 1 or {U0.shape[0]} rows, got {tg.shape[0]}")
    b = _bias(options.get("I"), W.shape[0])
    amp, ov, agree = [], [], []
    for g in gs:
        r = simulate(W, U0, duration, gain=float(g), **options)
        V = r.V[:, -1]
        amp.append(np.abs(V).mean(axis=1))
        if tg is not None:
            ov.append((V * tg).mean(axis=1))
        s = r.states()
        h = s @ W.T + b
        agree.append(((h > 0) & (s > 0) | (h < 0) & (s < 0) | (h == 0)).all(axis=1))
    return GainSweep(
        gains=A.readonly(gs),
        amplitude=A.readonly(np.asarray(amp)),
        overlap=None if tg is None else A.readonly(np.asarray(ov)),
        agrees=A.readonly(np.asarray(agree)),
    )
