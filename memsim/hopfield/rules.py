"""Storage rules of the classical Hopfield network other than the Hebbian rule.

``memsim.hopfield.store(patterns, rule=...)`` dispatches here for ``"storkey"``,
``"pseudoinverse"``, ``"covariance"`` and ``"perceptron"``; the functions can also be called
directly. Patterns are rows of a P x N array with entries -1/+1; weights are float64 N x N
(the rules need real arithmetic, and float64 keeps the exact fixed-point properties tested to
1e-9). The network convention is that of :mod:`memsim.hopfield.classical`: field
``h_i = sum_j W_ij s_j``, update ``s_i <- sgn(h_i - theta_i)``.

References
----------
Storkey, A. (1997). Increasing the capacity of a Hopfield network without sacrificing
functionality. ICANN'97, LNCS 1327, 451-456.
Personnaz, Guyon & Dreyfus (1985), J. Physique Lett. 46, L359; Kanter & Sompolinsky (1987),
Phys. Rev. A 35, 380 (pseudo-inverse / projection rule).
Tsodyks & Feigel'man (1988). The enhanced storage capacity in neural networks with low activity
level. Europhys. Lett. 6, 101-105.
Gardner, E. (1988). The space of interactions in neural network models. J. Phys. A 21, 257.
Diederich & Opper (1987). Learning of correlated patterns in spin-glass networks by local
learning rules. Phys. Rev. Lett. 58, 949.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import scipy.linalg

from memsim import _checks
from memsim._rng import stream_states
from memsim.errors import ConvergenceWarning, MemsimError, MemsimWarning
from memsim.hopfield import _rule_kernels as RK
from memsim.theory import gardner_capacity

__all__ = [
    "covariance_weights",
    "perceptron_weights",
    "pseudoinverse_weights",
    "storkey_weights",
]

#: condition number of the pattern overlap matrix Xi Xi^T above which the pseudo-inverse rule
#: warns and switches from a linear solve to the SVD pseudo-inverse
PSEUDOINVERSE_MAX_CONDITION = 1e10

#: network size from which Storkey learning runs rows in parallel. Each pattern is one parallel
#: region (a synchronisation point); below this size the work per region is too small and, on a
#: busy machine, a descheduled thread stalls every pattern. Both paths give the same bits.
STORKEY_PARALLEL_MIN_N = 1000

#: stream key of the perceptron's per-neuron presentation orders (``memsim._rng.stream_states``)
PERCEPTRON_STREAM_KEY = 0x5045


def _check_patterns(patterns: Any, name: str = "patterns") -> np.ndarray:
    a = _checks.pattern_matrix(patterns, name)
    if a.dtype.kind not in "biuf" or not np.isin(a, (-1, 1)).all():
        raise MemsimError(f"{name} {_checks.PM1_ONLY}")
    return np.ascontiguousarray(a, dtype=np.int8)


# --------------------------------------------------------------------------------------------
# Storkey
# --------------------------------------------------------------------------------------------


def storkey_weights(patterns: np.ndarray, zero_diagonal: bool = True) -> np.ndarray:
    """Storkey (1997) learning rule: local, incremental, capacity about N / sqrt(2 ln N).

    Starting from W = 0, each pattern xi = xi^nu in turn updates every weight (Storkey 1997)::

        W_ij <- W_ij + (1/N) xi_i xi_j - (1/N) xi_i h_ji - (1/N) h_ij xi_j,
        h_ij  = sum_{k != i, j} W_ik xi_k,

    all terms on the right taken from the weights before this pattern. Both the i- and the
    j-term are excluded from the sum (``k != i, j``), so the diagonal W_ii never enters an
    off-diagonal update. The result is symmetric (bitwise).

    Diagonal: the rule as written with i = j gives W_ii <- W_ii + (1/N)(1 - 2 xi_i h_ii). By
    default (``zero_diagonal=True``) memsim keeps W_ii = 0 -- the classical convention for the
    dynamics (asynchronous updates of a symmetric W with W_ii >= 0 descend the energy, and the
    capacity N / sqrt(2 ln N) refers to sgn(W xi) with no self-coupling). Because of the
    exclusion the choice changes only the diagonal, never the off-diagonal weights.

    Cost O(P N^2): the fields h_i = sum_k W_ik xi_k are computed once per pattern and corrected
    for the exclusions (h_ij = h_i - W_ii xi_i - W_ij xi_j); rows are updated in parallel for
    N >= ``STORKEY_PARALLEL_MIN_N`` (bitwise the same result as the serial path).

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        Patterns as rows, entries -1/+1.
    zero_diagonal : bool
        Keep W_ii = 0 (default) or apply the rule to the diagonal too.

    Returns
    -------
    ndarray, shape (N, N), float64
        Symmetric weights W.

    Raises
    ------
    MemsimError
        If ``patterns`` is not a 2-D numeric array, has fewer than 1 pattern or 2 neurons, or
        contains a value other than -1/+1.

    References
    ----------
    Storkey, A. (1997). Increasing the capacity of a Hopfield network without sacrificing
    functionality. ICANN'97, LNCS 1327, 451-456 (the update rule and local field h_ij above).
    """
    xi = _check_patterns(patterns)
    n = xi.shape[1]
    W = np.zeros((n, n), dtype=np.float64)
    if n >= STORKEY_PARALLEL_MIN_N:
        RK.storkey_learn(xi, W, bool(zero_diagonal))
    else:
        RK.storkey_learn_serial(xi, W, bool(zero_diagonal))
    return W


# --------------------------------------------------------------------------------------------
# Pseudo-inverse
# --------------------------------------------------------------------------------------------


def pseudoinverse_weights(patterns: np.ndarray, zero_diagonal: bool = False) -> np.ndarray:
    """Pseudo-inverse (projection) rule: ``W = Xi^T (Xi Xi^T)^(-1) Xi``.

    Personnaz, Guyon & Dreyfus (1985); Kanter & Sompolinsky (1987).
    Xi is the P x N pattern matrix (rows = patterns). W is the orthogonal projector onto the
    span of the stored patterns, so every stored pattern satisfies ``W xi = xi`` exactly and is a
    fixed point of ``sgn`` dynamics; the capacity is N linearly independent patterns.

    Computed in float64 by solving ``(Xi Xi^T) X = Xi`` (Cholesky; no explicit inverse) and
    symmetrised. If the patterns are linearly dependent or the overlap matrix is ill-conditioned
    (condition number above ``PSEUDOINVERSE_MAX_CONDITION``; always when P > N) a
    :class:`~memsim.errors.MemsimWarning` is issued and ``W = pinv(Xi) Xi`` (SVD) is used: the
    projector onto the span, which still fixes every stored pattern.

    Zeroing the diagonal (``zero_diagonal=True``) breaks the exact fixed-point property:
    ``(W xi)_i = (1 - P_ii) xi_i`` with P the projector, so ``W xi != xi``. The signs survive
    (0 <= P_ii < 1 unless the unit vector e_i lies in the span), so stored patterns stay fixed
    points of sgn dynamics, but fields, energies and basins change.

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        As in :func:`storkey_weights`.
    zero_diagonal : bool
        Set W_ii = 0 after computing the projector (default False).

    Returns
    -------
    ndarray, shape (N, N), float64
        Symmetric weights W (the projector onto the span of the patterns, diagonal zeroed if
        requested).

    Raises
    ------
    MemsimError
        For the ``patterns`` that :func:`storkey_weights` refuses.

    Warns
    -----
    MemsimWarning
        If the patterns are linearly dependent (always when P > N) or their overlap matrix has
        a condition number above ``PSEUDOINVERSE_MAX_CONDITION`` (the SVD path is then used).

    References
    ----------
    Personnaz, L., Guyon, I. & Dreyfus, G. (1985). Information storage and retrieval in
    spin-glass like neural networks. J. Physique Lett. 46, L359-L365.
    Kanter, I. & Sompolinsky, H. (1987). Associative recall of memory without errors.
    Phys. Rev. A 35, 380-392.
    """
    xi = _check_patterns(patterns)
    p, n = xi.shape
    X = xi.astype(np.float64)
    C = X @ X.T  # exact: integer entries
    sv = np.linalg.svd(X, compute_uv=False)
    tol = max(p, n) * np.finfo(np.float64).eps * sv[0]
    rank = int(np.sum(sv > tol))
    cond = math.inf if rank < p else float((sv[0] / sv[-1]) ** 2)
    W = None
    if rank == p and cond <= PSEUDOINVERSE_MAX_CONDITION:
        try:
            W = X.T @ scipy.linalg.solve(C, X, assume_a="pos")
        except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):  # pragma: no cover
            W = None
    if W is None:
        if rank < p:
            why = f"the {p} patterns are linearly dependent (rank {rank})" + (
                f": P = {p} > N = {n}" if p > n else ""
            )
        else:
            why = f"the pattern overlap matrix is ill-conditioned (condition number {cond:.3g})"
        warnings.warn(
            f"pseudoinverse rule: {why}; using the SVD pseudo-inverse (projector onto the span)",
            MemsimWarning,
            stacklevel=2,
        )
        W = np.linalg.pinv(X, rcond=tol / sv[0]) @ X
    W = 0.5 * (W + W.T)
    if zero_diagonal:
        np.fill_diagonal(W, 0.0)
    return np.ascontiguousarray(W)


# --------------------------------------------------------------------------------------------
# Covariance rule for biased patterns
# --------------------------------------------------------------------------------------------


def covariance_weights(
    patterns: np.ndarray, activity: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Covariance rule with the matching threshold for biased patterns (Tsodyks & Feigel'man 1988).

    With +-1 patterns of activity ``a`` (fraction of +1 entries) and mean ``b = 2a - 1``::

        W_ij    = (1/N) sum_mu (xi_i^mu - b)(xi_j^mu - b),    W_ii = 0,
        theta_i = b * (sum_j W_ij - (1 - b^2)),

    used as ``s_i <- sgn(sum_j W_ij s_j - theta_i)``. Equivalently the neuron compares the
    centred field with a constant: ``sum_j W_ij (s_j - b) > -b (1 - b^2)``.

    Derivation (0/1 formulation of Tsodyks & Feigel'man). With V = (1 + s)/2, patterns
    eta = (1 + xi)/2 of mean a, and J_ij = 1/(N a (1-a)) sum_mu (eta_i - a)(eta_j - a), the
    field measured from the mean activity, ``H_i = sum_j J_ij (V_j - a)``, has in pattern
    eta^nu the signal ``eta_i^nu - a`` (1 - a on active, -a on inactive units) plus zero-mean
    crosstalk from the other patterns; the threshold halfway between the two signal levels is
    ``U = 1/2 - a`` and the rule is V_i <- Theta(H_i - U), i.e. the 0/1 threshold on the raw field
    sum_j J_ij V_j is ``U_i = 1/2 - a + a sum_j J_ij``. Converting with xi - b = 2 (eta - a),
    s - b = 2 (V - a): ``W = 4 a (1-a) J`` and ``sum_j W_ij (s_j - b) = 8 a (1-a) H_i``, so
    H_i > U becomes ``sum_j W_ij (s_j - b) > 8 a(1-a)(1/2 - a) = -b (1 - b^2)``, which is the
    theta_i above (with 4 a (1 - a) = 1 - b^2). In the +-1 picture: at s = xi^nu,
    ``h_i - theta_i = (1 - b^2) xi_i^nu + crosstalk``, a symmetric margin for both bit values.

    (Thresholding the raw 0/1 field with the constant U = 1/2 - a, i.e.
    ``theta_i = -b (1 - b^2) - sum_j W_ij``, has the same mean signal but 1 / (1 - a) times the
    crosstalk variance; the two agree as a -> 0. For b = 0 both this rule and the centred form
    reduce to the Hebbian rule with zero threshold.)

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        Patterns as rows, entries -1/+1.
    activity : float, optional
        Fraction ``a`` of +1 entries the patterns were drawn with, in (0, 1). Default: the
        fraction in ``patterns`` (all entries).

    Returns
    -------
    W : ndarray, shape (N, N), float64
        Symmetric, zero diagonal.
    theta : ndarray, shape (N,), float64
        Thresholds.

    Raises
    ------
    MemsimError
        If ``patterns`` is not a 2-D numeric array, has fewer than 1 pattern or 2 neurons, or
        contains a value other than -1/+1.
        If ``activity`` is not a number strictly between 0 and 1, or (``activity=None``) if
        every entry of ``patterns`` is +1 or every entry is -1.

    References
    ----------
    Tsodyks, M. V. & Feigel'man, M. V. (1988). The enhanced storage capacity in neural networks
    with low activity level. Europhys. Lett. 6, 101-105 (covariance couplings and threshold).
    """
    xi = _check_patterns(patterns)
    p, n = xi.shape
    if activity is None:
        a = float(np.mean(xi == 1))
        if a <= 0.0 or a >= 1.0:
            raise MemsimError(
                "covariance rule: the patterns are all +1 or all -1 (activity "
                f"{a}); pass activity= in (0, 1) explicitly"
            )
    else:
        try:
            a = float(activity)
        except (TypeError, ValueError) as exc:
            raise MemsimError(f"activity must be a number in (0, 1), got {activity!r}") from exc
        if not (0.0 < a < 1.0):
            raise MemsimError(f"activity must lie strictly between 0 and 1, got {activity!r}")
    b = 2.0 * a - 1.0
    D = xi.astype(np.float64) - b
    W = (D.T @ D) / n
    np.fill_diagonal(W, 0.0)
    W = 0.5 * (W + W.T)
    theta = b * (W.sum(axis=1) - (1.0 - b * b))
    return np.ascontiguousarray(W), theta


# --------------------------------------------------------------------------------------------
# Perceptron / Gardner learning
# --------------------------------------------------------------------------------------------


def perceptron_weights(
    patterns: np.ndarray,
    kappa: float = 0.0,
    max_epochs: int = 1000,
    learning_rate: float = 1.0,
    seed: int = 0,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Per-neuron perceptron learning with stability margin kappa (non-symmetric couplings).

    Gardner (1988); Diederich & Opper (1987); Krauth & Mezard (1987) for the margin version.
    Each neuron i learns its own row W_i (``W_ii = 0``; W is not symmetric) so that every stored
    pattern is stable with margin kappa::

        xi_i^mu h_i^mu > kappa |W_i|,   h_i^mu = sum_{j != i} W_ij xi_j^mu,
        |W_i| = sqrt(sum_j W_ij^2).

    This is Gardner's stability Delta = xi_i h_i sqrt(N) / (``|J_i|`` sqrt(N)) with spherical
    couplings ``|J_i|^2 = N``: kappa here is Gardner's kappa, the capacity is
    ``alpha_c(kappa)`` of :func:`memsim.theory.gardner_capacity` (2N patterns at kappa = 0, up
    to the N - 1 inputs per neuron). The inequality is strict, so at kappa = 0 a zero field
    counts as unstable and converged weights make every pattern a fixed point under any sgn(0)
    convention.

    Learning: W starts at 0; each epoch presents the patterns in a random order (per-neuron
    streams from ``seed``; the result does not depend on the thread count) and every unstable
    example triggers the perceptron step ``W_ij += (learning_rate / N) xi_i^mu xi_j^mu``
    (j != i). Training of a neuron stops after an epoch without updates or after
    ``max_epochs``. If patterns with a margin larger than kappa exist the normalised-margin
    perceptron converges (Novikoff-type bound); near capacity it needs many epochs. Because W
    starts at zero and the stability condition is scale invariant, ``learning_rate`` only scales
    the final W (the integer steps are accumulated exactly, then multiplied by
    ``learning_rate / N``).

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        Patterns as rows, entries -1/+1.
    kappa : float
        Stability margin (Gardner's kappa); may be negative.
    max_epochs : int
        Maximum passes over the patterns per neuron (>= 1).
    learning_rate : float
        Step size (> 0); only scales W (see above).
    seed : int
        Seed of the presentation orders.

    Returns
    -------
    W : ndarray, shape (N, N), float64
        Couplings, row i = inputs of neuron i; zero diagonal.
    info : dict
        ``converged`` (bool, every pattern stable for every neuron), ``epochs`` (int, largest
        number of epochs with updates over the neurons), ``unstable`` (int, unstable
        (neuron, pattern) pairs at the end), ``kappa`` (float).

    Raises
    ------
    MemsimError
        If ``patterns`` is not a 2-D numeric array, has fewer than 1 pattern or 2 neurons, or
        contains a value other than -1/+1.
        If ``kappa`` is not a finite number; if ``max_epochs`` is not an integer >= 1; if
        ``learning_rate`` is not a finite number > 0; if ``seed`` is not a non-negative
        integer.

    Warns
    -----
    MemsimWarning
        If P exceeds the Gardner capacity ``alpha_c(kappa) (N - 1)`` (learning cannot converge).
    ConvergenceWarning
        If some (neuron, pattern) pair is still unstable after ``max_epochs``.

    References
    ----------
    Gardner, E. (1988). The space of interactions in neural network models. J. Phys. A 21,
    257-270 (stability with margin kappa, capacity alpha_c(kappa), 2 at kappa = 0).
    Krauth, W. & Mezard, M. (1987). Learning algorithms with optimal stability in neural
    networks. J. Phys. A 20, L745-L752.
    Diederich, S. & Opper, M. (1987). Phys. Rev. Lett. 58, 949-952 (local perceptron learning).
    """
    xi = _check_patterns(patterns)
    p, n = xi.shape
    try:
        kappa = float(kappa)
    except (TypeError, ValueError) as exc:
        raise MemsimError(f"kappa must be a number, got {kappa!r}") from exc
    if not math.isfinite(kappa):
        raise MemsimError(f"kappa must be finite, got {kappa!r}")
    if isinstance(max_epochs, bool) or int(max_epochs) != max_epochs or max_epochs < 1:
        raise MemsimError(f"max_epochs must be an integer >= 1, got {max_epochs!r}")
    try:
        lr = float(learning_rate)
    except (TypeError, ValueError) as exc:
        raise MemsimError(f"learning_rate must be a number > 0, got {learning_rate!r}") from exc
    if not (math.isfinite(lr) and lr > 0):
        raise MemsimError(f"learning_rate must be a finite number > 0, got {learning_rate!r}")
    if isinstance(seed, bool) or int(seed) != seed or seed < 0:
        raise MemsimError(f"seed must be a non-negative integer, got {seed!r}")

    cap = float(gardner_capacity(kappa)) * (n - 1)
    if p > cap:
        warnings.warn(
            f"perceptron rule: P = {p} patterns exceed the Gardner capacity "
            f"alpha_c({kappa:g}) (N - 1) = {cap:.1f}; learning will not converge",
            MemsimWarning,
            stacklevel=2,
        )
    states = stream_states(int(seed), (PERCEPTRON_STREAM_KEY,), n)
    W = np.zeros((n, n), dtype=np.float64)
    epochs = np.zeros(n, dtype=np.int64)
    unstable = np.zeros(n, dtype=np.int64)
    xf = xi.astype(np.float64)
    RK.perceptron_learn(xf, kappa, int(max_epochs), states, W, epochs, unstable)
    W *= lr / n
    n_unstable = int(unstable.sum())
    info = {
        "converged": n_unstable == 0,
        "epochs": int(epochs.max()),
        "unstable": n_unstable,
        "kappa": kappa,
    }
    if n_unstable:
        warnings.warn(
            f"perceptron rule: {n_unstable} (neuron, pattern) pairs still unstable after "
            f"{int(max_epochs)} epochs (kappa={kappa:g}, P={p}, N={n})",
            ConvergenceWarning,
            stacklevel=2,
        )
    return W, info
