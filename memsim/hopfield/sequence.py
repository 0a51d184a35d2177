"""Sequences of patterns in a Hopfield network with asymmetric couplings.

Storage (Amari 1972; Sompolinsky & Kanter 1986; Kleinfeld 1986)::

    J_fwd_ij = (1/N) sum_mu xi_i^(mu+1) xi_j^mu        (mu = 1..P-1, or 1..P with xi^(P+1) = xi^1)
    J_sym_ij = (1/N) sum_mu xi_i^mu xi_j^mu,  J_sym_ii = 0
    W = J_fwd + lam J_sym

Recall without a delay: ``s_i <- sgn(sum_j W_ij s_j)``, synchronously (every neuron at once: the
state steps from xi^mu to xi^(mu+1) each step at low load) or asynchronously (one neuron at a
time in a random order per sweep).

With a delay ``tau`` (slow synapses; Sompolinsky & Kanter 1986) the forward couplings
act on a slowly averaged state ``sbar`` and the symmetric ones on the present state::

    h_i(t) = lam sum_j J_sym_ij s_j(t) + sum_j J_fwd_ij sbar_j(t),
    sbar(t + 1) = sbar(t) + (s(t + 1) - sbar(t)) / tau,   sbar(0) = cue,

``t`` counting sweeps (async) or steps (sync). The network then dwells in each pattern for a time
of order ``tau`` before moving on. Sompolinsky & Kanter's strength of the slow term relative to
the fast one, their lambda (needed > 1), is ``1 / lam`` here. ``tau = 1`` with synchronous
dynamics is the same as no delay.

sgn(0) keeps the current state.

References
----------
Amari, S.-I. (1972). Learning patterns and pattern sequences by self-organizing nets of
threshold elements. IEEE Trans. Computers C-21, 1197-1206.
Sompolinsky, H. & Kanter, I. (1986). Temporal association in asymmetric neural networks.
Phys. Rev. Lett. 57, 2861-2864.
Kleinfeld, D. (1986). Sequential state generation by model neural networks. PNAS 83, 9469-9473.
During, A., Coolen, A. C. C. & Sherrington, D. (1998). Phase diagram and storage capacity of
sequence processing neural networks. J. Phys. A 31, 8607-8621 (alpha_c ~ 0.269, sync, T = 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim import _checks as A
from memsim._jit import keeps_thread_count, set_threads
from memsim._rng import stream_states
from memsim.hopfield import _sequence_kernels as K

__all__ = [
    "SequenceRecall",
    "SequenceWeights",
    "recall",
    "store",
]

DYNAMICS = ("sync", "async")

#: published critical load of synchronous sequence recall at T = 0 (During et al. 1998)
ALPHA_C_SYNC = 0.269


@dataclass(frozen=True)
class SequenceWeights:
    """Couplings of a sequence network (all arrays read-only, float64, N x N).

    Attributes
    ----------
    forward : ndarray
        Asymmetric Hebbian couplings ``J_fwd`` (pattern mu to mu + 1), 1/N normalisation.
    symmetric : ndarray
        Symmetric Hebbian couplings ``J_sym`` with zero diagonal.
    lam : float
        Weight of the symmetric part.
    cyclic : bool
        Whether the last pattern leads back to the first.
    patterns : ndarray, (P, N) int8
        The stored sequence.

    ``np.asarray(weights)`` is ``W = forward + lam * symmetric``.
    """

    forward: np.ndarray
    symmetric: np.ndarray
    lam: float
    cyclic: bool
    patterns: np.ndarray

    @property
    def n(self) -> int:
        return self.patterns.shape[1]

    @property
    def matrix(self) -> np.ndarray:
        return self.forward + self.lam * self.symmetric

    def __array__(self, dtype=None, copy=None):
        m = self.matrix
        return m if dtype is None else m.astype(dtype)


def store(patterns: Any, cyclic: bool = False, lam: float = 0.0) -> SequenceWeights:
    """Store the rows of ``patterns`` as a sequence xi^1 -> xi^2 -> ... -> xi^P.

    Parameters
    ----------
    patterns : array_like, (P, N), entries -1/+1
        The sequence, one pattern per row (P >= 1, N >= 2).
    cyclic : bool
        If True, xi^P leads back to xi^1 (a limit cycle of length P).
    lam : float >= 0
        Weight of the symmetric Hebbian part (stabilises each pattern; Sompolinsky & Kanter
        1986 eq. 2 with their lambda = 1 / lam).

    Returns
    -------
    SequenceWeights
        ``forward`` = (1/N) sum_mu xi^(mu+1) (xi^mu)^T, ``symmetric`` = (1/N) sum_mu xi^mu
        (xi^mu)^T with zero diagonal; both computed exactly in integers and divided by N.

    Raises
    ------
    MemsimError
        ``patterns`` not a 2-D array of -1/+1 with at least 1 row and 2 columns; ``lam``
        negative, NaN or inf; ``cyclic`` not a bool.

    References
    ----------
    Amari (1972); Sompolinsky & Kanter (1986), Phys. Rev. Lett. 57, 2861 (the coupling rule).
    """
    xi = A.spins(patterns, "patterns")
    if xi.shape[1] < 2:
        raise A.MemsimError(f"patterns need at least 2 neurons, got shape {xi.shape}")
    if not isinstance(cyclic, (bool, np.bool_)):
        raise A.MemsimError(f"cyclic must be True or False, got {cyclic!r}")
    lam = A.real(lam, "lam", low=0.0)
    p, n = xi.shape
    x = xi.astype(np.float64)
    nxt = np.roll(x, -1, axis=0)
    pre = x if cyclic else x[:-1]
    post = nxt if cyclic else nxt[:-1]
    fwd = post.T @ pre  # sums of +-1: exact integers in float64
    sym = x.T @ x
    np.fill_diagonal(sym, 0.0)
    return SequenceWeights(
        forward=A.readonly(fwd / n),
        symmetric=A.readonly(sym / n),
        lam=lam,
        cyclic=bool(cyclic),
        patterns=A.readonly(xi.copy()),
    )


@dataclass(frozen=True)
class SequenceRecall:
    """Outcome of :func:`recall` (arrays read-only).

    Attributes
    ----------
    states : (B, steps + 1, N) int8
        Trajectory; row 0 is the cue.
    overlaps : (B, steps + 1, P) float64
        Overlap ``m^mu(t) = (1/N) sum_i xi_i^mu s_i(t)`` with every stored pattern.
    dynamics : str
    tau : float or None
    seed : int
    """

    states: np.ndarray
    overlaps: np.ndarray
    dynamics: str
    tau: float | None
    seed: int

    def recalled(self) -> np.ndarray:
        """Index of the pattern with the largest overlap at each time, (B, steps + 1)."""
        return np.argmax(self.overlaps, axis=-1)


def _integer_couplings(w: SequenceWeights) -> tuple[np.ndarray, np.ndarray]:
    n = w.n
    return np.rint(w.forward * n), np.rint(w.symmetric * n)


@keeps_thread_count
def recall(
    weights: SequenceWeights,
    cues: Any,
    steps: int,
    dynamics: str = "sync",
    tau: float | None = None,
    seed: int = 0,
    *,
    stream: tuple[int, ...] = (),
    threads: int | None = None,
) -> SequenceRecall:
    """Run sequence dynamics for ``steps`` steps (sync) or sweeps (async) from each cue.

    Parameters
    ----------
    weights : SequenceWeights
        From :func:`store`.
    cues : (B, N) or (N,) array of -1/+1
        Initial states.
    steps : int >= 1
        Synchronous steps, or asynchronous sweeps of N single-neuron updates.
    dynamics : {"sync", "async"}
        Every neuron at once, or one at a time in a fresh random order each sweep.
    tau : float >= 1, optional
        Time constant of the slow synapses in steps/sweeps (module docstring). ``None``: all
        couplings act on the present state.
    seed : int
        Cue b uses the random stream ``(seed, *stream, b)`` (async update orders), so results do
        not depend on the thread count or on the other cues in the batch.
    stream : tuple of int
        Extra keys for the random streams (e.g. a trial index).
    threads : int, optional
        Numba thread count for this call.

    Returns
    -------
    SequenceRecall
        ``states`` (B, steps + 1, N) and ``overlaps`` (B, steps + 1, P); a single cue gives
        (steps + 1, N) and (steps + 1, P).

    Raises
    ------
    MemsimError
        ``weights`` not from :func:`store`; ``cues`` not -1/+1 with N columns; ``steps`` not an
        integer >= 1; unknown ``dynamics``; ``tau`` below 1, NaN or inf.

    References
    ----------
    Sompolinsky & Kanter (1986), Phys. Rev. Lett. 57, 2861 (dynamics with slow synapses);
    During, Coolen & Sherrington (1998), J. Phys. A 31, 8607.
    """
    if not isinstance(weights, SequenceWeights):
        raise A.MemsimError(
            "weights must be the SequenceWeights returned by memsim.hopfield.sequence.store, "
            f"got {type(weights).__name__}"
        )
    n = weights.n
    c = A.array(cues, "cues")
    single = c.ndim == 1
    S = A.spins(c[None, :] if single else c, "cues", 2, n)
    steps = A.integer(steps, "steps", low=1)
    dynamics = A.choice(dynamics, "dynamics", DYNAMICS)
    use_tau = tau is not None
    tau_v = A.real(tau, "tau", low=1.0) if use_tau else 1.0
    seed = A.integer(seed, "seed")
    if threads is not None:
        set_threads(A.integer(threads, "threads", low=1))

    lam = weights.lam
    sync = dynamics == "sync"
    xi = weights.patterns.astype(np.float64)
    p = xi.shape[0]
    pre = xi if weights.cyclic else xi[:-1]
    post = np.ascontiguousarray(np.roll(xi, -1, axis=0)[: pre.shape[0]])
    lowrank = 2 * p < n
    if lowrank and (sync or (use_tau and lam == 0.0)):
        # no N x N matrix needed: every field comes from the pattern overlaps
        m1 = m2 = np.zeros((0, 0))
    elif use_tau:
        jf, js = _integer_couplings(weights)
        m1 = np.ascontiguousarray(lam * js)
        m2 = np.ascontiguousarray(jf)
    else:
        jf, js = _integer_couplings(weights)
        a = jf + lam * js
        m1 = np.ascontiguousarray(a if sync else a.T)
        m2 = np.zeros((0, 0))
    S = S.copy()
    b = S.shape[0]
    frames = np.empty((b, steps + 1, n), dtype=np.int8)
    rngs = stream_states(seed, tuple(stream), b)
    K.run_batch(
        m1,
        m2,
        lowrank,
        xi,
        np.ascontiguousarray(pre),
        post,
        lam,
        use_tau,
        tau_v,
        sync,
        steps,
        rngs,
        S,
        frames,
    )
    ov = (frames.astype(np.float64) @ xi.T) / n  # sums of +-1: exact
    if single:
        frames, ov = frames[0], ov[0]
    return SequenceRecall(
        states=A.readonly(frames),
        overlaps=A.readonly(ov),
        dynamics=dynamics,
        tau=tau_v if use_tau else None,
        seed=seed,
    )


#: the capacity study, now in :mod:`memsim.experiments.studies.sequence`; still importable from
#: here
_STUDIES = ("SequenceCapacity", "capacity_curve")


def __getattr__(name: str) -> Any:
    if name in _STUDIES:
        from memsim.experiments.studies import sequence as studies

        return getattr(studies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
