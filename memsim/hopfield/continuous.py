"""Graded-response Hopfield network in continuous time (Hopfield 1984).

    tau du_i/dt = -u_i + sum_j W_ij V_j + I_i,     V_j = g(u_j) = tanh(gain u_j)

(Hopfield 1984, eq. 5, with R_i = 1 and C_i = tau). For symmetric W the function

    E = -1/2 sum_ij W_ij V_i V_j - sum_i I_i V_i + sum_i int_0^{V_i} g^-1(v) dv

(eq. 7) never increases along a trajectory: dE/dt = -tau sum_i g'(u_i) (du_i/dt)^2 <= 0. With
g^-1(v) = artanh(v) / gain the integral is ``V u - ln cosh(gain u) / gain``, which memsim evaluates
from u (stable at any gain, where artanh(V) would overflow). As gain -> infinity the stable states
approach the corners V = s of the discrete network with the same W whose states are fixed points
of s = sgn(W s + I).

The equations are integrated with :func:`scipy.integrate.solve_ivp` (method and tolerances are
options), one cue at a time; the right-hand side is one BLAS matrix-vector product, so no Numba
kernel is needed here.

References
----------
Hopfield, J. J. (1984). Neurons with graded response have collective computational properties
like those of two-state neurons. PNAS 81, 3088-3092.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.integrate import solve_ivp

from memsim import _checks as A
from memsim.errors import ConvergenceWarning, MemsimError

__all__ = ["ContinuousResult", "energy", "simulate"]

METHODS = ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA")


def _lncosh(x):
    a = np.abs(x)
    return a + np.log1p(np.exp(-2.0 * a)) - np.log(2.0)


def _weights(weights: Any) -> np.ndarray:
    W = A.array(weights, "weights").astype(np.float64)
    if W.ndim != 2 or W.shape[0] != W.shape[1] or W.shape[0] < 1:
        raise MemsimError(f"weights must be a square N x N matrix, got shape {W.shape}")
    return W


def _bias(I: Any, n: int) -> np.ndarray:
    if I is None:
        return np.zeros(n)
    b = A.array(I, "I").astype(np.float64)
    if b.shape != (n,):
        raise MemsimError(f"I must have shape ({n},), got {b.shape}")
    return b


def energy(weights: Any, u: Any, gain: float, I: Any = None) -> np.ndarray:
    """Lyapunov energy of internal states u (Hopfield 1984, eq. 7).

    Parameters
    ----------
    weights : (N, N) array
        Couplings W (float64; symmetric for E to be a Lyapunov function).
    u : (..., N) array
        Internal states (V = tanh(gain u)), float64.
    gain : float > 0
        Slope of the transfer function at u = 0.
    I : (N,) array, optional
        External inputs (default 0).

    Returns
    -------
    ndarray, shape u.shape[:-1]
        ``-1/2 V.W V - I.V + sum_i (V_i u_i - ln cosh(gain u_i) / gain)``.

    Raises
    ------
    MemsimError
        ``weights`` not a square (N, N) numeric array; ``u`` not numeric or without N entries
        in its last axis; ``I`` not of shape (N,); NaN or inf in an array; ``gain`` not a
        number > 0.

    References
    ----------
    Hopfield, J. J. (1984). Neurons with graded response have collective computational
    properties like those of two-state neurons. PNAS 81, 3088-3092, eq. 7.
    """
    W = _weights(weights)
    n = W.shape[0]
    U = A.array(u, "u").astype(np.float64)
    if U.shape[-1] != n:
        raise MemsimError(f"u must have {n} entries in its last axis, got shape {U.shape}")
    g = A.real(gain, "gain", low=0.0, low_open=True)
    b = _bias(I, n)
    V = np.tanh(g * U)
    quad = -0.5 * np.einsum("...i,...i->...", V @ W.T, V)
    return quad - V @ b + (V * U - _lncosh(g * U) / g).sum(axis=-1)


@dataclass(frozen=True)
class ContinuousResult:
    """Outcome of :func:`simulate` (arrays read-only).

    Attributes
    ----------
    t : (T,) float64
        Output times (units of tau).
    u : (B, T, N) float64
        Internal states.
    V : (B, T, N) float64
        Outputs tanh(gain u).
    energy : (B, T) float64
        Lyapunov energy at each output time.
    success : (B,) bool
        solve_ivp's success flag per cue.
    nfev : (B,) int64
        Right-hand-side evaluations per cue.
    """

    t: np.ndarray
    u: np.ndarray
    V: np.ndarray
    energy: np.ndarray
    success: np.ndarray
    nfev: np.ndarray

    def states(self) -> np.ndarray:
        """sgn(V) at the last time, (B, N) int8 (+1 where V >= 0)."""
        return np.where(self.V[:, -1] >= 0, 1, -1).astype(np.int8)


def simulate(
    weights: Any,
    u0: Any,
    duration: float = 20.0,
    *,
    gain: float = 1.0,
    tau: float = 1.0,
    I: Any = None,
    points: int = 101,
    method: str = "RK45",
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> ContinuousResult:
    """Integrate ``tau du/dt = -u + W tanh(gain u) + I`` from each initial state.

    Parameters
    ----------
    weights : (N, N) array
        Couplings (symmetric for the energy to be a Lyapunov function).
    u0 : (B, N) or (N,) array
        Initial internal states (e.g. a cue times a small amplitude).
    duration : float > 0
        Integration time.
    gain : float > 0
        Slope of tanh at 0.
    tau : float > 0
        Time constant.
    I : (N,) array, optional
        Constant external input.
    points : int >= 2
        Evenly spaced output times from 0 to ``duration``.
    method : {"RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA"}
        solve_ivp method (stiff methods help at very high gain).
    rtol, atol : float > 0
        solve_ivp tolerances.

    Returns
    -------
    ContinuousResult
        ``u``, ``V`` (B, T, N) and ``energy`` (B, T); a single initial state gives (T, N), (T,).

    Raises
    ------
    MemsimError
        Bad shapes, NaN or inf, non-positive ``duration``/``gain``/``tau``/tolerances,
        ``points`` < 2, unknown ``method``.

    References
    ----------
    Hopfield (1984), PNAS 81, 3088, eqs. 5 and 7.
    """
    W = _weights(weights)
    n = W.shape[0]
    a = A.array(u0, "u0").astype(np.float64)
    single = a.ndim == 1
    U0 = a[None, :] if single else a
    if U0.ndim != 2 or U0.shape[1] != n:
        raise MemsimError(f"u0 must have shape (B, {n}) or ({n},), got {a.shape}")
    T = A.real(duration, "duration", low=0.0, low_open=True)
    g = A.real(gain, "gain", low=0.0, low_open=True)
    tau = A.real(tau, "tau", low=0.0, low_open=True)
    b = _bias(I, n)
    points = A.integer(points, "points", low=2)
    method = A.choice(method, "method", METHODS)
    rtol = A.real(rtol, "rtol", low=0.0, low_open=True)
    atol = A.real(atol, "atol", low=0.0, low_open=True)
    t_eval = np.linspace(0.0, T, points)

    def rhs(_t, u):
        return (-u + W @ np.tanh(g * u) + b) / tau

    def jac(_t, u):
        return (-np.eye(n) + W * (g * (1.0 - np.tanh(g * u) ** 2))[None, :]) / tau

    stiff = method in ("Radau", "BDF", "LSODA")
    B = U0.shape[0]
    us = np.empty((B, points, n))
    ok = np.zeros(B, dtype=bool)
    nfev = np.zeros(B, dtype=np.int64)
    extra = {"jac": jac} if stiff else {}
    for k in range(B):
        sol = solve_ivp(
            rhs, (0.0, T), U0[k], method=method, t_eval=t_eval, rtol=rtol, atol=atol, **extra
        )
        ok[k] = sol.success
        nfev[k] = sol.nfev
        if sol.success:
            us[k] = sol.y.T
        else:
            us[k] = np.nan
    if not ok.all():
        import warnings

        warnings.warn(
            f"solve_ivp failed for {int((~ok).sum())} of {B} initial states",
            ConvergenceWarning,
            stacklevel=2,
        )
    V = np.tanh(g * us)
    e = energy(W, np.nan_to_num(us), g, b)
    e[~ok] = np.nan
    if single:
        us, V, e = us[0], V[0], e[0]
    A.readonly(t_eval, us, V, e, ok, nfev)
    return ContinuousResult(t=t_eval, u=us, V=V, energy=e, success=ok, nfev=nfev)


#: the gain sweep, now in :mod:`memsim.experiments.studies.continuous`; still importable from here
_STUDIES = ("GainSweep", "gain_sweep")


def __getattr__(name: str) -> Any:
    if name in _STUDIES:
        from memsim.experiments.studies import continuous as studies

        return getattr(studies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
