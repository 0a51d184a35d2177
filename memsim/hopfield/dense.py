"""Dense associative memory: binary Hopfield networks with polynomial or exponential interactions.

References
----------
Krotov, D. & Hopfield, J. J. (2016). Dense associative memory for pattern recognition. NIPS 29
arXiv:1606.01164 (energy ``E = -sum_mu F(xi^mu . s)``, the update rule, capacity estimate).
Demircigil, M., Heusel, J., Loewe, M., Upgang, S. & Vermet, F. (2017). On a model of associative
memory with huge storage capacity. J. Stat. Phys. 168, 288-299 (``F(x) = exp(x)``).

Conventions
-----------
* Stored patterns are rows of a P x N array of -1/+1 (int8); cues are B x N (or one N-vector).
* Energy ``E(s) = -sum_mu F(xi^mu . s)`` with ``F(x) = x^n`` ("polynomial"),
  ``F(x) = max(x, 0)^n`` ("rectified") or ``F(x) = exp(x)`` ("exponential").
* Update of neuron i: ``s_i <- sgn(sum_mu [F(xi_i^mu + h_mu) - F(-xi_i^mu + h_mu)])`` with
  ``h_mu = sum_{j != i} xi_j^mu s_j`` -- the energy difference between ``s_i = +1`` and
  ``s_i = -1``, so asynchronous updates never raise E. **sgn(0) keeps the current state.**
* n = 2 (polynomial) is the classical Hebbian network: the drive equals 4 N h_i with
  ``h_i = (1/N) sum_{j != i} sum_mu xi_i^mu xi_j^mu s_j``, so the dynamics are identical.
* Overlaps ``m_mu = xi^mu . s`` are kept per cue and updated in O(P) per flip; a neuron check
  is one dot product of its pattern column with a per-cue vector refilled on flips (see
  :mod:`memsim.hopfield._dense_kernels`). Polynomial and rectified updates are exact whenever
  ``P (|F(N+2) - F(N-2)| + |F(N+2) - 2F(N) + F(N-2)|) < 2^62`` (about ``4 n P N^(n-1)``):
  integer-valued float64 below 2^53 (fastest), int64 above; beyond 2^62 float64 with rounding
  (``extra["arithmetic"]`` says which: "float64-exact", "int64" or "float64"). The exponential
  interaction is evaluated with a log-sum-exp shift, so N in the thousands does not overflow.
* Randomness: cue b uses the xoshiro256** stream ``stream_states(seed, stream, B)[b]``; with
  ``order="random"`` the update order (initially 0..N-1) is shuffled in place at the start of
  each sweep -- the protocol of :func:`memsim.hopfield.classical.recall`.
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from memsim import _checks
from memsim import patterns as _patterns
from memsim import theory as _theory
from memsim._checks import readonly as _readonly
from memsim._jit import keeps_thread_count, set_threads
from memsim._rng import stream_states
from memsim.errors import ConvergenceWarning, MemsimError
from memsim.hopfield import _dense_kernels as K

INTERACTIONS = {"polynomial": K.POLYNOMIAL, "rectified": K.RECTIFIED, "exponential": K.EXPONENTIAL}
DYNAMICS = ("async", "sync")
ORDERS = ("random", "fixed")
STOP_REASONS = ("fixed_point", "cycle", "limit")

_INT_LIMIT = 2**62
#: below this many neuron-pattern operations per sweep (B N P) the serial kernels are used: a
#: parallel region costs more than it saves (and much more on a loaded machine)
_PARALLEL_MIN_WORK = 1 << 18


@dataclass(frozen=True)
class DenseResult:
    """Outcome of :func:`dense_recall` for a batch of B cues (all arrays read-only).

    Attributes
    ----------
    states : (B, N) int8
        Final states.
    sweeps : (B,) int64
        Sweeps performed (async: N single-neuron updates each; sync: one parallel update each),
        including the last one that confirmed a fixed point.
    stop : (B,) str
        ``"fixed_point"``, ``"cycle"`` (sync 2-cycle) or ``"limit"`` (max_sweeps reached).
    energy : (B, max_sweeps + 1) float64
        ``E = -sum_mu F(xi^mu . s)`` of the cue (column 0) and after each sweep; NaN after the run
        stopped. For the exponential interaction E overflows to -inf once ``xi . s`` exceeds
        about 709: use ``log_neg_energy``.
    log_neg_energy : (B, max_sweeps + 1) float64
        ``log(-E) = log sum_mu F(xi^mu . s)`` (log-sum-exp for the exponential interaction;
        always finite there). NaN where ``-E <= 0`` or after the run stopped. Non-decreasing
        under asynchronous dynamics (because E is non-increasing).
    flips : (B, max_sweeps) int64
        Neurons flipped in each sweep (-1 after the run stopped).
    overlaps : (B, P) float64
        Final overlaps ``m_mu = (1/N) xi^mu . s``.
    interaction, n, dynamics, order, seed
        The settings used (``n`` is None for the exponential interaction).
    extra : dict
        ``arithmetic``: ``"float64-exact"`` or ``"int64"`` (both exact) or ``"float64"``
        (rounded); ``stream``: the stream keys.
    """

    states: np.ndarray
    sweeps: np.ndarray
    stop: np.ndarray
    energy: np.ndarray
    log_neg_energy: np.ndarray
    flips: np.ndarray
    overlaps: np.ndarray
    interaction: str
    n: int | None
    dynamics: str
    order: str
    seed: int
    extra: dict = field(default_factory=dict)

    @property
    def converged(self) -> np.ndarray:
        """True where the run ended in a fixed point."""
        return self.stop == "fixed_point"

    def energy_trace(self, b: int = 0) -> np.ndarray:
        """Energy of cue ``b`` from the cue to its final state (length ``sweeps[b] + 1``)."""
        return self.energy[b, : int(self.sweeps[b]) + 1]


# ------------------------------------------------------------------------------------------------
# validation helpers
# ------------------------------------------------------------------------------------------------


def _all_pm1(a: np.ndarray) -> bool:
    """True if every entry is -1 or +1 (fast: no sorting, unlike np.isin)."""
    if a.dtype == np.int8:
        return bool(np.all(np.abs(a) == 1))  # abs(-128) stays -128: rejected
    return bool(np.all((a == 1) | (a == -1)))


def _check_stored(stored: Any) -> np.ndarray:
    a = _checks.pattern_matrix(stored, "stored")
    if not _all_pm1(a):
        raise MemsimError(f"stored {_checks.PM1_ONLY}")
    return np.ascontiguousarray(a, dtype=np.int8)


def _check_states(states: Any, n: int, name: str) -> tuple[np.ndarray, bool]:
    s, single = _checks.state_rows(states, n, name)
    if s.shape[0] == 0:
        raise MemsimError(f"{name} is empty (shape {np.shape(states)})")
    if not _all_pm1(s):
        raise MemsimError(f"{name} must contain only -1 and +1")
    return np.ascontiguousarray(s, dtype=np.int8).copy(), single


def _check_interaction(interaction: str, n: Any) -> tuple[int, int]:
    kind = INTERACTIONS[_checks.choice(interaction, "interaction", INTERACTIONS)]
    if kind == K.EXPONENTIAL:
        return kind, 0
    try:
        return kind, _checks.integer(n, "n", low=2)
    except MemsimError as exc:
        raise MemsimError(f"{exc} (n is the degree of the {interaction} interaction)") from None


def _check_batch(stored: Any, states: Any, interaction: str, n: Any):
    """Checked (xi, S, single, kind, n_pow) of a batch of states to evaluate, and the zeroed
    (B, P) int64 overlaps M the kernels fill."""
    xi = _check_stored(stored)
    S, single = _check_states(states, xi.shape[1], "states")
    kind, n_pow = _check_interaction(interaction, n)
    return xi, S, single, kind, n_pow, np.zeros((S.shape[0], xi.shape[0]), dtype=np.int64)


def _ab_exact(kind: int, n: int, big_n: int) -> tuple[np.ndarray, np.ndarray]:
    """A(m) = F(m+2) - F(m-2) and B(m) = F(m+2) - 2F(m) + F(m-2) for m = -N..N, exact ints.

    int64 arrays when F(N+2) < 2^60 (no overflow possible), object arrays of Python integers
    otherwise.
    """
    x = np.arange(-big_n - 2, big_n + 3, dtype=np.int64)
    if n * math.log2(big_n + 2) >= 60:
        x = x.astype(object)  # Python integers: exact powers of any size
    f = x**n
    if kind == K.RECTIFIED:
        f[x <= 0] = 0
    return f[4:] - f[:-4], f[4:] - 2 * f[2:-2] + f[:-4]


def _coefficients(n: int) -> list[list[int]]:
    """Coefficients by power of m of A(m) = (m+2)^n - (m-2)^n and B(m) = (m+2)^n - 2 m^n +
    (m-2)^n (polynomial F = x^n), both padded to n entries; all are non-negative.

    A(m) = 2 sum_{k odd} C(n, k) 2^k m^(n-k),  B(m) = 2 sum_{k even >= 2} C(n, k) 2^k m^(n-k).
    """
    ca = [0] * n
    cb = [0] * n
    for k in range(1, n + 1):
        c = 2 * math.comb(n, k) * 2**k
        (ca if k % 2 else cb)[n - k] += c
    return [ca, cb]


@functools.lru_cache(maxsize=32)
def _tables(kind: int, n: int, p: int, big_n: int):
    """How the kernels evaluate the update drive (see :mod:`memsim.hopfield._dense_kernels`).

    Returns ``(method, tab_a, tab_b, coef, label)``.

    Polynomial kinds: ``tab_a[m + N] = A(m) = F(m + 2) - F(m - 2)`` and ``tab_b[m + N] = B(m) =
    F(m + 2) - 2 F(m) + F(m - 2)`` for m = -N..N, and ``coef`` the coefficients of A and B as
    polynomials (Horner's rule; the rectified kind uses them for m >= 2 and the table near 0).
    Every partial sum of a drive is bounded by ``P (max|A| + max|B|)``: below 2^53 everything is
    float64 and exact in any summation order (``"float64-exact"``, the fastest); below 2^62 int64
    (``"int64"``, exact); beyond that float64 tables scaled by a common power of two, gathered by
    overlap (``"float64"``, relative rounding 1e-16 -- only the sign of a drive is used, so the
    scale is harmless and nothing overflows).

    Exponential: ``tab_a[k] = exp(-k)`` for k = 0..2N and ``tab_b = [tanh(1), e^2, e^-2]``; label
    ``"int64"`` (the overlaps are int64; the drive is a float64 sum).
    """
    if kind == K.EXPONENTIAL:
        method, label = K.EXP_MUL, "int64"
        ta = np.exp(-np.arange(2 * big_n + 1, dtype=np.float64))
        tb = np.array([np.tanh(1.0), np.exp(2.0), np.exp(-2.0)])
        coef = np.zeros((2, 1))
    else:
        a, b = _ab_exact(kind, n, big_n)
        top_a, top_b = int(np.abs(a).max()), int(np.abs(b).max())
        bound = p * (top_a + top_b)
        method = K.HORNER if kind == K.POLYNOMIAL else K.RECT_HORNER
        if bound < 2**53:
            dt, label = np.float64, "float64-exact"
        elif bound < _INT_LIMIT:
            dt, label = np.int64, "int64"
        else:
            dt, label, method = np.float64, "float64", K.TABLE
            shift = max(0, max(top_a, top_b).bit_length() - 900)
            a = np.array([v >> shift if v >= 0 else -((-v) >> shift) for v in map(int, a)])
            b = np.array([v >> shift if v >= 0 else -((-v) >> shift) for v in map(int, b)])
        ta, tb = a.astype(dt), b.astype(dt)
        coef = np.array(_coefficients(n), dtype=dt) if method != K.TABLE else np.zeros((2, 1))
    # cached and shared between calls: read-only, so no caller can alter another's tables
    return method, _readonly(ta), _readonly(tb), _readonly(coef), label


# ------------------------------------------------------------------------------------------------
# public API
# ------------------------------------------------------------------------------------------------


@keeps_thread_count
def dense_recall(
    stored: np.ndarray,
    cues: np.ndarray,
    interaction: str = "polynomial",
    n: int = 3,
    dynamics: str = "async",
    max_sweeps: int = 100,
    order: str = "random",
    seed: int = 0,
    *,
    threads: int | None = None,
    stream: tuple[int, ...] = (),
    warn: bool = True,
) -> DenseResult:
    """Run dense-associative-memory dynamics from each cue (Krotov & Hopfield 2016).

    Parameters
    ----------
    stored : (P, N) array of -1/+1
        Stored patterns (rows).
    cues : (B, N) or (N,) array of -1/+1
        Initial states.
    interaction : {"polynomial", "rectified", "exponential"}
        ``F(x) = x^n``, ``max(x, 0)^n`` or ``exp(x)`` (Demircigil et al. 2017).
    n : int
        Interaction order (>= 2) for the polynomial kinds; ignored for "exponential".
    dynamics : {"async", "sync"}
        Asynchronous: one neuron at a time with the exact energy-difference rule (E never
        increases). Synchronous: all neurons from the same state; may end in a 2-cycle, which is
        detected and reported as ``"cycle"``.
    max_sweeps : int
        Limit on sweeps (async) or parallel steps (sync).
    order : {"random", "fixed"}
        Async update order: a fresh in-place shuffle of the previous order each sweep (from the
        cue's own stream) or 0..N-1.
    seed : int
        Seed; cue b uses stream ``(seed, *stream, b)``, so results do not depend on the thread
        count.
    threads : int, optional
        Numba thread count for this call.
    stream : tuple of int
        Extra keys for the random streams (e.g. a trial index).
    warn : bool
        Emit a :class:`~memsim.errors.ConvergenceWarning` if a cue hit the sweep limit.

    Returns
    -------
    DenseResult
        ``states`` (B, N) int8 (or (N,) for one cue), ``sweeps`` (B,) int64, ``stop`` (B,)
        str, ``energy`` and ``log_neg_energy`` (B, max_sweeps + 1) float64, ``flips``
        (B, max_sweeps) int64, ``overlaps`` (B, P) float64 in [-1, 1]; see
        :class:`DenseResult`.

    Raises
    ------
    MemsimError
        If ``stored`` is not a 2-D -1/+1 array with P >= 1 and N >= 2; if ``cues`` is not (B, N)
        or (N,), is empty or holds a value other than -1/+1; if ``interaction`` is unknown; if
        ``n`` is not an integer >= 2 (polynomial kinds); if ``dynamics`` or ``order`` is
        unknown; if ``max_sweeps`` is not an integer >= 1; if ``seed``, ``stream`` or
        ``threads`` is not a valid integer.

    Warns
    -----
    ConvergenceWarning
        When ``warn`` is true and some cue reached ``max_sweeps`` without a fixed point.

    References
    ----------
    Krotov, D. & Hopfield, J. J. (2016). Dense associative memory for pattern recognition.
    NIPS 29, arXiv:1606.01164, eq. 2 (energy) and eq. 3 (update rule).
    Demircigil, M. et al. (2017). On a model of associative memory with huge storage
    capacity. J. Stat. Phys. 168, 288-299 (exponential interaction ``F(x) = exp(x)``).
    """
    xi = _check_stored(stored)
    p, big_n = xi.shape
    S, single = _check_states(cues, big_n, "cues")
    kind, n_pow = _check_interaction(interaction, n)
    _checks.choice(dynamics, "dynamics", DYNAMICS)
    _checks.choice(order, "update order", ORDERS)
    max_sweeps = _checks.integer(max_sweeps, "max_sweeps", low=1)
    if threads is not None:
        set_threads(threads)
    method, tab_a, tab_b, coef, arith = _tables(kind, n_pow, p, big_n)
    xiT = np.ascontiguousarray(xi.T)
    b_count = S.shape[0]
    _checks.check_fits(
        b_count * (max_sweeps + 1) * 8 * 3, "max_sweeps", "the energy and flip traces"
    )
    M = np.empty((b_count, p), dtype=np.int64)  # overlaps, computed by the kernels
    energy = np.full((b_count, max_sweeps + 1), np.nan)
    logneg = np.full((b_count, max_sweeps + 1), np.nan)
    flips = np.full((b_count, max_sweeps), -1, dtype=np.int64)
    sweeps = np.zeros(b_count, dtype=np.int64)
    stop = np.zeros(b_count, dtype=np.int64)
    parallel = b_count > 1 and b_count * big_n * p >= _PARALLEL_MIN_WORK
    net = (kind, n_pow, method, tab_a, tab_b, coef, xiT)
    out = (energy, logneg, flips, sweeps, stop)
    if dynamics == "async":
        rngs = stream_states(seed, tuple(stream), b_count)
        run = K.async_batch if parallel else K.async_batch_serial
        run(net, S, M, order == "random", max_sweeps, rngs, out)
    else:
        (K.sync_batch if parallel else K.sync_batch_serial)(net, S, M, max_sweeps, out)
    stop_names = np.asarray(STOP_REASONS)[stop]
    if warn and (stop == K.LIMIT).any():
        k = int((stop == K.LIMIT).sum())
        warnings.warn(
            f"{k} of {b_count} cues reached max_sweeps={max_sweeps} without a fixed point",
            ConvergenceWarning,
            stacklevel=2,
        )
    res = DenseResult(
        states=_readonly(S[0].copy() if single else S),
        sweeps=_readonly(sweeps),
        stop=_readonly(stop_names),
        energy=_readonly(energy),
        log_neg_energy=_readonly(logneg),
        flips=_readonly(flips),
        overlaps=_readonly(M.astype(np.float64) / big_n),
        interaction=interaction,
        n=None if kind == K.EXPONENTIAL else n_pow,
        dynamics=dynamics,
        order=order,
        seed=int(seed),
        extra={"arithmetic": arith, "stream": tuple(stream)},
    )
    return res


def dense_energy(
    stored: np.ndarray,
    states: np.ndarray,
    interaction: str = "polynomial",
    n: int = 3,
    *,
    log: bool = False,
) -> np.ndarray | float:
    """Energy ``E(s) = -sum_mu F(xi^mu . s)`` of each state (Krotov & Hopfield 2016).

    Parameters
    ----------
    stored : array_like, shape (P, N)
        Stored patterns (rows), entries -1/+1.
    states : array_like, shape (B, N) or (N,)
        States, entries -1/+1.
    interaction : {"polynomial", "rectified", "exponential"}
        As in :func:`dense_recall`.
    n : int
        Interaction order (>= 2); ignored for "exponential".
    log : bool
        Return ``log(-E) = log sum_mu F(xi^mu . s)`` instead (log-sum-exp for the exponential
        interaction, finite for any N; NaN where ``-E <= 0``).

    Returns
    -------
    ndarray of float64, shape (B,), or float
        E (or log(-E)) of each state, a float for a single state. Computed in float64 (exact
        while the values stay below 2^53).

    Raises
    ------
    MemsimError
        If ``stored`` is not a 2-D -1/+1 array with P >= 1 and N >= 2; if ``states`` is not (B,
        N) or (N,), is empty or holds a value other than -1/+1; if ``interaction`` is unknown;
        if ``n`` is not an integer >= 2 (polynomial kinds).

    References
    ----------
    Krotov, D. & Hopfield, J. J. (2016). Dense associative memory for pattern recognition.
    NIPS 29, arXiv:1606.01164, eq. 2.
    Demircigil, M. et al. (2017). On a model of associative memory with huge storage
    capacity. J. Stat. Phys. 168, 288-299 (``F(x) = exp(x)``).
    """
    xi, S, single, kind, n_pow, M = _check_batch(stored, states, interaction, n)
    e = np.empty(S.shape[0])
    lg = np.empty(S.shape[0])
    K.energy_batch(kind, n_pow, np.ascontiguousarray(xi.T), S, M, e, lg)
    out = lg if log else e
    return float(out[0]) if single else out


def dense_unstable_bits(
    stored: np.ndarray,
    states: np.ndarray,
    interaction: str = "polynomial",
    n: int = 3,
) -> np.ndarray | int:
    """Number of neurons the update rule would flip in each state (a one-step stability check).

    A state is a fixed point of the dynamics iff this is 0. Applied to the stored patterns it
    measures the one-step bit error of Krotov & Hopfield's (2016) capacity estimate.

    Parameters
    ----------
    stored, states, interaction, n
        As in :func:`dense_energy` (``states``: the states to check).

    Returns
    -------
    ndarray of int64, shape (B,), or int
        Unstable neurons per state, in [0, N] (an int for a single state).

    Raises
    ------
    MemsimError
        In the cases listed under :func:`dense_energy`.

    References
    ----------
    Krotov, D. & Hopfield, J. J. (2016). Dense associative memory for pattern recognition.
    NIPS 29, arXiv:1606.01164, eq. 3 (update rule) and its capacity estimate.
    Demircigil, M. et al. (2017). On a model of associative memory with huge storage
    capacity. J. Stat. Phys. 168, 288-299 (``F(x) = exp(x)``).
    """
    xi, S, single, kind, n_pow, M = _check_batch(stored, states, interaction, n)
    method, tab_a, tab_b, coef, _ = _tables(kind, n_pow, *xi.shape)
    out = np.zeros(S.shape[0], dtype=np.int64)
    K.unstable_batch(method, tab_a, tab_b, coef, np.ascontiguousarray(xi.T), S, M, out)
    return int(out[0]) if single else out


# ------------------------------------------------------------------------------------------------
# capacity
# ------------------------------------------------------------------------------------------------


# the theory of dense networks lives in memsim.theory (one home for theory); these names stay
# here too because notebooks call them as memsim.hopfield.dense.theory_*
double_factorial = _theory.double_factorial
theory_bit_error = _theory.dense_bit_error
theory_capacity = _theory.dense_capacity


def random_patterns(count: int, n_neurons: int, seed: int = 0, *keys: int) -> np.ndarray:
    """``count`` random unbiased -1/+1 patterns (rows), from ``generator(seed, *keys)``.

    A thin alias kept for existing code: it returns exactly
    ``memsim.patterns.random_patterns(count, n_neurons, seed=seed, keys=keys,
    distribution="coin")``, the one pattern generator; use that in new code.

    Parameters
    ----------
    count : int
        Number of patterns P (>= 1).
    n_neurons : int
        Pattern length N (>= 1).
    seed : int
        Seed (>= 0).
    *keys : int
        Extra stream keys (>= 0), e.g. ``(N, P)``.

    Returns
    -------
    ndarray of int8, shape (count, n_neurons)
        Independent entries -1/+1 with probability 1/2 each.

    Raises
    ------
    MemsimError
        If ``count`` or ``n_neurons`` is not an integer >= 1, or ``seed`` or a key is not an
        integer >= 0.

    References
    ----------
    Krotov, D. & Hopfield, J. J. (2016). Dense associative memory for pattern recognition.
    NIPS 29, arXiv:1606.01164 (the random unbiased patterns of its capacity analysis).
    """
    count = _checks.integer(count, "count", 1)
    return _patterns.random_patterns(
        count, _checks.integer(n_neurons, "n_neurons", 1), seed=seed, keys=keys, distribution="coin"
    )


#: capacity studies, now in :mod:`memsim.experiments.studies.dense`; still importable from here
_STUDIES = ("bit_error_rate", "retrieval_rate", "measure_capacity", "capacity_table")


def __getattr__(name: str) -> Any:
    if name in _STUDIES:
        from memsim.experiments.studies import dense as studies

        return getattr(studies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
