"""Theory curves for associative memories: closed forms and numerically solved equations.

Everything here is computed from the equations (the papers cited in each function); no
tabulated numbers are copied into the code. Plots and validation tests call these functions.

Conventions
-----------
* Load ``alpha = P / N`` (stored patterns per neuron); temperature ``T`` with ``beta = 1 / T``.
* Functions take numpy arrays (or scalars) and return numpy arrays of the broadcast shape
  (0-d inputs give numpy scalars / 0-d arrays); a value that does not exist (for example the
  retrieval overlap above the critical load) is NaN, never an exception.
* Bad arguments (negative loads, activities outside (0, 1), ...) raise
  :class:`memsim.errors.MemsimError`.

References
----------
Amit, Gutfreund & Sompolinsky (1985), Phys. Rev. Lett. 55, 1530 (AGS 1985).
Amit, Gutfreund & Sompolinsky (1987), Ann. Phys. 173, 30 (AGS 1987).
Hertz, Krogh & Palmer (1991), Introduction to the Theory of Neural Computation, ch. 2.
McEliece, Posner, Rodemich & Venkatesh (1987), IEEE Trans. Inf. Theory 33, 461.
Storkey (1997), ICANN'97, LNCS 1327, 451.
Gardner (1988), J. Phys. A 21, 257.
Tsodyks & Feigel'man (1988), Europhys. Lett. 6, 101.
Krotov & Hopfield (2016), NeurIPS 29, "Dense associative memory for pattern recognition".
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
from scipy import optimize, special, stats

from memsim._docstrings import fill_doc
from memsim.errors import MemsimError

__all__ = [
    "CriticalLoadFit",
    "ags_critical_load",
    "ags_finite_temperature",
    "ags_max_retrieval_load",
    "ags_retrieval_boundary",
    "ags_retrieval_overlap",
    "dense_capacity",
    "diluted_capacity",
    "diluted_finite_overlap",
    "diluted_retrieval_overlap",
    "extrapolate_critical_load",
    "gardner_capacity",
    "load_for_one_step_error",
    "low_activity_capacity",
    "mceliece_capacity",
    "one_step_error",
    "pseudoinverse_capacity",
    "storkey_capacity",
]

_SQRT2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _as_float_array(x, name: str) -> np.ndarray:
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MemsimError(f"{name} must be a number or an array of numbers, got {x!r}") from exc
    return a


def _out(a: np.ndarray):
    """0-d arrays come back as numpy scalars, the rest as arrays."""
    return a[()] if a.ndim == 0 else a


def _check_nonnegative(a: np.ndarray, name: str) -> None:
    if np.any(a < 0) or np.any(np.isnan(a)):
        raise MemsimError(f"{name} must be >= 0 (and not NaN), got {a.min() if a.size else a}")


def _each_nonnegative(x, name: str, f):
    """``f(v)`` for every entry v (a float) of ``x``, checked >= 0 and not NaN; float64 shaped
    like ``x`` (a numpy scalar for a scalar)."""
    a = _as_float_array(x, name)
    _check_nonnegative(a, name)
    out = np.empty(a.shape, dtype=np.float64)
    for idx, v in np.ndenumerate(a):
        out[idx] = f(float(v))
    return _out(out)


def _check_network_size(N, name: str = "N") -> np.ndarray:
    n = _as_float_array(N, name)
    if np.any(~np.isfinite(n)) or np.any(n < 2):
        raise MemsimError(f"{name} must be a network size >= 2, got {N!r}")
    return n


# --------------------------------------------------------------------------------------------
# Hebbian one-step error
# --------------------------------------------------------------------------------------------


def one_step_error(alpha, N: int | None = None):
    """Probability that one bit of a stored pattern flips in one update (Hebbian rule).

    Starting exactly in a stored pattern, the field on neuron i is the signal plus the crosstalk
    of the other P - 1 patterns. Hertz, Krogh & Palmer (1991) section 2.2 (signal-to-noise
    analysis, Gaussian approximation of the crosstalk with variance alpha):

        P_err = 1/2 erfc( sqrt(1 / (2 alpha)) ) = 1/2 erfc( sqrt(N / (2 P)) ).

    Parameters
    ----------
    alpha : array_like
        Load P / N (>= 0). ``alpha = 0`` gives 0.
    N : int, optional
        Network size. ``None`` (default) gives the large-N formula above. With ``N`` the result
        is exact for random unbiased patterns and W_ii = 0: the crosstalk times N is a sum of
        K = (P - 1)(N - 1) independent +-1 terms (each contains its own xi_j^mu), so with
        D ~ Binomial(K, 1/2) minus-terms the bit flips iff (N - 1) + K - 2 D < 0. A zero field
        keeps the current (correct) bit -- the sgn(0) convention of
        :mod:`memsim.hopfield.classical` -- and is not an error. ``P = alpha * N`` must then be an
        integer >= 1.

    Returns
    -------
    ndarray or float
        Bit error probability, same shape as ``alpha``.

    Raises
    ------
    MemsimError
        ``alpha`` negative or NaN; ``N`` < 2; with ``N``, ``alpha * N`` not a whole number >= 1.

    References
    ----------
    Hertz, Krogh & Palmer (1991), *Introduction to the Theory of Neural Computation*,
    section 2.2 (signal-to-noise analysis of the Hebbian rule).
    """
    a = _as_float_array(alpha, "alpha")
    _check_nonnegative(a, "alpha")
    if N is None:
        with np.errstate(divide="ignore"):
            out = 0.5 * special.erfc(np.sqrt(1.0 / (2.0 * a)))
        return _out(np.where(a == 0, 0.0, out))
    n = int(_check_network_size(N))
    P = a * n
    Pi = np.rint(P)
    if np.any(np.abs(P - Pi) > 1e-9 * np.maximum(1.0, P)) or np.any(Pi < 1):
        raise MemsimError(
            f"with N={n}, alpha * N must be a whole number of patterns >= 1; got alpha={alpha!r}"
        )
    K = (Pi - 1) * (n - 1)
    # error iff D > (K + n - 1) / 2; sf(k) = P(D > k); a tie (zero field) is not an error
    k = np.floor((K + n - 1) / 2.0)
    out = stats.binom.sf(k, K, 0.5)
    return _out(np.asarray(out, dtype=np.float64))


def load_for_one_step_error(p):
    """Load alpha at which the large-N Hebbian one-step bit error equals ``p``.

    Inverse of :func:`one_step_error` (Hertz, Krogh & Palmer 1991, section 2.2):
    ``alpha = 1 / (2 erfcinv(2 p)^2)``.

    Parameters
    ----------
    p : array_like
        Bit error probability in [0, 1/2). ``p = 0`` gives 0.

    Returns
    -------
    ndarray or float
        The load alpha = 1 / (2 erfcinv(2 p)^2), shaped like ``p``.

    Raises
    ------
    MemsimError
        ``p`` outside (0, 1/2).

    References
    ----------
    Hertz, Krogh & Palmer (1991), section 2.2, the one-step error solved for alpha.
    """
    q = _as_float_array(p, "p")
    if np.any(np.isnan(q)) or np.any(q < 0) or np.any(q >= 0.5):
        raise MemsimError(f"p must be an error probability in [0, 0.5), got {p!r}")
    with np.errstate(divide="ignore"):
        out = 1.0 / (2.0 * special.erfcinv(2.0 * q) ** 2)
    return _out(np.where(q == 0, 0.0, out))


# --------------------------------------------------------------------------------------------
# AGS, T = 0
# --------------------------------------------------------------------------------------------


def _ags_sqrt_alpha_of_y(y):
    """sqrt(alpha) as a function of y = m / sqrt(2 alpha r) on the T = 0 solution (AGS 1987)."""
    y = np.asarray(y, dtype=np.float64)
    return special.erf(y) / (_SQRT2 * y) - _SQRT_2_OVER_PI * np.exp(-y * y)


@functools.lru_cache(maxsize=1)
def _ags_critical_y() -> float:
    res = optimize.minimize_scalar(
        lambda y: -_ags_sqrt_alpha_of_y(y),
        bounds=(0.2, 4.0),
        method="bounded",
        options={"xatol": 1e-13},
    )
    return float(res.x)


def ags_critical_load() -> tuple[float, float]:
    """Critical load and overlap of the T = 0 replica-symmetric retrieval state.

    AGS (1985) and AGS (1987), T = 0 limit of the replica-symmetric saddle-point equations; Hertz,
    Krogh & Palmer (1991) section 2.5. With
    ``y = m / sqrt(2 alpha r)`` the T = 0 saddle-point equations reduce to

        sqrt(alpha) = erf(y) / (sqrt(2) y) - sqrt(2/pi) exp(-y^2),    m = erf(y),

    and alpha(y) has a single maximum: alpha_c = 0.1379, where the retrieval overlap is
    m_c = 0.967 (1.6 % wrong bits).

    Returns
    -------
    (alpha_c, m_c) : tuple of float

    References
    ----------
    Amit, Gutfreund & Sompolinsky (1985), Phys. Rev. Lett. 55, 1530; (1987), Ann. Phys. 173, 30
    (T = 0 replica-symmetric saddle point).
    """
    y = _ags_critical_y()
    return float(_ags_sqrt_alpha_of_y(y) ** 2), float(special.erf(y))


def _ags_y_of_alpha(alpha: float, branch: str) -> float:
    yc = _ags_critical_y()
    ac = float(_ags_sqrt_alpha_of_y(yc) ** 2)
    if alpha > ac:
        return math.nan
    if alpha == ac:
        return yc
    sa = math.sqrt(alpha)

    def g(y):
        return float(_ags_sqrt_alpha_of_y(y)) - sa

    if branch == "retrieval":
        if alpha == 0:
            return math.inf
        # for large y, sqrt(alpha(y)) ~ 1 / (sqrt(2) y): the root lies below 2 / (sqrt(2 alpha))
        hi = max(2.0 * yc, 2.0 / (_SQRT2 * sa) + 1.0)
        return optimize.brentq(g, yc, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    if alpha == 0:
        return 0.0
    return optimize.brentq(g, 1e-8, yc, xtol=1e-15, rtol=4 * np.finfo(float).eps)


def ags_retrieval_overlap(alpha, branch: str = "retrieval"):
    """Overlap m(alpha) of the T = 0 replica-symmetric retrieval solution (AGS 1987).

    Solves ``sqrt(alpha) = erf(y) / (sqrt(2) y) - sqrt(2/pi) exp(-y^2)`` for y and returns
    ``m = erf(y)`` (see :func:`ags_critical_load`). Below alpha_c there are two roots: the larger
    y is the (locally stable) retrieval state, the smaller one an unstable solution that merges
    with it at alpha_c.

    Parameters
    ----------
    alpha : array_like
        Load(s) >= 0.
    branch : {"retrieval", "unstable"}
        Which root to return. ``"retrieval"`` (default) gives m = 1 at alpha = 0.

    Returns
    -------
    ndarray or float
        m(alpha); NaN above alpha_c = 0.1379. The fraction of wrong bits is ``(1 - m) / 2``.

    Raises
    ------
    MemsimError
        ``alpha`` negative or NaN, or ``branch`` not 'retrieval' or 'unstable'.

    References
    ----------
    Amit, Gutfreund & Sompolinsky (1985), Phys. Rev. Lett. 55, 1530; (1987), Ann. Phys. 173, 30;
    the T = 0 replica-symmetric solution, m = erf(y).
    """
    if branch not in ("retrieval", "unstable"):
        raise MemsimError(f"branch must be 'retrieval' or 'unstable', got {branch!r}")

    def m_of(ai: float) -> float:
        y = _ags_y_of_alpha(ai, branch)
        return math.nan if math.isnan(y) else (1.0 if math.isinf(y) else math.erf(y))

    return _each_nonnegative(alpha, "alpha", m_of)


# --------------------------------------------------------------------------------------------
# AGS, finite temperature
# --------------------------------------------------------------------------------------------

_GL_X, _GL_W = np.polynomial.legendre.leggauss(16)
_Z_MAX = 12.0  # the standard normal density below 1e-31 beyond this
_Z_GRID = np.linspace(-_Z_MAX, _Z_MAX, 25)
_KINK_SCALES = 2.0 ** np.arange(-24, 8)


def _gauss_averages(m: float, s: float, T: float) -> tuple[float, float, float]:
    """Gaussian averages over z ~ N(0,1) of tanh(u), tanh(u)^2 and beta sech(u)^2.

    ``u = (m + s z) / T``. Composite 16-point Gauss-Legendre quadrature on z in [-12, 12] with
    panel breakpoints at unit spacing plus a geometric cluster around the kink z0 = -m / s on the
    scale T / s. (Plain Gauss-Hermite quadrature fails at low temperature, where the integrands
    are step- and spike-like on the scale T / s.) Accuracy about 1e-14 for any T > 0.
    """
    if s == 0.0:
        t = math.tanh(m / T)
        c = 1.0 - t * t
        return t, t * t, c / T
    z0 = -m / s
    d = (T / s) * _KINK_SCALES
    d = d[d < 2.0 * _Z_MAX]
    bp = np.concatenate((_Z_GRID, z0 + d, z0 - d, [z0]))
    bp = np.unique(np.clip(bp, -_Z_MAX, _Z_MAX))
    a = bp[:-1]
    b = bp[1:]
    half = 0.5 * (b - a)
    z = half[:, None] * _GL_X[None, :] + (0.5 * (a + b))[:, None]
    w = half[:, None] * _GL_W[None, :] * np.exp(-0.5 * z * z) * (1.0 / math.sqrt(2.0 * math.pi))
    u = (m + s * z) / T
    t = np.tanh(u)
    e = np.exp(-2.0 * np.abs(u))
    sech2 = 4.0 * e / (1.0 + e) ** 2  # overflow-free sech^2
    return float(np.sum(w * t)), float(np.sum(w * t * t)), float(np.sum(w * sech2)) / T


@functools.lru_cache(maxsize=512)
def _curie_weiss(T: float) -> float:
    """Largest solution of m = tanh(m / T) (0 for T >= 1)."""
    if T >= 1.0:
        return 0.0
    if T == 0.0:
        return 1.0
    lo = min(math.sqrt(3.0 * (1.0 - T)) * 1e-3, 1e-3)
    return optimize.brentq(lambda m: math.tanh(m / T) - m, lo, 1.0, xtol=1e-16, rtol=1e-15)


def _ags_point(m: float, T: float) -> tuple[float, float, float, float]:
    """Solution (alpha, q, r, s) of the AGS equations at given overlap m and temperature T > 0.

    For fixed m the mean-field equation m = <tanh beta(m + s z)> fixes the crosstalk amplitude
    s = sqrt(alpha r) (the average decreases with s); then q = <tanh^2>, C = beta (1 - q),
    r = q / (1 - C)^2 and alpha = s^2 / r. This parametrisation by m turns the search for the
    retrieval solution into a one-dimensional root problem on a single, well-defined branch.
    """

    def g(s):
        return _gauss_averages(m, s, T)[0] - m

    g0 = math.tanh(m / T) - m
    if g0 <= 0.0:
        return 0.0, m * m, math.nan, 0.0
    hi = 1.0
    while g(hi) > 0.0:
        hi *= 2.0
        if hi > 1e6:  # pragma: no cover - cannot happen for 0 < m < 1
            return math.nan, math.nan, math.nan, math.nan
    s = optimize.brentq(g, 0.0, hi, xtol=1e-15, rtol=1e-14)
    _, q, c = _gauss_averages(m, s, T)
    r = q / (1.0 - c) ** 2
    return s * s / r, q, r, s


@functools.lru_cache(maxsize=4096)
def _ags_alpha_max(T: float) -> tuple[float, float]:
    """(alpha_M(T), m*(T)): largest load with a retrieval solution at temperature T and its m."""
    if T >= 1.0:
        return 0.0, 0.0
    if T == 0.0:
        ac, mc = ags_critical_load()
        return ac, mc
    mcw = _curie_weiss(T)
    grid = mcw * np.linspace(0.02, 0.999, 40)
    vals = np.array([_ags_point(float(m), T)[0] for m in grid])
    k = int(np.nanargmax(vals))
    lo = grid[max(k - 1, 0)]
    hi = grid[min(k + 1, len(grid) - 1)]
    res = optimize.minimize_scalar(
        lambda m: -_ags_point(float(m), T)[0],
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-11 * max(mcw, 1e-3)},
    )
    return float(-res.fun), float(res.x)


def _ags_finite_scalar(alpha: float, T: float) -> tuple[float, float, float]:
    nan3 = (math.nan, math.nan, math.nan)
    if T == 0.0:
        y = _ags_y_of_alpha(alpha, "retrieval")
        if math.isnan(y):
            return nan3
        if math.isinf(y):
            return 1.0, 1.0, 1.0
        m = math.erf(y)
        s = m / (_SQRT2 * y)
        c = _SQRT_2_OVER_PI / s * math.exp(-y * y)
        return m, 1.0, 1.0 / (1.0 - c) ** 2
    if T >= 1.0:
        return nan3
    mcw = _curie_weiss(T)
    if alpha == 0.0:
        q = mcw * mcw
        c = (1.0 - q) / T
        return mcw, q, q / (1.0 - c) ** 2
    amax, mstar = _ags_alpha_max(T)
    if alpha > amax:
        return nan3
    if alpha == amax:
        m = mstar
    else:
        m = optimize.brentq(
            lambda mm: _ags_point(mm, T)[0] - alpha, mstar, mcw, xtol=1e-15, rtol=1e-14
        )
    _, q, r, _ = _ags_point(m, T)
    return m, q, r


def ags_finite_temperature(alpha, T):
    """Replica-symmetric retrieval solution (m, q, r) of the Hopfield model at temperature T.

    AGS (1987), replica-symmetric saddle-point equations; Hertz, Krogh & Palmer (1991)
    section 2.5; b = 1 / T, z ~ N(0, 1):

        m = < tanh b (m + sqrt(alpha r) z) >_z
        q = < tanh^2 b (m + sqrt(alpha r) z) >_z
        r = q / (1 - b (1 - q))^2

    The retrieval solution is the one with the largest m -- the solution that iteration started
    at m = 1 converges to. It is found without iteration: along the branch, each m fixes
    s = sqrt(alpha r) through the first equation, hence alpha(m) (see ``_ags_point``); the
    retrieval solution is the root of alpha(m) = alpha above the maximum of alpha(m), which is
    alpha_M(T) (:func:`ags_max_retrieval_load`). The Gaussian averages use composite
    Gauss-Legendre quadrature resolved on the scale T (plain Gauss-Hermite quadrature breaks
    down at low T, where tanh is a step).

    Limits: alpha = 0 gives the Curie-Weiss solution m = tanh(m / T); T = 0 gives the T = 0 branch
    of :func:`ags_retrieval_overlap` with q = 1 and r = 1 / (1 - C)^2,
    C = sqrt(2 / (pi alpha r)) exp(-m^2 / (2 alpha r)).

    Parameters
    ----------
    alpha : array_like
        Load(s) >= 0.
    T : array_like
        Temperature(s) >= 0, broadcast against ``alpha``.

    Returns
    -------
    (m, q, r) : tuple of ndarray
        NaN where no retrieval solution exists (T >= 1, or alpha > alpha_M(T)).

    Raises
    ------
    MemsimError
        ``alpha`` or ``T`` negative or NaN, or of shapes that do not broadcast.

    References
    ----------
    Amit, Gutfreund & Sompolinsky (1985), Phys. Rev. Lett. 55, 1530; (1987), Ann. Phys. 173, 30;
    the replica-symmetric equations for m, q, r at temperature T.
    """
    a = _as_float_array(alpha, "alpha")
    t = _as_float_array(T, "T")
    _check_nonnegative(a, "alpha")
    _check_nonnegative(t, "T")
    a, t = np.broadcast_arrays(a, t)
    m = np.empty(a.shape)
    q = np.empty(a.shape)
    r = np.empty(a.shape)
    for idx in np.ndindex(a.shape):
        m[idx], q[idx], r[idx] = _ags_finite_scalar(float(a[idx]), float(t[idx]))
    return _out(m), _out(q), _out(r)


def ags_max_retrieval_load(T):
    """alpha_M(T): the largest load at which the retrieval solution exists at temperature T.

    The maximum over m of alpha(m) along the retrieval branch of the AGS (1987) equations (see
    :func:`ags_finite_temperature`). alpha_M(0) = alpha_c = 0.1379; alpha_M(T) = 0 for T >= 1.
    In replica symmetry alpha_M(T) first rises slightly (to about 0.1382 near T = 0.02) before it
    falls: the small re-entrance of the RS T_M line reported in later studies of the retrieval
    phase, where it is conjectured to be an artefact of replica symmetry.

    Parameters
    ----------
    T : array_like
        Temperature(s) >= 0.

    Returns
    -------
    ndarray or float
        alpha_M(T), shaped like ``T``; 0 for T >= 1.

    Raises
    ------
    MemsimError
        ``T`` negative or NaN.

    References
    ----------
    Amit, Gutfreund & Sompolinsky (1985), Phys. Rev. Lett. 55, 1530; (1987), Ann. Phys. 173, 30;
    the retrieval line T_M(alpha) of the phase diagram.
    """
    return _each_nonnegative(T, "T", lambda t: _ags_alpha_max(t)[0])


@functools.lru_cache(maxsize=1)
def _ags_reentrance_peak() -> tuple[float, float]:
    """(T_peak, alpha_peak): where alpha_M(T) is largest (replica-symmetric re-entrance)."""
    res = optimize.minimize_scalar(
        lambda t: -_ags_alpha_max(float(t))[0],
        bounds=(1e-4, 0.1),
        method="bounded",
        options={"xatol": 1e-6},
    )
    tp = float(res.x)
    ap = _ags_alpha_max(tp)[0]
    a0 = _ags_alpha_max(0.0)[0]
    if a0 >= ap:  # pragma: no cover - the RS solution does show the re-entrance
        return 0.0, a0
    return tp, ap


def ags_retrieval_boundary(alphas):
    """T_M(alpha): the highest temperature at which the retrieval solution exists (AGS 1987).

    The retrieval line T_M of the AGS (1987) phase diagram (also Hertz, Krogh & Palmer 1991,
    section 2.5): the inverse of :func:`ags_max_retrieval_load` on its decreasing part. T_M(0) = 1
    (where m vanishes continuously, Curie-Weiss); for alpha > 0 the retrieval solution
    disappears discontinuously at T_M. T_M falls steeply towards T = 0 near alpha_c = 0.138.

    Replica symmetry makes the line slightly re-entrant: alpha_M(T) peaks at about 0.1382 near
    T = 0.02, so for alpha_c(T=0) < alpha < 0.1382 retrieval exists only in a narrow window of
    temperatures ending at T_M > 0, and at alpha_c itself T_M is about 0.045 rather than 0. This
    function returns the upper end of that window; above the peak it returns NaN. (Below
    alpha_c the window reaches down to T = 0.) Each value costs about 0.2 s (nested solves).

    Parameters
    ----------
    alphas : array_like
        Load(s) >= 0.

    Returns
    -------
    ndarray or float
        T_M for each load (NaN where retrieval exists at no temperature).

    Raises
    ------
    MemsimError
        ``alphas`` negative or NaN.

    References
    ----------
    Amit, Gutfreund & Sompolinsky (1987), Ann. Phys. 173, 30 (the line T_M(alpha) of the phase
    diagram; first in Phys. Rev. Lett. 55, 1530, 1985). Hertz, Krogh & Palmer (1991),
    Introduction to the Theory of Neural Computation, section 2.5.
    """

    def t_of(ai: float) -> float:
        tp, ap = _ags_reentrance_peak()
        if ai == 0.0:
            return 1.0
        if ai > ap:
            return math.nan
        if ai == ap:
            return tp
        return optimize.brentq(
            lambda t: _ags_alpha_max(float(t))[0] - ai, tp, 1.0, xtol=1e-10, rtol=1e-10
        )

    return _each_nonnegative(alphas, "alphas", t_of)


def _solve_retrieval_line(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """alpha_M(T) at ``nodes`` temperatures spread over [0, 1] (the expensive part)."""
    # nodes crowd near T = 0 (re-entrance) and T = 1 (alpha_M ~ (1 - T)^2)
    u = np.linspace(0.0, 1.0, nodes)
    t = 0.5 - 0.5 * np.cos(np.pi * u)
    a = np.array([_ags_alpha_max(float(ti))[0] for ti in t])
    return a, t


@functools.lru_cache(maxsize=8)
def _retrieval_line(nodes: int, points: int) -> tuple[np.ndarray, np.ndarray]:
    from scipy.interpolate import PchipInterpolator

    a_nodes, t_nodes = _solve_retrieval_line(nodes)
    t = np.linspace(0.0, 1.0, points)
    a = np.clip(PchipInterpolator(t_nodes, a_nodes)(t), 0.0, None)
    a.setflags(write=False)
    t.setflags(write=False)
    return a, t


def ags_retrieval_line(nodes: int = 33, points: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """The whole replica-symmetric retrieval line of the AGS (1987) phase diagram, for plots.

    Returns ``(alpha, T)`` with ``alpha = alpha_M(T)`` (:func:`ags_max_retrieval_load`) solved
    at ``nodes`` temperatures in [0, 1] (clustered near both ends) and interpolated
    (monotone cubic, PCHIP) onto ``points`` evenly spaced temperatures. Drawn as a curve in the
    (alpha, T) plane it is T_M(alpha) of :func:`ags_retrieval_boundary` above the re-entrance
    peak and the lower edge of the re-entrant window below it, ending at alpha_c at T = 0.
    About 0.15 s per node, once per process (cached); the interpolated T_M agrees with
    :func:`ags_retrieval_boundary` to about 1e-4 (tests/validation). Read-only arrays.
    """
    return _retrieval_line(int(nodes), int(points))


# --------------------------------------------------------------------------------------------
# Capacities
# --------------------------------------------------------------------------------------------


#: the Parameters section of a capacity that depends on the network size only
_NETWORK_SIZE = """Parameters
----------
N : array_like
    Network size(s) >= 2."""

#: the Raises section of the capacities of a network size ``N``
_NETWORK_SIZE_ERRORS = """Raises
------
MemsimError
    ``N`` not a network size >= 2 (or not finite)."""


@fill_doc(network_size_errors=_NETWORK_SIZE_ERRORS)
def mceliece_capacity(N, all_exact: bool = False):
    """Number of patterns the Hebbian network stores as exact fixed points.

    McEliece, Posner, Rodemich & Venkatesh (1987), section V: ``N / (2 ln N)`` when most stored
    patterns must be exact fixed points, ``N / (4 ln N)`` when all of them must be
    (``all_exact=True``). Random unbiased patterns, large N.

    Parameters
    ----------
    N : array_like
        Network size(s) >= 2.
    all_exact : bool
        ``True``: all stored patterns exact (N / (4 ln N)); ``False``: most (N / (2 ln N)).

    Returns
    -------
    ndarray or float
        The number of patterns, shaped like ``N``.

    {network_size_errors}

    References
    ----------
    McEliece, Posner, Rodemich & Venkatesh (1987), IEEE Trans. Inf. Theory 33, 461,
    section V.
    """
    n = _check_network_size(N)
    return _out(n / ((4.0 if all_exact else 2.0) * np.log(n)))


@fill_doc(network_size=_NETWORK_SIZE, network_size_errors=_NETWORK_SIZE_ERRORS)
def storkey_capacity(N):
    """Capacity of the Storkey (1997) learning rule: ``N / sqrt(2 ln N)`` patterns.

    {network_size}

    Returns
    -------
    ndarray or float
        N / sqrt(2 ln N), shaped like ``N``.

    {network_size_errors}

    References
    ----------
    Storkey (1997), "Increasing the capacity of a Hopfield network without sacrificing
    functionality", ICANN, Lecture Notes in Computer Science 1327, 451.
    """
    n = _check_network_size(N)
    return _out(n / np.sqrt(2.0 * np.log(n)))


@fill_doc(network_size=_NETWORK_SIZE, network_size_errors=_NETWORK_SIZE_ERRORS)
def pseudoinverse_capacity(N):
    """Capacity of the pseudo-inverse (projection) rule: N linearly independent patterns.

    Personnaz, Guyon & Dreyfus (1985); Kanter & Sompolinsky (1987). Every stored linearly
    independent pattern is an exact fixed point, and N random patterns are independent.

    {network_size}

    Returns
    -------
    ndarray or float
        N (a copy), shaped like ``N``.

    {network_size_errors}

    References
    ----------
    Personnaz, Guyon & Dreyfus (1985), J. Phys. Lett. 46, L359; Kanter & Sompolinsky
    (1987), Phys. Rev. A 35, 380.
    """
    n = _check_network_size(N)
    return _out(n.copy())


def gardner_capacity(kappa=0.0):
    """Gardner (1988) capacity alpha_c(kappa) of couplings with stability margin kappa.

    Gardner (1988), section 3 (unbiased patterns, spherical couplings sum_j J_ij^2 = N, stability
    ``xi_i^mu sum_j J_ij xi_j^mu / sqrt(N) >= kappa``)::

        1 / alpha_c(kappa) = int_{-kappa}^{inf} Dz (z + kappa)^2
                           = (1 + kappa^2) Phi(kappa) + kappa phi(kappa),

    with Dz the standard normal measure, Phi its distribution function and phi its density.
    alpha_c(0) = 2. This is the normalisation used by
    :func:`memsim.hopfield.rules.perceptron_weights`.

    Parameters
    ----------
    kappa : array_like
        Stability margin(s) (any real number; 0 gives alpha_c = 2).

    Returns
    -------
    ndarray or float
        alpha_c(kappa), shaped like ``kappa``.

    Raises
    ------
    MemsimError
        ``kappa`` NaN or not a number.

    References
    ----------
    Gardner (1988), "The space of interactions in neural network models", J. Phys. A 21,
    257, section 3.
    """
    k = _as_float_array(kappa, "kappa")
    if np.any(np.isnan(k)):
        raise MemsimError(f"kappa must be a number, got {kappa!r}")
    integral = (1.0 + k * k) * special.ndtr(k) + k * np.exp(-0.5 * k * k) / math.sqrt(2 * math.pi)
    return _out(1.0 / integral)


def low_activity_capacity(a):
    """Asymptotic capacity ``alpha_c ~ 1 / (2 a |ln a|)`` of sparse patterns, a -> 0.

    Tsodyks & Feigel'man (1988): covariance rule with the optimal threshold, patterns with a
    fraction ``a`` of active units. Only the leading term of the a -> 0 asymptotics; not
    meaningful near a = 1/2.

    Parameters
    ----------
    a : array_like
        Fraction of active units, in (0, 1).

    Returns
    -------
    ndarray or float
        ``1 / (2 a |ln a|)``, shaped like ``a``.

    Raises
    ------
    MemsimError
        ``a`` outside (0, 1) or NaN.

    References
    ----------
    Tsodyks & Feigel'man (1988), "The enhanced storage capacity in neural networks with low
    activity level", Europhys. Lett. 6, 101.
    """
    x = _as_float_array(a, "a")
    if np.any(np.isnan(x)) or np.any(x <= 0) or np.any(x >= 1):
        raise MemsimError(f"a (activity) must lie in (0, 1), got {a!r}")
    return _out(1.0 / (2.0 * x * np.abs(np.log(x))))


# --------------------------------------------------------------------------------------------
# Finite-size extrapolation
# --------------------------------------------------------------------------------------------


class CriticalLoadFit(NamedTuple):
    """Result of :func:`extrapolate_critical_load`: ``alpha_c(N) = alpha_inf + c N^(-exponent)``.

    ``alpha_inf_stderr`` and ``coefficient_stderr`` are NaN when the fit has no degrees of
    freedom left to estimate them (two sizes and no ``sigma``).
    """

    alpha_inf: float
    alpha_inf_stderr: float
    coefficient: float
    coefficient_stderr: float
    exponent: float


def extrapolate_critical_load(Ns, alpha_cs, exponent: float = 0.5, sigma=None) -> CriticalLoadFit:
    """Extrapolate finite-size critical loads to N -> infinity.

    Least-squares fit of ``alpha_c(N) = alpha_inf + c N^(-exponent)`` (linear in
    ``x = N^(-exponent)``). The default exponent 1/2 is a choice, not a theorem: the finite-size
    shift of the Hopfield retrieval transition is usually fitted with a power of N between 1/2
    and 1, and the data of a few sizes rarely fix it (compare the fits for several exponents).

    Parameters
    ----------
    Ns : array_like
        Network sizes (at least two distinct).
    alpha_cs : array_like
        Measured critical loads, one per size.
    exponent : float
        The finite-size exponent (> 0).
    sigma : array_like, optional
        Standard errors of ``alpha_cs``. If given the fit is weighted with 1 / sigma^2 and the
        standard errors come from them (absolute); otherwise from the residual scatter
        (needs at least three sizes; NaN with two).

    Returns
    -------
    CriticalLoadFit
        ``(alpha_inf, alpha_inf_stderr, coefficient, coefficient_stderr, exponent)``.

    Raises
    ------
    MemsimError
        Fewer than two sizes, sizes and loads of different lengths, non-positive sizes or
        non-finite values, a ``sigma`` of the wrong length or with non-positive entries.

    References
    ----------
    Finite-size scaling alpha_c(N) = alpha_inf + c N^(-1/2) as used for the Hopfield network
    by Amit, Gutfreund & Sompolinsky (1987), section 5, and Hertz, Krogh & Palmer (1991),
    section 2.5.
    """
    n = _as_float_array(Ns, "Ns").ravel()
    y = _as_float_array(alpha_cs, "alpha_cs").ravel()
    if n.shape != y.shape:
        raise MemsimError(f"Ns and alpha_cs must have the same length, got {n.size} and {y.size}")
    if np.any(~np.isfinite(n)) or np.any(n <= 0):
        raise MemsimError(f"Ns must be positive network sizes, got {Ns!r}")
    if np.any(~np.isfinite(y)):
        raise MemsimError(f"alpha_cs must be finite, got {alpha_cs!r}")
    if not (math.isfinite(exponent) and exponent > 0):
        raise MemsimError(f"exponent must be > 0, got {exponent!r}")
    if np.unique(n).size < 2:
        raise MemsimError(f"need at least two distinct network sizes, got Ns={Ns!r}")
    x = n ** (-float(exponent))
    A = np.column_stack((np.ones_like(x), x))
    if sigma is not None:
        sg = _as_float_array(sigma, "sigma").ravel()
        if sg.shape != y.shape or np.any(~np.isfinite(sg)) or np.any(sg <= 0):
            raise MemsimError("sigma must hold one positive standard error per size")
        Aw = A / sg[:, None]
        yw = y / sg
        coef, *_ = np.linalg.lstsq(Aw, yw, rcond=None)
        cov = np.linalg.inv(Aw.T @ Aw)
    else:
        coef, *_ = np.linalg.lstsq(A, y, rcond=None)
        dof = y.size - 2
        if dof > 0:
            resid = y - A @ coef
            s2 = float(resid @ resid) / dof
            cov = s2 * np.linalg.inv(A.T @ A)
        else:
            cov = np.full((2, 2), math.nan)
    return CriticalLoadFit(
        alpha_inf=float(coef[0]),
        alpha_inf_stderr=float(math.sqrt(cov[0, 0])) if np.isfinite(cov[0, 0]) else math.nan,
        coefficient=float(coef[1]),
        coefficient_stderr=float(math.sqrt(cov[1, 1])) if np.isfinite(cov[1, 1]) else math.nan,
        exponent=float(exponent),
    )


# --------------------------------------------------------------------- dense networks ----
def double_factorial(k: int) -> int:
    """k!! for odd or even k >= -1 (with (-1)!! = 0!! = 1)."""
    r = 1
    while k > 1:
        r *= k
        k -= 2
    return r


def _dense_order(interaction: str, n) -> int:
    if interaction not in ("polynomial", "rectified"):
        raise MemsimError(
            f"interaction: the dense-network theory covers 'polynomial' and 'rectified', not "
            f"{interaction!r} (the exponential network has no such formula)"
        )
    if isinstance(n, bool) or not isinstance(n, int | float | np.number) or int(n) != n or n < 2:
        raise MemsimError(
            f"n (interaction order) must be an integer >= 2 for the {interaction} interaction, "
            f"got {n!r}"
        )
    return int(n)


def dense_bit_error(n_neurons: int, patterns: int, n: int, interaction: str = "polynomial"):
    """One-step bit-error probability of a dense associative memory at a stored pattern.

    Signal-to-noise estimate ``P_err = 1/2 erfc( sqrt( N^(n-1) / (2 (2n-3)!! K) ) )`` for
    ``F(x) = x^n`` (Krotov & Hopfield 2016, "Dense associative memory for pattern recognition",
    capacity estimate of section 2); n = 2 gives the classical ``1/2 erfc(sqrt(N / 2P))``. For
    the rectified polynomial half of the noise terms vanish (``F(h) = 0`` for ``h < 0``), which
    halves the noise variance: ``K`` is replaced by ``K / 2`` (same approximations).

    Parameters
    ----------
    n_neurons : int
        N.
    patterns : int
        K, the number of stored patterns.
    n : int >= 2
        Order of the interaction function.
    interaction : {"polynomial", "rectified"}

    Returns
    -------
    float
        The probability that one bit of a stored pattern flips in one update.

    Raises
    ------
    MemsimError
        Another interaction, or ``n`` not an integer >= 2.
    """
    n_pow = _dense_order(interaction, n)
    k_eff = patterns / 2.0 if interaction == "rectified" else float(patterns)
    snr2 = float(n_neurons) ** (n_pow - 1) / (2.0 * double_factorial(2 * n_pow - 3) * k_eff)
    return 0.5 * special.erfc(np.sqrt(snr2))


def dense_capacity(
    n_neurons,
    n: int,
    interaction: str = "polynomial",
    error_rate: float | None = None,
):
    """Predicted capacity K of a dense associative memory (Krotov & Hopfield 2016).

    With ``error_rate=None``: the no-error capacity ``N^(n-1) / (2 (2n-3)!! ln N)``. With an
    error rate eps: the K at which :func:`dense_bit_error` equals eps,
    ``K = N^(n-1) / (2 (2n-3)!! erfcinv(2 eps)^2)`` (alpha_n N^(n-1); doubled for
    ``"rectified"``).

    Parameters
    ----------
    n_neurons : int or array_like
        N (any shape).
    n : int >= 2
        Order of the interaction function.
    interaction : {"polynomial", "rectified"}
    error_rate : float in (0, 0.5), optional

    Returns
    -------
    float or ndarray
        K, shaped like ``n_neurons``.

    Raises
    ------
    MemsimError
        Another interaction, ``n`` not an integer >= 2, ``error_rate`` outside (0, 0.5).

    References
    ----------
    Krotov & Hopfield (2016), "Dense associative memory for pattern recognition", NeurIPS,
    section 2 (capacity from the signal-to-noise ratio).
    """
    n_pow = _dense_order(interaction, n)
    nn = _check_network_size(n_neurons, "n_neurons")
    dfac = double_factorial(2 * n_pow - 3)
    if error_rate is None:
        k = nn ** (n_pow - 1) / (2.0 * dfac * np.log(nn))
    else:
        if not 0.0 < error_rate < 0.5:
            raise MemsimError(f"error_rate must be in (0, 0.5), got {error_rate}")
        k = nn ** (n_pow - 1) / (2.0 * dfac * special.erfcinv(2.0 * error_rate) ** 2)
    if interaction == "rectified":
        k = 2.0 * k
    return _out(k)


def hebbian_capacity() -> float:
    """The Hebbian network's critical load alpha_c = 0.1379 (Amit, Gutfreund & Sompolinsky
    1985), solved by :func:`ags_critical_load`; the reference line drawn beside other models."""
    return ags_critical_load()[0]


# --------------------------------------------------------------------------------------------
# extremely diluted asymmetric network (Derrida, Gardner & Zippelius 1987)
# --------------------------------------------------------------------------------------------


def diluted_capacity() -> float:
    """Critical load alpha_c = P / C = 2 / pi of the extremely diluted asymmetric Hebbian
    network (Derrida, Gardner & Zippelius 1987): the slope of ``erf(m / sqrt(2 alpha))`` at
    m = 0 is ``sqrt(2 / (pi alpha))``.

    Returns
    -------
    float
        2 / pi = 0.6366.

    References
    ----------
    Derrida, Gardner & Zippelius (1987), "An exactly solvable asymmetric neural network
    model", Europhys. Lett. 4, 167, eqs. 7-8.
    """
    return 2.0 / math.pi


def diluted_retrieval_overlap(alpha):
    """Retrieval overlap of the extremely diluted asymmetric network at load alpha = P / C.

    The stable fixed point reached from m = 1 of ``m = erf(m / sqrt(2 alpha))`` (Derrida,
    Gardner & Zippelius 1987, eqs. 7-8): the positive root for alpha < 2 / pi, 0 above (the
    transition is continuous). Scalar or array.

    Parameters
    ----------
    alpha : array_like
        Load per connection P / C, > 0.

    Returns
    -------
    ndarray or float
        The overlap m in [0, 1], shaped like ``alpha``.

    Raises
    ------
    MemsimError
        ``alpha`` not > 0 or not finite.

    References
    ----------
    Derrida, Gardner & Zippelius (1987), Europhys. Lett. 4, 167, eqs. 7-8.
    """
    a = _as_float_array(alpha, "alpha")
    if (a <= 0).any() or not np.isfinite(a).all():
        raise MemsimError(f"alpha must be > 0, got {alpha!r}")
    out = np.zeros(a.shape)
    for idx, aa in np.ndenumerate(a):
        if aa >= diluted_capacity():
            continue
        s = math.sqrt(2.0 * aa)
        f = lambda m, s=s: math.erf(m / s) - m  # noqa: E731
        lo = 1e-300
        if f(lo) <= 0:  # numerically at the transition
            continue
        out[idx] = optimize.brentq(f, lo, 1.0, xtol=1e-15)
    return _out(out)


def diluted_finite_overlap(c: int, p: int, m0: float = 1.0, steps: int = 200) -> float:
    """Overlap after ``steps`` parallel steps from ``m0`` of the exact finite-C map of a
    diluted asymmetric Hebbian network with C inputs per neuron and P patterns (integer fields,
    a neuron keeps its state on a zero field): :func:`memsim.hopfield.dilution.diluted_overlap_map`
    iterated. Tends to :func:`diluted_retrieval_overlap` at alpha = P / C for large C.

    Parameters
    ----------
    c : int
        Inputs per neuron C >= 1.
    p : int
        Stored patterns P >= 1.
    m0 : float
        Initial overlap in [-1, 1].
    steps : int
        Largest number of parallel steps (stops earlier at a fixed point, to 1e-13).

    Returns
    -------
    float
        The overlap after the last step.

    Raises
    ------
    MemsimError
        From :func:`memsim.hopfield.dilution.diluted_overlap_map`: ``c`` or ``p`` < 1, ``m0``
        outside [-1, 1].

    References
    ----------
    Derrida, Gardner & Zippelius (1987), Europhys. Lett. 4, 167 (the map at finite C whose
    large-C limit is their eq. 7).
    """
    from memsim.hopfield.dilution import diluted_overlap_map

    m = float(m0)
    for _ in range(int(steps)):
        new = float(diluted_overlap_map(m, int(c), int(p)))
        if abs(new - m) < 1e-13:
            return new
        m = new
    return m
