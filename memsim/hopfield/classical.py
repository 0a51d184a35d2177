"""Classical Hopfield network: storage rules and recall dynamics.

References
----------
Hopfield, J. J. (1982). Neural networks and physical systems with emergent collective
computational abilities. PNAS 79, 2554-2558.
Hertz, Krogh & Palmer (1991). Introduction to the Theory of Neural Computation, ch. 2.
Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1985). Spin-glass models of neural networks.
Phys. Rev. A 32, 1007-1018 (the 1/N normalisation and the overlaps m^mu).

Conventions
-----------
* Patterns are rows of a P x N array of int8 in {-1, +1}; cues are B x N.
* Local field ``h_i = sum_j W_ij s_j``; update ``s_i <- sgn(h_i - theta_i)``.
* **sgn(0) keeps the current state.** Public implementations disagree (+1, -1, keep); keeping the
  state is the choice that makes every fixed point of the rule stable under both dynamics.
* Energy ``E(s) = -1/2 sum_ij W_ij s_i s_j + sum_i theta_i s_i`` (Hopfield 1982, eq. 7, with
  thresholds). With symmetric W and W_ii >= 0 asynchronous updates never raise it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from memsim import _checks as _args
from memsim import _threads
from memsim._checks import readonly as _readonly
from memsim._jit import keeps_thread_count, set_threads
from memsim._rng import stream_states
from memsim.errors import ConvergenceWarning, MemsimError
from memsim.hopfield import _kernels as K

STOP_REASONS = ("fixed_point", "cycle", "limit")
DYNAMICS = ("async", "sync")
#: said with an unknown dynamics: Glauber (heat-bath) dynamics are a temperature, not a name
_GLAUBER_HINT = (
    " (Glauber, heat-bath, dynamics: async or sync updates at temperature > 0, e.g. "
    "temperature=0.2)"
)
ORDERS = ("random", "fixed")

_F32_EXACT = 2**24  # integers up to this magnitude are exact in float32
#: pattern sets up to this size (as floats) are also kept as a float copy for the field kernels
_FLOAT_PATTERNS_MAX_BYTES = 16 * 2**20


# --------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------


class Weights:
    """Coupling matrix of a classical Hopfield network, plus what makes recall fast.

    ``np.asarray(weights)`` gives the N x N float64 matrix W. Hebbian weights are *lazy*: they
    keep the stored patterns (P x N int8) and form the exact integer couplings ``J = N W``
    (int16, or int32 when P > 32767) only when something asks for them -- ``np.asarray``,
    :attr:`matrix`, a rule or dilution that transforms them, or recall with dense fields
    (see :data:`FIELD_SCHEMES`). Until then the object takes P N bytes, not 2 N^2: N = 100000
    neurons with P = 500 patterns need 50 MB instead of 20 GB. :attr:`formed` says whether the
    matrix is held.

    Attributes
    ----------
    rule : str
        Storage rule that produced the weights.
    theta : ndarray, shape (N,)
        Thresholds (zero unless the rule sets them, e.g. the covariance rule).
    patterns : ndarray or None
        Stored patterns (P x N, int8) when the rule keeps them.
    info : dict
        Rule-specific details (e.g. perceptron convergence).
    """

    def __init__(
        self,
        matrix: np.ndarray | None = None,
        *,
        rule: str,
        theta: np.ndarray | None = None,
        patterns: np.ndarray | None = None,
        integer: np.ndarray | None = None,
        scale: float = 1.0,
        symmetric: bool = True,
        info: dict[str, Any] | None = None,
        lazy: bool = False,
    ):
        if matrix is None and integer is None and not (lazy and patterns is not None):
            raise ValueError("Weights need a matrix, integer couplings or (lazy) patterns")
        self._matrix = None if matrix is None else _readonly(np.asarray(matrix, np.float64))
        self._int = None if integer is None else _readonly(integer)
        self.scale = float(scale)
        self.patterns = None if patterns is None else _readonly(np.asarray(patterns, np.int8))
        if self._int is not None:
            n = self._int.shape[0]
        elif self._matrix is not None:
            n = self._matrix.shape[0]
        else:
            n = self.patterns.shape[1]
        self.n = n
        # lazy Hebbian: J = Xi^T Xi - P I is formed from the patterns on demand
        self._lazy = bool(lazy) and self._int is None and self._matrix is None
        self.rule = rule
        self.theta = _readonly(
            np.zeros(n) if theta is None else np.asarray(theta, np.float64).copy()
        )
        self.symmetric = bool(symmetric)
        self.info = dict(info or {})
        self._cache: dict[Any, np.ndarray] = {}

    @property
    def _integer(self) -> np.ndarray | None:
        """Exact integer couplings ``J = N W`` (int16/int32), formed here when lazy."""
        if self._int is None and self._lazy:
            self._int = _readonly(_hebbian_integer(self.patterns))
        return self._int

    @property
    def formed(self) -> bool:
        """True when the N x N couplings are held in memory (False for unformed lazy weights)."""
        return self._int is not None or self._matrix is not None

    @property
    def matrix(self) -> np.ndarray:
        """The N x N float64 weight matrix W (read-only; formed on first use when lazy)."""
        if self._matrix is None:
            _args.check_fits(
                self.n * self.n * 8, "patterns", f"the {self.n} x {self.n} float64 matrix W"
            )
            self._matrix = _readonly(self._integer.astype(np.float64) / self.scale)
        return self._matrix

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n, self.n)

    def __array__(self, dtype=None, copy=None):
        m = self.matrix
        if dtype is not None:
            return m.astype(dtype)
        return m.copy() if copy else m

    def __repr__(self) -> str:
        p = "" if self.patterns is None else f", P={self.patterns.shape[0]}"
        lazy = ", lazy" if self._lazy and not self.formed else ""
        return f"Weights(rule={self.rule!r}, N={self.n}{p}{lazy})"

    # -- internal views used by recall ---------------------------------------------------------
    def _scale(self) -> float:
        """Units of the kernel fields: integer rules work in units of 1/scale."""
        return self.scale if (self._lazy or self._int is not None) else 1.0

    def _couplings(self) -> tuple[np.ndarray, float]:
        """Couplings for the kernels (rows = columns of W) and their scale."""
        if self._integer is not None:
            if self.symmetric:
                return self._integer, self.scale
            # asymmetric integer couplings (diluted Hebbian): the kernels read columns as rows
            if "rowcols" not in self._cache:
                self._cache["rowcols"] = np.ascontiguousarray(self._integer.T)
            return self._cache["rowcols"], self.scale
        if "rowcols" not in self._cache:
            m = self.matrix
            self._cache["rowcols"] = m if self.symmetric else np.ascontiguousarray(m.T)
        return self._cache["rowcols"], 1.0

    def _has_low_rank(self) -> bool:
        """Hebbian couplings known as ``J = Xi^T Xi - P I`` (fields from the P overlaps)."""
        return (
            self.rule == "hebbian"
            and self.patterns is not None
            and (self._lazy or self._int is not None)
        )

    def _low_rank(self) -> bool:
        """Fields from the overlaps are cheaper than J s: P < N/2, or J not formed."""
        return self._has_low_rank() and (self.patterns.shape[0] < self.n // 2 or self._int is None)

    def _xiT(self, ftype: type | None = None) -> np.ndarray:
        """The patterns transposed, (N, P) contiguous: row i holds xi_i^mu for all mu; int8,
        or, when that copy is small (:data:`_FLOAT_PATTERNS_MAX_BYTES`), in the arithmetic
        type ``ftype`` with zero columns up to a multiple of 8 (the field checks then need no
        conversion and no scalar tail)."""
        if "xiT" not in self._cache:
            self._cache["xiT"] = np.ascontiguousarray(self.patterns.T)
        xiT = self._cache["xiT"]
        p8 = -(-xiT.shape[1] // 8) * 8
        if (
            ftype is None
            or xiT.shape[0] * p8 * np.dtype(ftype).itemsize > _FLOAT_PATTERNS_MAX_BYTES
        ):
            return xiT
        key = ("xiT", ftype)
        if key not in self._cache:
            padded = np.zeros((xiT.shape[0], p8), dtype=ftype)
            padded[:, : xiT.shape[1]] = xiT
            self._cache[key] = padded
        return self._cache[key]

    def _overlaps_and_fields(self, S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unnormalised overlaps ``M = S Xi^T`` (B, P) and Hebbian fields ``H = M Xi - P S``
        (B, N) in units of 1/N, both exact integers held in floats.

        Exact: every partial sum of ``S Xi^T`` is an integer of magnitude <= N, and every
        partial sum of ``M Xi - P S`` one of magnitude <= N P (see
        :func:`memsim.hopfield._kernels._init_pair`); float32 is used while N P < 2**24,
        float64 (exact below 2**53) beyond. A Numba kernel computes both products in tiles of
        2 cues x 4 patterns, parallel over pairs of cues. (A BLAS product was tried: exact
        too, but its thread pool slowed down 100-fold on a busy 2-core machine.)
        """
        xi = self.patterns
        p, n = xi.shape
        ftype = np.float32 if n * p < _F32_EXACT else np.float64
        S = np.ascontiguousarray(S, dtype=np.int8)
        M = np.empty((S.shape[0], p), dtype=ftype)
        H = np.empty(S.shape, dtype=ftype)
        xf, Sf = self._float_patterns(ftype), S.astype(ftype)

        def run(lo: int, hi: int) -> None:
            K.lowrank_overlaps_fields(xf, Sf[lo:hi], ftype(0), M[lo:hi], H[lo:hi])

        # chunks of whole pairs of states, as the kernel takes them
        _threads.share(run, S.shape[0], 2 * S.shape[0] * n * p * COST_LOW_RANK, multiple=2)
        return M, H

    def _fields_from_overlaps(self, S: np.ndarray, M: np.ndarray) -> np.ndarray:
        """Hebbian fields ``H = M Xi - P S`` of states ``S`` (B, N) whose unnormalised
        overlaps ``M`` (B, P) are known: the second half of :meth:`_overlaps_and_fields`,
        the same exact integers in the same dtype."""
        ftype = M.dtype.type
        H = np.empty(S.shape, dtype=ftype)
        K.lowrank_fields_serial(self._float_patterns(ftype), S.astype(ftype), ftype(0), M, H)
        return H

    def _float_patterns(self, ftype: type) -> np.ndarray:
        """The patterns (P, N) in the arithmetic type ``ftype`` when that copy is small
        (:data:`_FLOAT_PATTERNS_MAX_BYTES`; it saves an int8 conversion per multiply-add), else
        the int8 patterns themselves."""
        xi = self.patterns
        if xi.size * np.dtype(ftype).itemsize > _FLOAT_PATTERNS_MAX_BYTES:
            return xi
        key = ("xi", ftype)
        if key not in self._cache:
            self._cache[key] = xi.astype(ftype)
        return self._cache[key]

    def _fields(self, S: np.ndarray, blas: bool = False) -> np.ndarray:
        """Local fields W s for each row of S, in units of 1/scale (exact for integer rules).

        Integer rules use exact integer arithmetic (results independent of summation order and
        thread count). Hebbian weights use the P overlaps (rank <= P) through exact float
        products when P < N/2 or when the matrix is not formed (:meth:`_overlaps_and_fields`);
        ``blas`` is kept for the callers and has no effect on the numbers. Hebbian fields
        come as float32 (N P < 2**24) or float64 holding exact integers.
        """
        S = np.ascontiguousarray(S, dtype=np.int8)
        if self._low_rank():
            return self._overlaps_and_fields(S)[1]
        if self._integer is not None:
            n = self.n
            p = self.patterns.shape[0] if self.patterns is not None else n
            wide = n * max(p, 1) >= 2**31
            zero = (np.int64 if wide else np.int32)(0)
            out = np.empty(S.shape, dtype=zero.dtype)
            K.integer_fields(self._integer, S, zero, out)
            return out
        out = np.empty(S.shape, dtype=np.float64)
        # fixed summation order, independent of thread count (BLAS may reorder sums)
        K.dense_fields(self.matrix, S.astype(np.float64), out)
        return out


#: field schemes of asynchronous recall (the ``fields`` option of :func:`recall`)
FIELD_SCHEMES = ("auto", "low_rank", "dense")

#: cost-model constants (nanoseconds on a 2-core AVX2 machine; only their ratios matter):
#: a dense check (read h_i, compare), one element of a dense flip (h += 2 s J[i], float32 or
#: int16 -> int32), one element of a low-rank check or flip (a P-long int8 x float64 dot
#: product), one multiply-add of forming J with float32 BLAS, and one element of the N x N
#: conversion to int16
COST_DENSE_CHECK = 1.5
COST_DENSE_FLIP = 0.12
COST_LOW_RANK = 0.15
COST_FORM_MAC = 0.03
COST_FORM_ELEMENT = 2.0
#: expected sweeps of a zero-temperature recall (two to settle plus the confirming sweep)
EXPECTED_SWEEPS = 3


def field_scheme_costs(
    n: int,
    p: int,
    cues: int,
    flips: float,
    sweeps: float = EXPECTED_SWEEPS,
    formed: bool = False,
) -> dict[str, float]:
    """Estimated time (ns) of asynchronous recall under each field scheme (the cost model).

    Per cue, with ``s`` sweeps and ``f`` flips:

    * ``dense``: ``s N c_check + f N c_flip`` -- a check reads the kept field h_i (O(1)), a flip
      adds a column of J to all N fields (O(N)); plus, when J is not yet formed, the one-off
      ``N^2 P c_mac + N^2 c_elem`` of forming it (float32 BLAS, then int16);
    * ``low_rank``: ``(s N + f) P c_lr`` -- a check computes h_i = sum_mu xi_i^mu m_mu - P s_i
      from the P overlaps (O(P)), a flip updates the P overlaps (O(P)).

    Dense wins for many flips per cue and P comparable to N; low rank for P << N, few flips,
    few cues (nothing to amortise the forming over) or when J would not fit in memory.

    Parameters
    ----------
    n, p, cues : int
        Neurons N, stored patterns P, cues B.
    flips : float
        Expected flips per cue (recall uses the cues' initially unstable neurons).
    sweeps : float
        Expected sweeps per cue.
    formed : bool
        Whether J is already in memory (no forming cost).

    Returns
    -------
    dict
        ``{"dense": ns, "low_rank": ns}``.

    Raises
    ------
    Nothing: the arguments are taken as given (a cost estimate, not a check).

    References
    ----------
    Hertz, Krogh & Palmer (1991). Introduction to the Theory of Neural Computation, ch. 2
    (incremental fields); Amit, Gutfreund & Sompolinsky (1985). Phys. Rev. A 32, 1007
    (the fields as sums over the P overlaps m^mu).
    """
    dense = cues * (sweeps * n * COST_DENSE_CHECK + flips * n * COST_DENSE_FLIP)
    if not formed:
        dense += n * n * p * COST_FORM_MAC + n * n * COST_FORM_ELEMENT
    low = cues * (sweeps * n + flips) * p * COST_LOW_RANK
    return {"dense": float(dense), "low_rank": float(low)}


def _dense_fits(n: int) -> bool:
    """Forming J (float32 product, then int16) must leave room: 6 N^2 bytes <= half of memory."""
    return 6 * n * n <= 0.5 * _args.available_memory()


def _hebbian_integer(xi: np.ndarray) -> np.ndarray:
    """Exact ``J = Xi^T Xi`` with zero diagonal (int16, or int32 when P > 32767).

    J_ij sums P terms of +-1: every partial sum is an integer of magnitude <= P, exact in
    float32 while P < 2**24 (float32 BLAS, half the memory of float64); float64 beyond.
    """
    p, n = xi.shape
    _args.check_fits(n * n * 6, "patterns", f"the {n} x {n} couplings of {n} neurons")
    ftype = np.float32 if p < _F32_EXACT else np.float64
    xf = xi.astype(ftype)
    J = np.rint(xf.T @ xf)
    np.fill_diagonal(J, 0)
    itype = np.int16 if p <= np.iinfo(np.int16).max else np.int32
    return J.astype(itype)


def _check_patterns(patterns: Any, name: str = "patterns", dense: bool = True) -> np.ndarray:
    a = _args.pattern_matrix(patterns, name)
    n = a.shape[1]
    if dense:
        _args.check_fits(n * n * 14, name, f"the {n} x {n} couplings of {n} neurons")
    if not _plus_minus_one(a):
        raise MemsimError(f"{name} {_args.PM1_ONLY}")
    return np.ascontiguousarray(a, dtype=np.int8)


def _plus_minus_one(a: np.ndarray) -> bool:
    """True when every entry of ``a`` is -1 or +1 (one pass for integer arrays)."""
    if a.dtype == np.int8:
        # one pass, no temporary of the array's size (P N bytes at N = 10**5 and beyond)
        return bool(K.all_plus_minus_one(np.ascontiguousarray(a).reshape(-1)))
    return bool(np.isin(a, (-1, 1)).all())


def hebbian(patterns: np.ndarray) -> Weights:
    """Hebbian storage: ``W_ij = (1/N) sum_mu xi_i^mu xi_j^mu``, ``W_ii = 0``.

    Hopfield (1982) eq. 2 with the 1/N normalisation of Amit, Gutfreund & Sompolinsky (1985).
    The sums are computed exactly in integers (``J = N W``) before the division by N.

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        Patterns as rows, entries -1/+1 (any integer or float dtype; stored as int8).
        P >= 1, N >= 2.

    Returns
    -------
    Weights
        Rule ``"hebbian"``, lazy: the patterns (int8) are kept and the exact integer couplings
        ``J = N W`` (int16, or int32 when P > 32767; scale N, zero thresholds) are formed only
        when asked for (``np.asarray(result)``, the (N, N) float64 matrix W, or recall with
        dense fields), with float32 BLAS (exact: every partial sum is an integer of magnitude
        <= P < 2**24; float64 beyond). Storing takes O(P N) time and memory.

    Raises
    ------
    MemsimError
        If ``patterns`` is not 2-D, has fewer than 1 pattern or 2 neurons, or contains a
        value other than -1/+1. (If the N x N matrix is later asked for and would not fit
        in memory, that request raises MemsimError.)

    References
    ----------
    Hopfield, J. J. (1982). PNAS 79, 2554-2558, eq. 2.
    Amit, Gutfreund & Sompolinsky (1985). Phys. Rev. A 32, 1007 (1/N normalisation).
    """
    xi = _check_patterns(patterns, dense=False)
    n = xi.shape[1]
    return Weights(scale=n, rule="hebbian", patterns=xi, lazy=True)


def _rule_module():
    try:
        from memsim.hopfield import rules
    except ImportError as exc:  # pragma: no cover - only while the rules module is missing
        raise MemsimError(f"storage rule module unavailable: {exc}") from exc
    return rules


def _storkey(patterns: np.ndarray, zero_diagonal: bool = True) -> Weights:
    xi = _check_patterns(patterns)
    w = _rule_module().storkey_weights(xi, zero_diagonal=zero_diagonal)
    return Weights(w, rule="storkey", patterns=xi, info={"zero_diagonal": zero_diagonal})


def _pseudoinverse(patterns: np.ndarray, zero_diagonal: bool = False) -> Weights:
    xi = _check_patterns(patterns)
    w = _rule_module().pseudoinverse_weights(xi, zero_diagonal=zero_diagonal)
    return Weights(w, rule="pseudoinverse", patterns=xi, info={"zero_diagonal": zero_diagonal})


def _covariance(patterns: np.ndarray, activity: float | None = None) -> Weights:
    xi = _check_patterns(patterns)
    w, theta = _rule_module().covariance_weights(xi, activity=activity)
    return Weights(w, rule="covariance", theta=theta, patterns=xi)


def _perceptron(patterns: np.ndarray, **options: Any) -> Weights:
    xi = _check_patterns(patterns)
    w, info = _rule_module().perceptron_weights(xi, **options)
    return Weights(w, rule="perceptron", patterns=xi, symmetric=False, info=info)


def _unlearning(patterns: np.ndarray, **options: Any) -> Weights:
    from memsim.hopfield.dilution import unlearning

    return unlearning(patterns, **options)


#: storage rules by name (``store`` dispatches through this registry)
RULES = {
    "hebbian": hebbian,
    "storkey": _storkey,
    "pseudoinverse": _pseudoinverse,
    "covariance": _covariance,
    "perceptron": _perceptron,
    "unlearning": _unlearning,
}

#: rules that take a ``seed`` option themselves (dilution then shares it)
_SEEDED_RULES = ("perceptron", "unlearning")


def store(patterns: np.ndarray, rule: str = "hebbian", **options: Any) -> Weights:
    """Store patterns in a classical Hopfield network.

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        Patterns as rows, entries -1/+1.
    rule : {"hebbian", "storkey", "pseudoinverse", "covariance", "perceptron", "unlearning"}
        Storage rule (Hopfield 1982; Storkey 1997; Personnaz, Guyon & Dreyfus 1985;
        Tsodyks & Feigel'man 1988; Gardner 1988); ``"unlearning"`` is Hebbian storage followed by
        Hopfield-Feinstein-Palmer dreams (:func:`memsim.hopfield.dilution.unlearning`).
    **options
        Rule options (``zero_diagonal`` for pseudoinverse, ``activity`` for covariance,
        ``kappa``/``max_epochs`` for perceptron, ``dreams``/``epsilon``/``seed``/``max_sweeps``
        for unlearning). ``dilution=C`` (with ``dilution_kind`` "asymmetric" or "symmetric" and
        ``seed``) keeps C connections per neuron after any rule
        (:func:`memsim.hopfield.dilution.dilute`).

    Returns
    -------
    Weights
        ``np.asarray(result)`` is the (N, N) float64 weight matrix W; ``result.theta`` the
        (N,) thresholds; ``result.patterns`` the stored (P, N) int8 patterns.

    Raises
    ------
    MemsimError
        If ``rule`` is unknown; if an option is not one the rule takes (named in the
        message); if ``dilution_kind`` is given without ``dilution``; if ``patterns`` is not
        a 2-D -1/+1 array with P >= 1 and N >= 2 or its couplings would not fit in memory;
        and the errors of the rule itself (:mod:`memsim.hopfield.rules`,
        :func:`memsim.hopfield.dilution.unlearning`) and of
        :func:`memsim.hopfield.dilution.dilute` (e.g. an invalid ``dilution``).

    References
    ----------
    Hopfield, J. J. (1982). PNAS 79, 2554-2558, eq. 2 (Hebbian).
    Storkey, A. (1997). Increasing the capacity of a Hopfield network without sacrificing
    functionality. ICANN'97, 451-456 (storkey).
    Personnaz, Guyon & Dreyfus (1985). J. Physique Lett. 46, L359 (pseudoinverse).
    Tsodyks & Feigel'man (1988). Europhys. Lett. 6, 101 (covariance).
    Gardner, E. (1988). J. Phys. A 21, 257 (perceptron).
    Hopfield, Feinstein & Palmer (1983). Nature 304, 158 (unlearning).
    """
    _args.choice(rule, "storage rule", RULES)
    _check_rule_options(rule, options)
    if "dilution" not in options:
        if "dilution_kind" in options:
            raise MemsimError("dilution_kind needs dilution (connections kept per neuron)")
        return RULES[rule](patterns, **options)
    from memsim.hopfield.dilution import dilute

    c = options.pop("dilution")
    kind = options.pop("dilution_kind", "asymmetric")
    seed = options.get("seed", 0) if rule in _SEEDED_RULES else options.pop("seed", 0)
    return dilute(RULES[rule](patterns, **options), c, kind, seed)


def _check_rule_options(rule: str, options: dict) -> None:
    """Refuse an option the rule does not take, by name (not Python's bare TypeError)."""
    import inspect

    params = inspect.signature(RULES[rule]).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return
    allowed = [n for n in list(params)[1:]] + ["dilution", "dilution_kind"]
    if rule not in _SEEDED_RULES:
        allowed.append("seed")
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise MemsimError(
            f"store: unknown option {unknown[0]!r} for rule {rule!r}; its options: "
            + (", ".join(allowed))
        )


# --------------------------------------------------------------------------------------------
# Recall
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecallResult:
    """Outcome of :func:`recall` for a batch of B cues (all arrays read-only).

    Attributes
    ----------
    states : (B, N) int8
        Final states; (N,) when :func:`recall` was given one cue as a 1-D array (the other
        arrays keep their batch axis, B = 1).
    sweeps : (B,) int
        Sweeps (async: N single-neuron updates each; sync: one parallel update each) performed,
        including the last one that confirmed a fixed point.
    stop : (B,) str
        Why each run stopped: ``"fixed_point"``, ``"cycle"`` (sync 2-cycle) or ``"limit"``.
    energy : (B, max_sweeps + 1) float64
        Energy of the cue (column 0) and after each sweep; NaN after the run stopped.
    overlap : (B, max_sweeps + 1) float64 or None
        Overlap ``m = (1/N) sum_i target_i s_i`` with each cue's target, same layout.
    flips : (B, max_sweeps) int
        Neurons flipped in each sweep (-1 after the run stopped).
    """

    states: np.ndarray
    sweeps: np.ndarray
    stop: np.ndarray
    energy: np.ndarray
    overlap: np.ndarray | None
    flips: np.ndarray
    dynamics: str
    order: str
    temperature: float
    seed: int
    extra: dict = field(default_factory=dict)

    @property
    def converged(self) -> np.ndarray:
        """True where the run ended in a fixed point."""
        return self.stop == "fixed_point"

    @property
    def final_energy(self) -> np.ndarray:
        """(B,) float64: the energy of each final state (the last entry of its trace)."""
        return self.energy[np.arange(len(self.sweeps)), self.sweeps]

    @property
    def final_overlap(self) -> np.ndarray | None:
        """(B,) float64: the overlap of each final state with its target (None without)."""
        if self.overlap is None:
            return None
        return self.overlap[np.arange(len(self.sweeps)), self.sweeps]


def _as_weights(weights: Any, n_expected: int | None = None) -> Weights:
    if isinstance(weights, Weights):
        return weights
    w = _args._as_float(weights, "weights")
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise MemsimError(f"weights must be a square N x N matrix, got shape {w.shape}")
    if not np.isfinite(w).all():
        raise MemsimError("weights contain NaN or inf")
    return Weights(w, rule="user", symmetric=bool(np.array_equal(w, w.T)))


@keeps_thread_count
def recall(
    weights: Weights | np.ndarray,
    cues: np.ndarray,
    dynamics: str = "async",
    order: str = "random",
    max_sweeps: int = 100,
    seed: int = 0,
    *,
    temperature: float = 0.0,
    theta: np.ndarray | None = None,
    targets: np.ndarray | bool | None = None,
    clamp: np.ndarray | None = None,
    record_states: bool = False,
    threads: int | None = None,
    stream: tuple[int, ...] = (),
    warn: bool = True,
    fields: str = "auto",
) -> RecallResult:
    """Run Hopfield dynamics from each cue until a fixed point, a 2-cycle or the sweep limit.

    Parameters
    ----------
    weights : Weights or (N, N) array
        From :func:`store`, or any square matrix (used as float64).
    cues : (B, N) or (N,) array of -1/+1
        Initial states.
    dynamics : {"async", "sync"}
        Asynchronous: one neuron at a time, ``s_i <- sgn(h_i - theta_i)`` (Hopfield 1982).
        Synchronous: ``s <- sgn(W s - theta)`` for all neurons at once (Little 1974); may end in a
        2-cycle, which is detected and reported.
    order : {"random", "fixed"}
        Async update order: a fresh random permutation each sweep (from the cue's own stream) or
        0..N-1.
    max_sweeps : int
        Limit on sweeps (async) or parallel steps (sync).
    seed : int
        Seed; cue b uses the stream derived from ``(seed, *stream, b)``, so results do not depend
        on the thread count or on which other cues are in the batch.
    temperature : float
        0 for deterministic dynamics; T > 0 for Glauber heat-bath dynamics,
        P(s_i = +1) = 1 / (1 + exp(-2 (h_i - theta_i) / T)). At T > 0 all sweeps are run.
    theta : (N,) array, optional
        Thresholds; defaults to ``weights.theta``.
    targets : (B, N) or (N,) array, optional
        Pattern each cue should retrieve, for the overlap trace. Default: when ``weights``
        keeps the stored patterns (every rule of :func:`store`), the stored pattern each cue
        overlaps most at the start; otherwise no overlap trace (``overlap`` is None).
        ``targets=False``: no overlap trace (slightly faster).
    clamp : (B, N) or (N,) bool array, optional
        Neurons held at their cue value throughout (a partial cue whose known part is
        clamped); the other neurons follow the dynamics.
    record_states : bool
        Keep the state after every sweep (``result.extra["states"]``, shape
        (B, max_sweeps + 1, N), rows after the stop repeat the final state); for animations.
    threads : int, optional
        Numba thread count for this call.
    stream : tuple of int
        Extra keys for the random streams (e.g. a trial index).
    warn : bool
        Emit a :class:`~memsim.errors.ConvergenceWarning` when, at T = 0, some cue reaches
        ``max_sweeps`` without a fixed point or 2-cycle.
    fields : {"auto", "low_rank", "dense"}
        How asynchronous dynamics keep the local fields (Hebbian weights; other rules are
        always dense). ``"dense"``: all N fields kept, a check O(1), a flip O(N) (forms the
        N x N couplings if the lazy weights do not hold them yet). ``"low_rank"``: the P
        overlaps kept, a check and a flip O(P) each, memory O(P N). ``"auto"`` picks the
        cheaper by :func:`field_scheme_costs` (low rank when J would not fit in memory).
        Both give bit-identical results (exact integer fields). The low-rank scheme at T = 0
        skips checks whose outcome a bound already decides (each flip moves another field
        by at most 2 P / N), which changes no result. Synchronous dynamics compute each
        step's fields from the overlaps when P < N/2 or J is not formed (exact float
        products), keeping the overlaps and updating them by the neurons that changed.

    Returns
    -------
    RecallResult
        ``states`` (B, N) int8 (or (N,) for a single cue): final states; ``sweeps`` (B,)
        int64; ``stop`` (B,) of ``"fixed_point"``/``"cycle"``/``"limit"``; ``energy``
        (B, max_sweeps + 1) float64 trace (NaN after the stop); ``overlap`` (B,
        max_sweeps + 1) float64 overlap with the target, or None; ``flips`` (B, max_sweeps)
        int64 flips per sweep (-1 after the stop); ``extra["fields"]`` the field scheme used
        by asynchronous dynamics ("low_rank" or "dense"), ``extra["states"]`` the recorded
        states.

    Raises
    ------
    MemsimError
        If ``weights`` is not a square matrix or contains NaN/inf; if ``cues`` does not have
        shape (B, N) or (N,) or holds a value other than -1/+1; if ``dynamics`` or ``order``
        is unknown; if ``max_sweeps`` is not an integer >= 1; if ``temperature`` is negative
        or not finite; if ``theta`` does not have shape (N,) or is not finite; if
        ``targets`` or ``clamp`` has the wrong shape (``clamp`` also if not boolean); if the
        traces for ``max_sweeps`` would not fit in memory; if ``seed``, ``stream`` or
        ``threads`` is not a valid integer (``threads`` >= 1); if ``fields`` is unknown, or
        ``"low_rank"`` for weights that are not Hebbian.

    Warns
    -----
    ConvergenceWarning
        When ``warn`` is true, T = 0 and some cue stopped at the sweep limit.

    References
    ----------
    Hopfield, J. J. (1982). PNAS 79, 2554-2558 (asynchronous dynamics, eq. 1).
    Little, W. A. (1974). Math. Biosci. 19, 101-120 (synchronous dynamics).
    Glauber, R. J. (1963). J. Math. Phys. 4, 294 (heat-bath dynamics at T > 0).
    Amit, Gutfreund & Sompolinsky (1985). Phys. Rev. A 32, 1007 (overlaps).
    """
    W = _as_weights(weights)
    n = W.n
    S, single = _args.state_rows(cues, n, "cues", "the weights")
    if not _plus_minus_one(S):
        raise MemsimError("cues must contain only -1 and +1")
    _args.choice(fields, "fields", FIELD_SCHEMES)
    if fields == "low_rank" and not W._has_low_rank():
        raise MemsimError(
            f"fields='low_rank' needs Hebbian weights that keep their patterns (rule "
            f"{W.rule!r} has no low-rank form); use fields='auto' or 'dense'"
        )
    _args.choice(dynamics, "dynamics", DYNAMICS, _GLAUBER_HINT)
    _args.choice(order, "update order", ORDERS)
    max_sweeps = _args.integer(max_sweeps, "max_sweeps", low=1)
    temperature = _args.real(temperature, "temperature", low=0)
    th = W.theta if theta is None else _args._as_float(theta, "theta")
    if th.shape != (n,):
        raise MemsimError(f"theta must have shape ({n},), got {th.shape}")
    if not np.isfinite(th).all():
        raise MemsimError("theta (the thresholds) must be finite numbers; got NaN or inf")
    b_count = S.shape[0]
    _args.check_fits(
        b_count * (max_sweeps + 1) * 8 * 3, "max_sweeps", "the energy, overlap and flip traces"
    )
    S = np.ascontiguousarray(S, dtype=np.int8).copy()
    if targets is True:
        targets = None
    if threads is not None:
        set_threads(threads)  # before the first threaded step (the initial fields)
    MH = None  # overlaps and fields of the cues, when the low-rank product gives them
    if dynamics == "async" and W._low_rank():
        MH = W._overlaps_and_fields(S)
    if targets is None and W.patterns is not None and len(W.patterns):
        # the cued patterns are known when the weights keep the stored patterns: each cue's
        # target is the stored pattern it overlaps most (the first of equals); the overlaps
        # are exact integers (float32 sums below N < 2**24)
        if MH is not None:
            M0 = MH[0]
        else:
            M0 = S.astype(np.float64) @ W.patterns.T.astype(np.float64)
        T = np.ascontiguousarray(W.patterns[np.argmax(M0, axis=1)])
        T = T.astype(np.int8, copy=False)
    elif targets is None or targets is False:
        T = np.zeros((b_count, 0), dtype=np.int8)
    else:
        T = np.asarray(targets)
        if T.ndim == 1:
            T = np.broadcast_to(T, (b_count, T.shape[0]))
        if T.shape != (b_count, n):
            raise MemsimError(f"targets must have shape ({b_count}, {n}), got {T.shape}")
        T = np.ascontiguousarray(T, dtype=np.int8)
    if clamp is None:
        C = np.zeros((b_count, 0), dtype=np.bool_)
    else:
        C = np.asarray(clamp)
        if C.ndim == 1:
            C = np.broadcast_to(C, (b_count, C.shape[0]))
        if C.shape != (b_count, n) or C.dtype != np.bool_:
            raise MemsimError(f"clamp must be a boolean array of shape ({b_count}, {n}) or ({n},)")
        C = np.ascontiguousarray(C)

    scale = W._scale()
    theta_s = th * scale
    rngs = stream_states(seed, tuple(stream), b_count)
    # non-symmetric couplings (perceptron rule): the incremental energy update assumes symmetry,
    # so the states of every sweep are kept and the energy is evaluated from them exactly
    trace = _trace_buffers(b_count, n, max_sweeps, record_states or not W.symmetric)
    etrace, overlap, flips, sweeps, stop, frames = trace

    if dynamics == "async":
        H = MH[1] if MH is not None else W._fields(S)
        scheme, cost = _choose_fields(W, fields, S, H, theta_s, temperature, max_sweeps)
        if scheme == "low_rank":
            J = np.zeros((0, n), dtype=np.int16)
            # the overlaps stay in the exact arithmetic type of the fields (float32 while
            # N P < 2**24), and the transposed patterns come in the same type
            M0 = MH[0] if MH is not None else W._overlaps_and_fields(S)[0]
            xiT = W._xiT(M0.dtype.type)
            xi = W._float_patterns(M0.dtype.type)
            M = np.zeros((b_count, xiT.shape[1]), dtype=M0.dtype)  # zero padding columns
            M[:, : M0.shape[1]] = M0
            diag = np.zeros(n)
        else:
            J, _ = W._couplings()
            xi = xiT = np.zeros((0, 0), dtype=np.int8)
            M = np.zeros((b_count, 0))
            diag = np.ascontiguousarray(np.diagonal(J)).astype(np.float64)
        if not np.issubdtype(H.dtype, np.integer) and not W._has_low_rank():
            H = H.astype(np.float64)
        # Hebbian fields are float32 while |h| <= (N - 1) P < 2**24 (exact integers; their
        # updates vectorise better than int32, which numba widens to int64), else float64
        per_cue = (M, S, H, rngs, T, C, *trace)
        random_order = order == "random"

        def run(lo: int, hi: int) -> None:
            m, s, h, r, t, c, *tr = (a[lo:hi] for a in per_cue)
            K.async_batch(
                J, xi, xiT, m, scale, theta_s, diag, s, h, random_order, max_sweeps,
                temperature, r, t, c, *tr, _REFRESH_FLIPS,
            )  # fmt: skip

        # cues are independent (each its own random stream): chunks of them are shared out
        # between the calling thread and helper threads when the work is worth waking them;
        # every cue runs the same serial kernel, so the bits do not depend on the thread count
        _threads.share(run, b_count, cost)
    else:
        _sync(W, S, theta_s, scale, temperature, rngs, T, C, max_sweeps, trace)

    if not W.symmetric:
        _fill_frames(frames, sweeps)
        for b in range(b_count):
            k = int(sweeps[b]) + 1
            etrace[b, :k] = energy(W, frames[b, :k], th)
    if T.shape[1] == 0:
        ov = None
    else:
        ov = _readonly(overlap)
    stop_names = np.asarray(STOP_REASONS)[stop]
    extra: dict[str, Any] = {}
    if record_states:
        extra["states"] = _readonly(_fill_frames(frames, sweeps))
    if dynamics == "async":
        extra["fields"] = scheme
    if warn and temperature == 0.0 and (stop == K.LIMIT).any():
        k = int((stop == K.LIMIT).sum())
        warnings.warn(
            f"{k} of {b_count} cues reached max_sweeps={max_sweeps} without a fixed point",
            ConvergenceWarning,
            stacklevel=2,
        )
    return RecallResult(
        states=_readonly(S[0].copy() if single else S),
        sweeps=_readonly(sweeps),
        stop=_readonly(stop_names),
        energy=_readonly(etrace),
        overlap=ov,
        flips=_readonly(flips),
        dynamics=dynamics,
        order=order,
        temperature=temperature,
        seed=int(seed),
        extra=extra,
    )


#: low-rank asynchronous recall at T = 0 starts a sweep by recomputing all N fields (one pass
#: over the patterns, cheaper than N separate checks) when the previous sweep flipped at least
#: this many neurons; after fewer flips most checks are skipped (their outcome is known). Only
#: the time depends on it.
_REFRESH_FLIPS = 8


def _choose_fields(W, fields, S, H, theta_s, temperature, max_sweeps) -> tuple[str, float]:
    """Field scheme of asynchronous recall (the option, or the cheaper by the cost model) and
    the estimated time of the recall in ns (which decides whether threads are worth waking)."""
    n = W.n
    p = W.patterns.shape[0] if W.patterns is not None else n
    # expected flips: the neurons unstable in the cue (a lower bound; at T > 0 every sweep)
    unstable = float(K.count_unstable(S, H, theta_s)) / max(S.shape[0], 1)
    sweeps = EXPECTED_SWEEPS if temperature == 0.0 else max_sweeps
    if temperature > 0.0:
        unstable = max(unstable, 0.5 * n) * max_sweeps
    formed = W.formed
    c = field_scheme_costs(n, p, S.shape[0], unstable, sweeps, formed)
    if not W._has_low_rank() or fields == "dense":
        return "dense", c["dense"]
    if fields == "low_rank" or (not formed and not _dense_fits(n)):
        return "low_rank", c["low_rank"]
    scheme = "dense" if c["dense"] < c["low_rank"] else "low_rank"
    return scheme, c[scheme]


def _fill_frames(frames: np.ndarray, sweeps: np.ndarray) -> np.ndarray:
    if frames.flags.writeable:
        for b in range(frames.shape[0]):
            frames[b, sweeps[b] + 1 :] = frames[b, sweeps[b]]
    return frames


def _trace_buffers(b_count: int, n: int, max_sweeps: int, keep_states: bool) -> tuple:
    """The per-cue outputs both dynamics fill, in the order of the recall kernels' arguments:
    energy and overlap (B, max_sweeps + 1) NaN, flips (B, max_sweeps) -1, sweeps and stop (B,)
    zero, and the int8 states of every sweep (B, max_sweeps + 1, N), or (B, 0, N) when
    ``keep_states`` is false."""
    return (
        np.full((b_count, max_sweeps + 1), np.nan),
        np.full((b_count, max_sweeps + 1), np.nan),
        np.full((b_count, max_sweeps), -1, dtype=np.int64),
        np.zeros(b_count, dtype=np.int64),
        np.zeros(b_count, dtype=np.int64),
        np.zeros((b_count, max_sweeps + 1 if keep_states else 0, n), dtype=np.int8),
    )


def _sync(W, S, theta_s, scale, temperature, rngs, T, C, max_sweeps, trace):
    """Synchronous dynamics over the still-active cues (Python loop over steps, Numba fields);
    fills the buffers ``trace`` of :func:`_trace_buffers`."""
    energy, overlap, flips, sweeps, stop, frames = trace
    b_count, n = S.shape
    prev = S.copy()
    active = np.arange(b_count)
    have_t = T.shape[1] == n
    record = frames.shape[1] > 0
    # low-rank (Hebbian) fields: the overlaps of every cue are kept and updated by the few
    # neurons each step changes (O(P) per change); each step then needs only H = M Xi - P S
    M = None
    for t in range(max_sweeps + 1):
        if active.size == 0:
            break
        Sa = S[active]
        if record:
            frames[active, t] = Sa
        if not W._low_rank():
            H = W._fields(Sa, blas=True)
        elif M is None:
            M, H = W._overlaps_and_fields(Sa)
        else:
            H = W._fields_from_overlaps(Sa, M[active])
        e = np.empty(active.size)
        K.energies(Sa, H, theta_s, scale, e)
        energy[active, t] = e
        if have_t:
            overlap[active, t] = (T[active].astype(np.int64) * Sa).sum(axis=1) / n
        if t == max_sweeps:
            stop[active] = K.LIMIT
            break
        new = np.empty_like(Sa)
        r = rngs[active]
        K.sign_update(H, theta_s, Sa, new, temperature, scale, r, C[active])
        rngs[active] = r
        flips[active, t] = (new != Sa).sum(axis=1)
        if M is not None:
            Ma = M[active]
            K.update_overlaps(W._xiT(), Sa, new, Ma)
            M[active] = Ma
        sweeps[active] = t + 1
        if temperature == 0.0:
            fixed = np.empty(active.size, dtype=np.bool_)
            K.rows_equal(new, Sa, fixed)
            cyc = np.zeros(active.size, dtype=np.bool_)
            if t >= 1:
                K.rows_equal(new, prev[active], cyc)
                cyc &= ~fixed
        else:
            fixed = np.zeros(active.size, dtype=np.bool_)
            cyc = fixed
        prev[active] = Sa
        S[active] = new
        done = fixed | cyc
        if done.any():
            fi = active[fixed]
            stop[fi] = K.FIXED_POINT
            energy[fi, t + 1] = energy[fi, t]
            if have_t:
                overlap[fi, t + 1] = overlap[fi, t]
            ci = active[cyc]
            stop[ci] = K.CYCLE
            energy[ci, t + 1] = energy[ci, t - 1]
            if have_t:
                overlap[ci, t + 1] = overlap[ci, t - 1]
        active = active[~done]
    if record:
        frames[np.arange(b_count), sweeps] = S


def energy(
    weights: Weights | np.ndarray, states: np.ndarray, theta: np.ndarray | None = None
) -> np.ndarray:
    """Energy ``E(s) = -1/2 s^T W s + theta . s`` of each state.

    Non-symmetric weights (perceptron rule) use their symmetric part (the quadratic form is the
    same); for them asynchronous dynamics need not lower E, which the trace then shows. Lazy
    Hebbian weights of more than 4096 neurons whose matrix is not formed use the overlaps,
    ``s^T W s = (sum_mu (xi^mu . s)^2 - P |s|^2) / N``, instead of forming it.

    Parameters
    ----------
    weights : Weights or array_like, shape (N, N)
        From :func:`store`, or any square finite matrix (used as float64).
    states : array_like, shape (B, N) or (N,)
        States, usually -1/+1 (any numeric values are accepted).
    theta : array_like, shape (N,), optional
        Thresholds; defaults to ``weights.theta`` (zeros for a plain matrix).

    Returns
    -------
    ndarray of float64, shape (B,), or float
        Energy of each state (a scalar for a single (N,) state).

    Raises
    ------
    MemsimError
        If ``weights`` is not square or contains NaN/inf, or if ``states`` does not have N
        columns. A ``theta`` of the wrong length raises numpy's own ValueError.

    References
    ----------
    Hopfield, J. J. (1982). PNAS 79, 2554-2558, eq. 7 (with thresholds).
    """
    W = _as_weights(weights)
    S = _args._as_float(states, "states")
    single = S.ndim == 1
    S2 = np.atleast_2d(S)
    if S2.ndim != 2 or S2.shape[1] != W.n:
        raise MemsimError(f"states must have {W.n} columns, got shape {S.shape}")
    th = W.theta if theta is None else _args._as_float(theta, "theta")
    if W._has_low_rank() and not W.formed and W.n > _ENERGY_DENSE_MAX_N:
        # lazy Hebbian weights of a large network: s^T J s = |Xi s|^2 - P |s|^2 (J = N W),
        # without forming the N x N matrix
        M = S2 @ W.patterns.T.astype(np.float64)
        quad = np.einsum("bm,bm->b", M, M) - W.patterns.shape[0] * (S2 * S2).sum(axis=1)
        e = -0.5 * quad / W.scale + S2 @ th
    else:
        e = -0.5 * np.einsum("bi,bi->b", S2 @ W.matrix.T, S2) + S2 @ th
    return e[0] if single else e


#: above this N, :func:`energy` of lazy Hebbian weights uses the P overlaps instead of forming
#: the N x N matrix (the same values up to float64 rounding)
_ENERGY_DENSE_MAX_N = 4096


def overlaps(patterns: np.ndarray, states: np.ndarray) -> np.ndarray:
    """Overlaps ``m^mu = (1/N) sum_i xi_i^mu s_i`` of each state with each pattern.

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        Patterns as rows (usually -1/+1), any numeric dtype.
    states : array_like, shape (B, N) or (N,)
        States (usually -1/+1), any numeric dtype.

    Returns
    -------
    ndarray of float64, shape (B, P)
        Overlaps in [-1, 1] for -1/+1 data (1: retrieval, -1: the reversed pattern). A single
        (N,) state gives shape (1, P).

    Raises
    ------
    MemsimError
        If ``patterns`` or ``states`` is not numeric, if ``patterns`` is not 2-D with N >= 1,
        or if ``states`` does not have the same N columns.

    References
    ----------
    Amit, Gutfreund & Sompolinsky (1985). Phys. Rev. A 32, 1007 (overlap m^mu).
    """
    try:
        xi = np.asarray(patterns, dtype=np.float64)
        S = np.atleast_2d(np.asarray(states, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise MemsimError(f"patterns and states must be numeric arrays ({exc})") from None
    if xi.ndim != 2 or xi.shape[1] < 1:
        raise MemsimError(f"patterns must be a 2-D array (P x N), got shape {xi.shape}")
    if S.ndim != 2 or S.shape[1] != xi.shape[1]:
        raise MemsimError(
            f"states must have N = {xi.shape[1]} columns like the patterns, got shape {S.shape}"
        )
    return S @ xi.T / xi.shape[1]
