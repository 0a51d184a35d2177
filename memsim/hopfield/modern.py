"""Continuous modern Hopfield network (Ramsauer et al. 2020) and its sparse variants.

References
----------
Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021, arXiv:2008.02217v3.
Energy eq. (2), update eq. (3), Theorem 1 (global convergence, CCCP), separation Delta_i eq. (5),
Theorem 5 (exponentially small retrieval error), eq. (10) (equivalence with attention).
Hu, J. Y.-C. et al. (2023). On sparse modern Hopfield model. NeurIPS 2023, arXiv:2309.12673
(sparsemax energy from the convex conjugate of the Gini entropy).
Santos, S., Niculae, V., McNamee, D. & Martins, A. F. T. (2024). Sparse and structured Hopfield
networks. ICML 2024 (Hopfield-Fenchel-Young energies for entmax / Tsallis entropies).
Peters, B., Niculae, V. & Martins, A. F. T. (2019). Sparse sequence-to-sequence models (entmax).

Conventions
-----------
* Stored patterns are the **rows** of a P x d array ``X`` (the paper uses the
  columns of a d x P matrix). A state/query is a d-vector ``xi``; a batch is B x d.
* Update (eq. 3 in rows form): ``xi_new = norm(beta * xi @ X.T) @ X`` with ``norm`` softmax
  (default), sparsemax, 1.5-entmax or alpha-entmax.
* **beta is used as given.** Nothing is rescaled silently; ``scale_beta=True`` uses
  ``beta / sqrt(d)`` (the transformer convention, eq. (10)). Every result records the beta used.
* Energy for softmax (eq. 2): ``E(xi) = -lse(beta, X xi) + 1/2 xi.xi + beta^-1 ln P + 1/2 M^2``,
  ``lse(beta, z) = beta^-1 ln sum_l exp(beta z_l)``, ``M = max_i ||x_i||``; ``0 <= E <= 2 M^2``.
* Energy for the entmax family (alpha > 1; sparsemax is alpha = 2): with
  ``p = entmax_alpha(beta z)``, ``z = X xi`` and the Tsallis entropy
  ``H_alpha(p) = (1 - sum_j p_j^alpha) / (alpha (alpha-1))`` (Gini entropy
  ``(1 - ||p||^2) / 2`` for sparsemax),

      E(xi) = -beta^-1 Omega*(beta z) + 1/2 xi.xi + beta^-1 H_alpha(u_P) + 1/2 M^2,
      Omega*(theta) = max_p [p.theta + H_alpha(p)] = p*.theta + H_alpha(p*),

  the energy of Hu et al. (2023) and Santos et al. (2024) plus the constants that make softmax
  (alpha = 1, Shannon entropy, ``Omega* = ln sum exp``) reproduce eq. (2) exactly;
  ``u_P`` is the uniform distribution, ``H_1(u_P) = ln P``. Since Omega* is convex with gradient
  entmax, the update is the CCCP step for this energy, so E never increases, and
  ``E >= 1/2 (||xi|| - M)^2 >= 0``. For normalisers outside this family (any other kind known to
  :func:`memsim.attention.normalise`) the update is available but the energy is NaN.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from memsim import _checks
from memsim import patterns as _patterns
from memsim._checks import integer as _integer
from memsim._checks import readonly as _readonly
from memsim._checks import real as _real
from memsim._docstrings import fill_doc as _fill_doc  # no __all__ here: keep it private
from memsim._jit import keeps_thread_count, set_threads
from memsim.attention import _kernels as AK
from memsim.attention import readouts as _readouts
from memsim.attention.readouts import _read_into
from memsim.errors import MemsimError
from memsim.hopfield import _modern_kernels as K

#: normalisers with a known Tsallis order alpha (their energy is defined); "entmax_bisect"
#: takes alpha from the options.
ENTMAX_ALPHA = {"softmax": 1.0, "sparsemax": 2.0, "entmax15": 1.5}

_FUSED_MAX_BATCH = 10  # up to this many queries: one fused pass over the stored patterns
_FUSED_CHUNKS = 8  # fixed (thread-count independent) chunking of the stored patterns


# ------------------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------------------


def _check_stored(stored: Any, finite: bool = True, keep_float32: bool = False) -> np.ndarray:
    x = _checks.pattern_matrix(stored, "stored", "d dimensions", 1)
    if not np.issubdtype(x.dtype, np.number) or np.iscomplexobj(x):
        raise MemsimError(f"stored must be a real numeric array, got dtype {x.dtype}")
    keep = keep_float32 and x.dtype == np.float32
    x = np.ascontiguousarray(x, dtype=np.float32 if keep else np.float64)
    if finite and not np.isfinite(x).all():
        raise MemsimError("stored contains NaN or inf")
    return x


def _check_queries(
    queries: Any, d: int, name: str = "queries", dtype: Any = np.float64
) -> tuple[np.ndarray, bool]:
    q, single = _checks.state_rows(queries, d, name)
    if q.shape[0] == 0:
        raise MemsimError(f"{name} is empty")
    if not np.issubdtype(q.dtype, np.number) or np.iscomplexobj(q):
        raise MemsimError(f"{name} must be a real numeric array, got dtype {q.dtype}")
    q = np.array(q, dtype=dtype, order="C", copy=True)
    if not np.isfinite(q).all():
        raise MemsimError(f"{name} contains NaN or inf")
    return q, single


def _check_beta(beta: Any, d: int, scale_beta: bool) -> float:
    try:
        b = float(beta)
    except OverflowError:
        raise MemsimError("beta must be finite, got a number beyond the float range") from None
    except (TypeError, ValueError):
        raise MemsimError(f"beta must be a positive number, got {beta!r}") from None
    if not np.isfinite(b) or b <= 0:
        raise MemsimError(f"beta must be a positive finite number, got {beta!r}")
    if b < BETA_MIN:
        raise MemsimError(
            f"beta must be at least {BETA_MIN:g} (1/beta must be a finite float), got {beta!r}"
        )
    return b / math.sqrt(d) if scale_beta else b


#: the smallest inverse temperature handled (1/beta and the energy's 1/beta terms stay finite)
BETA_MIN = 1e-300


@functools.cache
def _allowed_options(kind: str) -> frozenset[str]:
    """Keyword options of the attention normaliser ``kind`` (cached: retrieve is a hot path)."""
    import inspect

    from memsim.attention import NORMALISERS

    func = NORMALISERS.get(kind)
    if func is None:
        return frozenset()
    params = list(inspect.signature(func).parameters.values())[1:]
    return frozenset(
        q.name
        for q in params
        if q.kind in (q.POSITIONAL_OR_KEYWORD, q.KEYWORD_ONLY) and q.name not in ("axis",)
    )


def _check_options(normaliser: str, options: dict) -> None:
    """Refuse options the normaliser does not take, by name (a typo must not pass silently).

    The options are those of :func:`memsim.attention.normalise` for that normaliser, except
    ``temperature`` (beta is the inverse temperature here).
    """
    if not options:
        return
    kind = "entmax_bisect" if normaliser == "entmax" else normaliser
    allowed = set(_allowed_options(kind)) - {"temperature"}
    unknown = sorted(set(options) - allowed)
    if unknown:
        takes = ", ".join(sorted(allowed)) if allowed else "no options"
        hint = " (beta is the inverse temperature)" if "temperature" in unknown else ""
        raise MemsimError(
            f"unknown option(s) {unknown} for normaliser {normaliser!r}{hint}; it takes: {takes}"
        )


def _check_normaliser(normaliser: str, options: dict) -> float | None:
    """Return the Tsallis alpha of the normaliser (None if it has no energy).

    Unknown options raise MemsimError naming them.
    """
    from memsim.attention import NORMALISERS

    if not isinstance(normaliser, str):
        raise MemsimError(f"normaliser must be a name, got {normaliser!r}")
    if normaliser != "entmax" and normaliser not in NORMALISERS:
        raise MemsimError(
            f"unknown normaliser {normaliser!r}; choose one of {sorted(NORMALISERS)} "
            "(or 'entmax', the same as 'entmax_bisect')"
        )
    _check_options(normaliser, options)
    if normaliser in ENTMAX_ALPHA:
        return ENTMAX_ALPHA[normaliser]
    if normaliser in ("entmax_bisect", "entmax"):
        if "alpha" not in options:
            raise MemsimError(f"normaliser {normaliser!r} needs the option alpha (>= 1)")
        return _checks.real(options["alpha"], "alpha", low=1.0)
    return None


# ------------------------------------------------------------------------------------------------
# normalisers and energies
# ------------------------------------------------------------------------------------------------


def _softmax(Z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row softmax of a copy of Z; returns (p, row max, row sum of exp(z - max))."""
    E = np.array(Z, dtype=np.float64, order="C", copy=True)
    maxes = np.empty(E.shape[0])
    sums = np.empty(E.shape[0])
    K.softmax_rows_serial(E, maxes, sums)  # follows a BLAS product: see _softmax_update
    E /= sums[:, None]
    return E, maxes, sums


def _attention_normalise(Z: np.ndarray, normaliser: str, options: dict) -> np.ndarray:
    try:
        from memsim.attention import normalise
    except ImportError as exc:
        raise MemsimError(
            f"normaliser {normaliser!r} needs memsim.attention.normalise, which is not "
            f"available ({exc})"
        ) from exc
    kind = "entmax_bisect" if normaliser == "entmax" else normaliser
    try:
        with np.errstate(over="ignore"):
            return np.asarray(normalise(Z, kind=kind, axis=-1, **options), dtype=np.float64)
    except MemsimError as exc:  # the normaliser names its own argument z: say what z is here
        advice = "" if np.isfinite(Z).all() else " (reduce beta or the pattern and state norms)"
        raise MemsimError(
            f"normaliser {normaliser!r} on the scores beta * X xi: {exc}{advice}"
        ) from None


def _finite_scores(Z: np.ndarray) -> None:
    if not np.isfinite(Z).all():
        raise MemsimError(
            "the scores beta * X xi are not finite (overflow beyond 1.8e308): reduce beta or the "
            "pattern and state norms"
        )


def _normalise(Z: np.ndarray, normaliser: str, options: dict) -> np.ndarray:
    _finite_scores(Z)
    if normaliser == "softmax":
        return _softmax(Z)[0]
    return _attention_normalise(Z, normaliser, options)


def tsallis_entropy(p: np.ndarray, alpha: float, axis: int = -1) -> np.ndarray:
    """Tsallis entropy ``H_alpha(p) = (1 - sum p^alpha) / (alpha (alpha - 1))``; Shannon at 1.

    Peters, Niculae & Martins (2019), eq. (8) (``H^T_alpha``); 0 ln 0 = 0 for alpha = 1.

    Parameters
    ----------
    p : array_like
        Probability distributions along ``axis`` (negative entries are clipped to 0 for
        alpha != 1).
    alpha : float
        Tsallis order (alpha = 1: Shannon entropy in nats; 2: Gini entropy ``(1 - ||p||^2)/2``).
    axis : int
        Axis holding the distribution.

    Returns
    -------
    ndarray of float64
        Entropy of each distribution, the shape of ``p`` without ``axis`` (a numpy float64
        for one distribution).

    Raises
    ------
    Nothing beyond numpy's own errors (e.g. an ``axis`` out of range, non-numeric ``p``);
    alpha = 0 divides by zero (inf/NaN, no exception).

    References
    ----------
    Peters, B., Niculae, V. & Martins, A. F. T. (2019). Sparse sequence-to-sequence models.
    ACL 2019, eq. (8).
    Tsallis, C. (1988). J. Stat. Phys. 52, 479-487.
    """
    p = np.asarray(p, dtype=np.float64)
    if alpha == 1.0:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
        return -np.sum(t, axis=axis)
    return (1.0 - np.sum(np.power(np.clip(p, 0.0, None), alpha), axis=axis)) / (
        alpha * (alpha - 1.0)
    )


def _max_entropy(p_count: int, alpha: float) -> float:
    if alpha == 1.0:
        return math.log(p_count)
    return (1.0 - p_count ** (1.0 - alpha)) / (alpha * (alpha - 1.0))


#: the last Parameters entries of :func:`energy` and :func:`association`
_SCALE_BETA_OPTIONS = """scale_beta : bool
    Use ``beta / sqrt(d)``.
**options
    Normaliser options (e.g. ``alpha``)."""

#: the Raises section of :func:`energy` and :func:`association` (energy adds its own overflow)
_STATE_ERRORS = """Raises
------
MemsimError
    If ``stored`` is not a 2-D real numeric (P, d) array with P, d >= 1 or contains NaN/inf;
    if ``states`` is not (B, d) or (d,), is empty, not real numeric or contains NaN/inf; if
    ``normaliser`` is unknown or gets an option it does not take (``entmax_bisect`` needs
    ``alpha`` >= 1); if ``beta`` is not a finite number >= 1e-300 (``BETA_MIN``); if the
    scores ``beta X xi`` overflow"""


def _energy_from(
    Z: np.ndarray,
    states: np.ndarray,
    beta: float,
    alpha: float | None,
    m2: float,
    p: np.ndarray | None = None,
    normaliser: str = "softmax",
    options: dict | None = None,
) -> np.ndarray:
    """Energy of each state given its scores Z = states @ X.T (see module docstring)."""
    b_count, p_count = Z.shape
    if alpha is None:
        return np.full(b_count, np.nan)
    quad = 0.5 * np.einsum("ij,ij->i", states, states)
    if alpha == 1.0:
        # -(lse(beta Z) - ln P) / beta written as -max Z - log(mean exp(beta (Z - max Z))) / beta
        # with log1p/expm1: no cancellation between lse and ln P, so small beta is accurate
        # (the limit beta -> 0 is -mean Z)
        mx = Z.max(axis=1)
        with np.errstate(under="ignore"):
            d = np.expm1(beta * (Z - mx[:, None])).mean(axis=1)
        return -(mx + np.log1p(d) / beta) + quad + 0.5 * m2
    if p is None:
        p = _normalise(beta * Z, normaliser, options or {})
    if alpha == 2.0:
        # H_max - H(p) = (sum p^2 - 1/P) / 2 = sum (p - 1/P)^2 / 2 exactly (sum p = 1): no
        # cancellation of two nearly equal entropies for small beta
        gap = 0.5 * np.sum((p - 1.0 / p_count) ** 2, axis=1)
    else:
        gap = _max_entropy(p_count, alpha) - tsallis_entropy(p, alpha)
    return -np.einsum("ij,ij->i", p, Z) + gap / beta + quad + 0.5 * m2


@_fill_doc(scale_beta_options=_SCALE_BETA_OPTIONS, state_errors=_STATE_ERRORS)
def energy(
    stored: np.ndarray,
    states: np.ndarray,
    beta: float,
    normaliser: str = "softmax",
    *,
    scale_beta: bool = False,
    **options: Any,
) -> np.ndarray | float:
    """Energy of each state (Ramsauer et al. 2020, eq. 2; entmax family: module docstring).

    Parameters
    ----------
    stored : array_like, shape (P, d)
        Stored patterns (rows), real (used as float64).
    states : array_like, shape (B, d) or (d,)
        States, real (float64).
    beta : float
        Inverse temperature > 0 (``beta / sqrt(d)`` with ``scale_beta=True``).
    normaliser : str
        "softmax", "sparsemax", "entmax15" or "entmax_bisect" (option ``alpha``). Other
        normalisers have no energy here (NaN).
    {scale_beta_options}

    Returns
    -------
    ndarray of float64, shape (B,), or float
        Energy of each state, >= 0 for the entmax family (a float for a single state).

    {state_errors}, or the energy is not finite (norms beyond about 1e154).

    References
    ----------
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021,
    arXiv:2008.02217, eq. (2).
    Hu, J. Y.-C. et al. (2023). On sparse modern Hopfield model. NeurIPS 2023 (sparsemax).
    Santos, S. et al. (2024). Sparse and structured Hopfield networks. ICML 2024 (entmax).
    """
    X = _check_stored(stored)
    S, single = _check_queries(states, X.shape[1], "states")
    alpha = _check_normaliser(normaliser, options)
    b = _check_beta(beta, X.shape[1], scale_beta)
    with np.errstate(over="ignore", invalid="ignore"):
        m2 = float(np.max(np.einsum("ij,ij->i", X, X)))
        Z = S @ X.T
        _finite_scores(b * Z)
        e = _energy_from(Z, S, b, alpha, m2, None, normaliser, options)
    if alpha is not None and not np.isfinite(e).all():
        raise MemsimError(
            "energy: not finite (pattern or state norms beyond about 1e154 overflow the squared "
            "norms): rescale the patterns and states"
        )
    return float(e[0]) if single else e


# ------------------------------------------------------------------------------------------------
# update
# ------------------------------------------------------------------------------------------------


def _softmax_update(X: np.ndarray, Q: np.ndarray, beta: float) -> np.ndarray:
    """softmax(beta Q X^T) X for a batch of queries (hot path).

    float32 inputs whose scaled queries or scores overflow float32 (a non-finite result) are
    computed again in float64 and the result rounded to float32, so the outcome does not depend
    on the batch size or path; only scores beyond the float64 range stay non-finite.
    """
    out = _softmax_update_as_given(X, Q, beta)
    if X.dtype == np.float32 and not np.isfinite(out).all():
        out[...] = _softmax_update_as_given(X.astype(np.float64), Q.astype(np.float64), beta)
    if not np.isfinite(out).all() and np.isfinite(X).all():
        # patterns near the float maximum: the weighted sum overflows before its division by
        # the weights' sum; the attention read-out computes it with the values scaled
        with np.errstate(over="ignore", invalid="ignore"):
            q = Q * X.dtype.type(beta)
        f = _read_into(q, X, X, None, out)
        if f & (AK.FLAG_BAD | AK.FLAG_DEAD):
            out[...] = np.nan
    return out


def _softmax_update_as_given(X: np.ndarray, Q: np.ndarray, beta: float) -> np.ndarray:
    """softmax(beta Q X^T) X computed in the dtype of X (float32 or float64)."""
    b_count, d = Q.shape
    p_count = X.shape[0]
    out = np.empty((b_count, d), dtype=X.dtype)
    if b_count <= _FUSED_MAX_BATCH:
        nch = max(1, min(_FUSED_CHUNKS, p_count))
        pmax = np.empty((nch, b_count))
        psum = np.empty((nch, b_count))
        pacc = np.empty((nch, b_count, d))
        # threads only for work worth waking them (the read-out's cost model and threshold)
        lim = _readouts.PARALLEL_MIN_NS
        cost = _readouts.readout_cost_ns(b_count, p_count, d, d, X.dtype)
        par = lim is not None and cost >= lim
        fused = K.fused_partial if par else K.fused_partial_serial
        with np.errstate(over="ignore"):  # a float32 overflow is computed again in float64
            qb = Q * X.dtype.type(beta)
        fused(X, qb, nch, pmax, psum, pacc)
        o64 = np.empty((b_count, d)) if X.dtype != np.float64 else out
        K.merge_partials(pmax, psum, pacc, o64, np.empty(b_count), np.empty(b_count))
        if o64 is not out:
            out[...] = o64
        return out
    # the attention read-out with keys = values = X (memsim.attention.readouts): tiles with
    # BLAS products, shared between memsim's threads with BLAS held to one thread
    with np.errstate(over="ignore", invalid="ignore"):
        q = Q * X.dtype.type(beta)
    f = _read_into(q, X, X, None, out)
    if f & (AK.FLAG_BAD | AK.FLAG_DEAD):
        out[...] = np.nan  # reported by retrieve (stored not finite, or overflow)
    return out


def _raise_non_finite(X: np.ndarray) -> None:
    if not np.isfinite(X).all():
        raise MemsimError("stored contains NaN or inf")
    raise MemsimError(
        "retrieval produced NaN or inf (scores beyond the float64 range: reduce beta or the "
        "pattern norms)"
    )


def _update(X, Q, beta, normaliser, options):
    if normaliser == "softmax":
        return _softmax_update(X, Q, beta)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is refused by name below
        Z = beta * (Q @ X.T)
        if Z.dtype == np.float32 and not np.isfinite(Z).all():  # beyond float32: use float64
            Z = beta * (Q.astype(np.float64) @ X.astype(np.float64).T)
    P = _attention_normalise(Z, normaliser, options)
    return P @ X


@dataclass(frozen=True)
class Trajectory:
    """Retrieval trajectory from :func:`retrieve` with ``trajectory=True`` (arrays read-only).

    For a batch of B queries the leading axis is the query; for a single (1-D) query it is
    dropped. ``T`` is the number of update steps run (the largest over the batch).

    Attributes
    ----------
    states : (B, T + 1, d)
        ``states[:, 0]`` are the queries, ``states[:, t]`` the states after t updates. A query
        that met ``tol`` keeps its state from then on.
    energy : (B, T + 1)
        Energy of each state (module docstring); NaN for normalisers without an energy.
    weights : (B, T + 1, P)
        Association (attention) weights ``norm(beta * xi_t @ X.T)`` of each state; the update is
        ``xi_{t+1} = weights[:, t] @ X``.
    steps : (B,) int
        Updates applied to each query (stops early where the change ``||xi_new - xi||_2 <= tol``,
        that last update included).
    converged : (B,) bool
        True where the last update changed the state by at most ``tol`` (all False without tol).
    beta : float
        The inverse temperature used (after ``scale_beta``).
    beta_input, scale_beta, normaliser, tol, options
        As passed.
    """

    states: np.ndarray
    energy: np.ndarray
    weights: np.ndarray
    steps: np.ndarray
    converged: np.ndarray
    beta: float
    beta_input: float
    scale_beta: bool
    normaliser: str
    tol: float | None
    options: dict = field(default_factory=dict)

    @property
    def final(self) -> np.ndarray:
        """Final states, (B, d) or (d,)."""
        return self.states[..., -1, :]


@keeps_thread_count
def retrieve(
    stored: np.ndarray,
    queries: np.ndarray,
    beta: float,
    steps: int = 1,
    normaliser: str = "softmax",
    *,
    tol: float | None = None,
    trajectory: bool = False,
    scale_beta: bool = False,
    threads: int | None = None,
    clamp: Any = None,
    **options: Any,
) -> np.ndarray | Trajectory:
    """Retrieve with the modern Hopfield update ``xi <- norm(beta xi X^T) X`` (eq. 3, rows form).

    Parameters
    ----------
    stored : (P, d) array
        Stored patterns (rows), float32 or float64 (other numbers are converted to float64).
    queries : (B, d) or (d,) array
        Initial states (state / query patterns).
    beta : float
        Inverse temperature, used as given; with ``scale_beta=True`` ``beta / sqrt(d)`` is used
        instead (``beta=1, scale_beta=True`` is transformer attention, eq. (10)).
    steps : int
        Number of updates (>= 0); with ``tol`` the largest number.
    normaliser : str
        "softmax" (default, Ramsauer et al. 2020), or any kind of
        :func:`memsim.attention.normalise`: "sparsemax" (Hu et al. 2023), "entmax15",
        "entmax_bisect" with option ``alpha`` (Santos et al. 2024), ...
    tol : float, optional
        Stop updating a query once an update changes it by ``||xi_new - xi||_2 <= tol``.
    trajectory : bool
        Return a :class:`Trajectory` (states, energies and association weights per step) instead
        of the final states. Stores B x (T+1) x P weights: meant for small problems.
    scale_beta : bool
        Use ``beta / sqrt(d)``.
    threads : int, optional
        Numba thread count for this call.
    clamp : (B, d) or (d,) bool array, optional
        Components held at their query value throughout (a partial cue whose known part is
        clamped, as ``memsim.hopfield.recall(clamp=...)`` does for the classical network); the
        other components follow the update. This is the CCCP step of eq. 2 restricted to the
        free components (minimise the convex part ``1/2 xi.xi`` minus the linearised ``lse``
        over them), so the energy still never increases.
    **options
        Normaliser options (e.g. ``alpha``); an option the normaliser does not take raises
        MemsimError naming it.

    Returns
    -------
    ndarray, shape (B, d) or (d,), or Trajectory
        Final states, or a :class:`Trajectory`. float32 when stored and queries are both
        float32 (computed in float32: float32 BLAS and exponential, float64 row sums;
        relative error against float64 on the same numbers about
        ``eps32 * (1 + beta max |x . xi|)`` per update, tests/unit/test_modern.py; an update
        whose scores overflow float32 is computed in float64 and rounded to float32, whatever
        the batch size), else float64. Trajectories are computed in float64.

    Raises
    ------
    MemsimError
        NaN or inf in stored or queries (or produced by the update); ``stored`` not a 2-D
        real (P, d) array; ``queries`` not (B, d) or (d,), empty or not real; ``beta`` not a
        finite number >= 1e-300; ``steps`` not an integer >= 0; ``tol`` negative or not
        finite; ``clamp`` not boolean or not (B, d) or (d,); scores ``beta X xi`` overflowing
        the float64 range (also for float32 inputs); an unknown normaliser or option
        (``entmax_bisect`` needs ``alpha`` >= 1); ``threads`` not an integer >= 1.

    Notes
    -----
    The softmax path is computed without forming a normalised weight matrix: for up to 10
    queries one fused pass over the stored patterns (online softmax, parallel over fixed
    chunks), otherwise the attention read-out of :func:`memsim.attention.softmax_readout`
    with keys = values = X: tiles of queries x patterns, each with two BLAS products and one
    row pass (maximum, non-finite check, vectorised exponential with a float64 sum, online
    rescaling); from about 1 ms of work the tiles are shared between memsim's threads with the
    BLAS library held to one thread for the whole process while they run (threadpoolctl).
    Energy is never
    increased by an update (Theorem 1, CCCP); :func:`energy` evaluates it.

    References
    ----------
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021,
    arXiv:2008.02217, eq. (3) (update), Theorem 1 (CCCP convergence), eq. (10) (attention).
    Hu, J. Y.-C. et al. (2023). On sparse modern Hopfield model. NeurIPS 2023 (sparsemax).
    Santos, S. et al. (2024). Sparse and structured Hopfield networks. ICML 2024 (entmax).
    """
    # the O(P d) finiteness scan of the stored patterns would cost as much as a small-batch
    # update; a NaN/inf pattern makes the result non-finite, which is checked instead (O(B d))
    X = _check_stored(stored, finite=False, keep_float32=not trajectory)
    p_count, d = X.shape
    q32 = X.dtype == np.float32 and getattr(queries, "dtype", None) == np.float32
    if X.dtype == np.float32 and not q32:
        X = X.astype(np.float64)
    Q, single = _check_queries(queries, d, dtype=X.dtype)
    b = _check_beta(beta, d, scale_beta)
    alpha = _check_normaliser(normaliser, options)
    steps = _integer(steps, "steps", low=0)
    if tol is not None:
        tol = _real(tol, "tol", low=0.0)
    C = _check_clamp(clamp, Q.shape[0], d)
    if threads is not None:
        set_threads(threads)
    if trajectory:
        if not np.isfinite(X).all():
            _raise_non_finite(X)
        return _retrieve_trajectory(
            X, Q, single, b, float(beta), scale_beta, steps, normaliser, alpha, tol, options, C
        )
    active = np.arange(Q.shape[0])
    for _ in range(steps):
        new = _update(X, Q[active], b, normaliser, options)
        if C is not None:
            ca = C[active]
            new[ca] = Q[active][ca]
        if tol is not None:
            change = np.sqrt(np.sum((new - Q[active]) ** 2, axis=1))
            Q[active] = new
            active = active[change > tol]
            if active.size == 0:
                break
        else:
            Q[active] = new
    if not np.isfinite(Q).all() or (steps == 0 and not np.isfinite(X).all()):
        _raise_non_finite(X)
    return Q[0] if single else Q


def _check_clamp(clamp: Any, b_count: int, d: int) -> np.ndarray | None:
    """Clamp as a (B, d) bool array (True = held at the query value), or None."""
    if clamp is None:
        return None
    try:
        C = np.asarray(clamp)
    except (ValueError, TypeError):  # ragged nested lists
        raise MemsimError(
            f"clamp must be a boolean array of shape ({b_count}, {d}) or ({d},)"
        ) from None
    if C.dtype != np.bool_:
        raise MemsimError(
            f"clamp must be a boolean array (True = component held fixed), got dtype {C.dtype}"
        )
    if C.ndim == 1 and C.shape[0] == d:
        C = np.broadcast_to(C, (b_count, d))
    if C.shape != (b_count, d):
        raise MemsimError(f"clamp must have shape ({b_count}, {d}) or ({d},), got {C.shape}")
    return np.ascontiguousarray(C)


def _retrieve_trajectory(
    X, Q, single, b, beta_input, scale_beta, steps, normaliser, alpha, tol, options, C=None
) -> Trajectory:
    b_count = Q.shape[0]
    m2 = float(np.max(np.einsum("ij,ij->i", X, X)))
    states = [Q.copy()]
    Z = Q @ X.T
    W = _normalise(b * Z, normaliser, options)
    weights = [W]
    energies = [_energy_from(Z, Q, b, alpha, m2, W, normaliser, options)]
    n_steps = np.zeros(b_count, dtype=np.int64)
    converged = np.zeros(b_count, dtype=bool)
    active = np.ones(b_count, dtype=bool)
    cur = Q.copy()
    for _ in range(steps):
        if not active.any():
            break
        new = W @ X
        new[~active] = cur[~active]
        if C is not None:
            new[C] = cur[C]
        change = np.sqrt(np.sum((new - cur) ** 2, axis=1))
        n_steps[active] += 1
        if tol is not None:
            done = active & (change <= tol)
            converged |= done
            active &= ~done
        cur = new
        Z = cur @ X.T
        W = _normalise(b * Z, normaliser, options)
        states.append(cur.copy())
        weights.append(W)
        energies.append(_energy_from(Z, cur, b, alpha, m2, W, normaliser, options))
    st = np.stack(states, axis=1)
    en = np.stack(energies, axis=1)
    wt = np.stack(weights, axis=1)
    if single:
        st, en, wt, n_steps, converged = st[0], en[0], wt[0], n_steps[0:1], converged[0:1]
    return Trajectory(
        states=_readonly(st),
        energy=_readonly(en),
        weights=_readonly(wt),
        steps=_readonly(n_steps),
        converged=_readonly(converged),
        beta=b,
        beta_input=beta_input,
        scale_beta=bool(scale_beta),
        normaliser=normaliser,
        tol=tol,
        options=dict(options),
    )


@_fill_doc(scale_beta_options=_SCALE_BETA_OPTIONS, state_errors=_STATE_ERRORS)
def association(
    stored: np.ndarray,
    states: np.ndarray,
    beta: float,
    normaliser: str = "softmax",
    *,
    scale_beta: bool = False,
    **options: Any,
) -> np.ndarray:
    """Association (attention) weights ``norm(beta * states @ X.T)``.

    Parameters
    ----------
    stored : array_like, shape (P, d)
        Stored patterns (rows), real (float64).
    states : array_like, shape (B, d) or (d,)
        States / queries, real (float64).
    beta : float
        Inverse temperature > 0 (``beta / sqrt(d)`` with ``scale_beta=True``).
    normaliser : str
        "softmax" (default) or any kind of :func:`memsim.attention.normalise`.
    {scale_beta_options}

    Returns
    -------
    ndarray of float64, shape (B, P) or (P,)
        Rows are probability distributions over the stored patterns (sum 1).

    {state_errors}.

    References
    ----------
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021,
    arXiv:2008.02217, eq. (3) (the softmax in the update) and eq. (10) (attention).
    """
    X = _check_stored(stored)
    S, single = _check_queries(states, X.shape[1], "states")
    _check_normaliser(normaliser, options)
    b = _check_beta(beta, X.shape[1], scale_beta)
    W = _normalise(b * (S @ X.T), normaliser, options)
    return W[0] if single else W


# ------------------------------------------------------------------------------------------------
# fixed points
# ------------------------------------------------------------------------------------------------

FIXED_POINT_KINDS = ("single", "metastable", "global")


@dataclass(frozen=True)
class FixedPointClasses:
    """Classification of states by their association weights (:func:`classify_fixed_points`).

    One entry per state; the arrays are read-only.

    Attributes
    ----------
    kind : (B,) str
        "single", "metastable" or "global".
    subset_size : (B,) int
        k: the fewest patterns whose largest weights add up to at least ``mass``.
    subset : (B, P) bool
        Those k patterns.
    nearest : (B,) int
        Pattern with the largest weight.
    top_weight : (B,) float
        That weight.
    effective_number : (B,) float
        ``exp(Shannon entropy of the weights)``: 1 for one pattern, P for uniform weights.
    residual : (B,) float
        ``||f(xi) - xi||_2`` (0 at an exact fixed point).
    distance : (B,) float
        ``||xi - x_nearest||_2``.
    beta, mass, global_fraction, normaliser
        Settings used.
    """

    kind: np.ndarray
    subset_size: np.ndarray
    subset: np.ndarray
    nearest: np.ndarray
    top_weight: np.ndarray
    effective_number: np.ndarray
    residual: np.ndarray
    distance: np.ndarray
    beta: float
    mass: float
    global_fraction: float
    normaliser: str


def classify_fixed_points(
    stored: np.ndarray,
    states: np.ndarray,
    beta: float,
    normaliser: str = "softmax",
    *,
    mass: float = 0.9,
    global_fraction: float = 0.5,
    scale_beta: bool = False,
    **options: Any,
) -> FixedPointClasses:
    """Classify (fixed-point) states as single-pattern, metastable or global (Ramsauer et al.
    2020, section 2 "Metastable states and one global fixed point").

    Criterion, from the association weights ``p = norm(beta * xi @ X.T)`` at the state: let k be
    the fewest patterns whose largest weights sum to at least ``mass``.

    * "single": k = 1 -- one pattern carries at least ``mass`` of the weight; the state is close
      to that pattern.
    * "global": k > ``global_fraction`` * P -- the weight is spread over most patterns; the state
      is close to the (weighted) mean of all patterns.
    * "metastable": otherwise -- the state averages a subset of k patterns (``subset_size``,
      ``subset``).

    The states should be fixed points (e.g. from :func:`retrieve` with ``tol``); ``residual``
    reports ``||f(xi) - xi||`` so that this can be checked.

    Parameters
    ----------
    stored : array_like, shape (P, d)
        Stored patterns (rows), real (float64).
    states : array_like, shape (B, d) or (d,)
        States to classify, real (float64).
    beta : float
        Inverse temperature > 0 (``beta / sqrt(d)`` with ``scale_beta=True``).
    normaliser : str
        "softmax" (default) or any kind of :func:`memsim.attention.normalise`.
    mass : float
        Weight fraction in (0, 1] the subset must carry (default 0.9).
    global_fraction : float
        Fraction of P in (0, 1) above which a subset counts as "global" (default 0.5).
    scale_beta : bool
        Use ``beta / sqrt(d)``.
    **options
        Normaliser options (e.g. ``alpha``).

    Returns
    -------
    FixedPointClasses
        Read-only per-state arrays (length B; length 1 for a single state): ``kind`` (str),
        ``subset_size`` (int64), ``subset`` (B, P) bool, ``nearest`` (int64), ``top_weight``,
        ``effective_number``, ``residual``, ``distance`` (float64), plus the settings.

    Raises
    ------
    MemsimError
        If ``stored`` is not a 2-D real numeric (P, d) array with P, d >= 1 or contains NaN/inf;
        if ``states`` is not (B, d) or (d,), is empty, not real numeric or contains NaN/inf; if
        ``normaliser`` is unknown or gets an option it does not take (``entmax_bisect`` needs
        ``alpha`` >= 1); if ``beta`` is not a finite number >= 1e-300 (``BETA_MIN``); if
        ``mass`` is not in (0, 1] or ``global_fraction`` not in (0, 1); if the scores overflow.

    References
    ----------
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021,
    arXiv:2008.02217, section 2 (global, metastable and single-pattern fixed points).
    """
    X = _check_stored(stored)
    S, single = _check_queries(states, X.shape[1], "states")
    _check_normaliser(normaliser, options)
    b = _check_beta(beta, X.shape[1], scale_beta)
    if not 0.0 < mass <= 1.0:
        raise MemsimError(f"mass must be in (0, 1], got {mass!r}")
    if not 0.0 < global_fraction < 1.0:
        raise MemsimError(f"global_fraction must be in (0, 1), got {global_fraction!r}")
    p_count = X.shape[0]
    W = _normalise(b * (S @ X.T), normaliser, options)
    order = np.argsort(-W, axis=1, kind="stable")
    sorted_w = np.take_along_axis(W, order, axis=1)
    cum = np.cumsum(sorted_w, axis=1)
    # fewest patterns reaching `mass` (tolerate rounding of weights that sum to 1)
    k = np.minimum(np.sum(cum < mass - 1e-12, axis=1) + 1, p_count)
    subset = np.zeros_like(W, dtype=bool)
    for i in range(W.shape[0]):
        subset[i, order[i, : k[i]]] = True
    kind = np.where(
        k == 1, "single", np.where(k > global_fraction * p_count, "global", "metastable")
    )
    if p_count == 1:
        kind = np.full(W.shape[0], "single")
    nearest = order[:, 0]
    top = sorted_w[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = -np.sum(np.where(W > 0, W * np.log(np.where(W > 0, W, 1.0)), 0.0), axis=1)
    residual = np.sqrt(np.sum((W @ X - S) ** 2, axis=1))
    dist = np.sqrt(np.sum((S - X[nearest]) ** 2, axis=1))

    def out(a):
        a = np.asarray(a)
        return _readonly(a[0:1].copy() if single else a)

    return FixedPointClasses(
        kind=out(kind.astype("<U10")),
        subset_size=out(k.astype(np.int64)),
        subset=out(subset),
        nearest=out(nearest.astype(np.int64)),
        top_weight=out(top),
        effective_number=out(np.exp(ent)),
        residual=out(residual),
        distance=out(dist),
        beta=b,
        mass=float(mass),
        global_fraction=float(global_fraction),
        normaliser=normaliser,
    )


# ------------------------------------------------------------------------------------------------
# separation, retrieval error, capacity
# ------------------------------------------------------------------------------------------------


def separation(stored: np.ndarray) -> np.ndarray:
    """Separation of each pattern, ``Delta_i = x_i.x_i - max_{j != i} x_i.x_j`` (eq. 5).

    Parameters
    ----------
    stored : array_like, shape (P, d)
        Stored patterns (rows), real (float64).

    Returns
    -------
    ndarray of float64, shape (P,)
        Delta_i (``inf`` when P = 1).

    Raises
    ------
    MemsimError
        If ``stored`` is not a 2-D real numeric (P, d) array with P, d >= 1 or contains NaN/inf.

    References
    ----------
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021,
    arXiv:2008.02217, eq. (5).
    """
    X = _check_stored(stored)
    G = X @ X.T
    diag = np.diag(G).copy()
    np.fill_diagonal(G, -np.inf)
    return diag - G.max(axis=1)


def _check_targeted(
    stored: Any, targets: Any, queries: Any, beta: Any, scale_beta: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Checked (X, Q, target indices, beta) of the retrieval-error functions."""
    X = _check_stored(stored)
    Q, _ = _check_queries(queries, X.shape[1])
    t = np.asarray(targets, dtype=np.int64).reshape(-1)
    if t.shape[0] != Q.shape[0] or (t < 0).any() or (t >= X.shape[0]).any():
        raise MemsimError(f"targets must hold one pattern index in 0..{X.shape[0] - 1} per query")
    return X, Q, t, _check_beta(beta, X.shape[1], scale_beta)


def retrieval_error_bound(
    stored: np.ndarray,
    targets: np.ndarray,
    queries: np.ndarray,
    beta: float,
    fixed_points: np.ndarray | None = None,
    *,
    scale_beta: bool = False,
) -> np.ndarray:
    """Bound on the one-update retrieval error ``||f(xi) - x_i||`` (Theorem 5).

    ``2 (P - 1) exp(-beta (Delta_i - 2 r M)) M`` with ``r = max(||xi - x_i||, ||x*_i - x_i||)``
    (``r = ||xi - x_i||`` when no fixed points are given), ``M = max_j ||x_j||`` and the
    separation ``Delta_i`` of target pattern i (eq. 5). Capped at ``2 M`` (the error can never
    exceed the diameter of the pattern set's ball).

    Parameters
    ----------
    stored : array_like, shape (P, d)
        Stored patterns (rows), real (float64).
    targets : array_like of int, shape (B,)
        Index in [0, P) of the pattern each query aims at.
    queries : array_like, shape (B, d) or (d,)
        Queries xi, real (float64).
    beta : float
        Inverse temperature > 0 (``beta / sqrt(d)`` with ``scale_beta=True``).
    fixed_points : array_like, shape (B, d), optional
        Fixed points x*_i near the targets (enlarges r).
    scale_beta : bool
        Use ``beta / sqrt(d)``.

    Returns
    -------
    ndarray of float64, shape (B,)
        Bound in the units of the patterns, in [0, 2 M].

    Raises
    ------
    MemsimError
        If ``stored`` is not a 2-D real numeric (P, d) array with P, d >= 1 or contains NaN/inf;
        if ``queries`` or ``fixed_points`` is not (B, d) or (d,), is empty, not real numeric or
        contains NaN/inf; if ``targets`` does not hold one index in [0, P) per query; if
        ``beta`` is not a finite number >= 1e-300 (``BETA_MIN``).

    References
    ----------
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021,
    arXiv:2008.02217, Theorem 5 and eq. (5).
    """
    X, Q, t, b = _check_targeted(stored, targets, queries, beta, scale_beta)
    p_count = X.shape[0]
    big_m = float(np.sqrt(np.max(np.einsum("ij,ij->i", X, X))))
    delta = separation(X)[t]
    r = np.sqrt(np.sum((Q - X[t]) ** 2, axis=1))
    if fixed_points is not None:
        F, _ = _check_queries(fixed_points, X.shape[1], "fixed_points")
        r = np.maximum(r, np.sqrt(np.sum((F - X[t]) ** 2, axis=1)))
    with np.errstate(over="ignore"):
        bound = 2.0 * (p_count - 1) * np.exp(-b * (delta - 2.0 * r * big_m)) * big_m
    return np.minimum(bound, 2.0 * big_m)


def random_patterns(
    count: int, dim: int, kind: str = "binary", seed: int = 0, *keys: int
) -> np.ndarray:
    """Random patterns (rows): "binary" (-1/+1 entries, norm sqrt(d)), "gaussian" (N(0, 1)
    entries) or "sphere" (uniform on the sphere of radius sqrt(d)); stream ``(seed, *keys)``.

    A thin alias kept for existing code: it returns exactly
    ``memsim.patterns.random_patterns(count, dim, seed=seed, keys=keys, distribution=...,
    dtype=float64)`` with ``"binary"`` drawn as ``distribution="coin"``; use that in new code.

    Parameters
    ----------
    count : int
        Number of patterns P (>= 0).
    dim : int
        Dimension d (>= 1).
    kind : {"binary", "gaussian", "sphere"}
        Pattern distribution.
    seed : int
        Seed (>= 0).
    *keys : int
        Extra stream keys (>= 0), e.g. ``(d, P)``.

    Returns
    -------
    ndarray of float64, shape (count, dim)

    Raises
    ------
    MemsimError
        ``count`` < 0, ``dim`` < 1, a bad ``seed`` or key, or an unknown ``kind`` (each named).

    References
    ----------
    Ramsauer, H. et al. (2021). Hopfield networks is all you need. ICLR 2021,
    arXiv:2008.02217, section 3 (random patterns of the storage-capacity analysis).
    """
    count = _checks.integer(count, "count", 0)
    dim = _checks.integer(dim, "dim", 1)
    if kind not in ("binary", "gaussian", "sphere"):
        raise MemsimError(f"unknown pattern kind {kind!r}; allowed: binary, gaussian, sphere")
    return _patterns.random_patterns(
        count,
        dim,
        seed=seed,
        keys=keys,
        distribution="coin" if kind == "binary" else kind,
        dtype=np.float64,
    )


#: studies, now in :mod:`memsim.experiments.studies.modern`; still importable from here
_STUDIES = (
    "beta_sweep",
    "retrieval_error_table",
    "retrieval_rate",
    "measure_capacity",
    "capacity_table",
)


def __getattr__(name: str) -> Any:
    if name in _STUDIES:
        from memsim.experiments.studies import modern as studies

        return getattr(studies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
