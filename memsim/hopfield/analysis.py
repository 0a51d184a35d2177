"""What a recall ended in: classification of final states, and update-order dependence.

Amit, Gutfreund & Sompolinsky (1985, Phys. Rev. A 32, 1007) describe the attractors of the
Hebbian network: the stored patterns, their reversals -xi^mu (same energy), symmetric mixtures of an
odd number of patterns such as sgn(xi^1 + xi^2 + xi^3) (overlap 1/2 with each), and spin-glass
states with no macroscopic overlap. A final state is classified by its overlaps
m^mu = (1/N) sum_i xi_i^mu s_i:

``"cued"``
    m with the cued pattern >= threshold.
``"other"``
    not the cued pattern, but m >= threshold with another stored pattern.
``"reversed"``
    m <= -threshold with a stored pattern (the cued one or another).
``"mixture"``
    for some odd k in 3, 5, ..., ``max_mixture``: the overlap of the state with the mixture
    sgn(sum over the k patterns of largest ``|m|`` of sign(m^mu) xi^mu) is >= threshold; the pattern
    indices and signs are reported, e.g. ``"+0+3-7"``.
``"spurious"``
    none of the above (spin-glass or other spurious states).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from memsim.errors import MemsimError

OUTCOMES = ("cued", "other", "reversed", "mixture", "spurious")


@dataclass(frozen=True)
class Outcomes:
    """Per-state classification (arrays of length B, read-only).

    Attributes
    ----------
    label : str array
        One of :data:`OUTCOMES`.
    pattern : int array
        The stored pattern the state is (or is the reversal of); -1 for mixtures and spurious.
    overlap : float array
        Overlap with that pattern (mixtures: with the mixture state; spurious: largest ``|m|``).
    mixture : str array
        Signed indices of the mixed patterns (``"+0+3-7"``), empty otherwise.
    """

    label: np.ndarray
    pattern: np.ndarray
    overlap: np.ndarray
    mixture: np.ndarray

    def counts(self) -> dict[str, int]:
        """Number of states in each class (every class present, zeros included)."""
        return {k: int((self.label == k).sum()) for k in OUTCOMES}


def classify_states(
    patterns: np.ndarray,
    states: np.ndarray,
    cued: np.ndarray | None = None,
    threshold: float = 0.95,
    max_mixture: int = 5,
) -> Outcomes:
    """Classify final states by their overlaps with the stored patterns (module docstring).

    Parameters
    ----------
    patterns : array_like, shape (P, N)
        Stored patterns as rows, entries -1/+1.
    states : array_like, shape (B, N) or (N,)
        Final states, entries -1/+1.
    cued : array_like of int, shape (B,) or scalar, optional
        Index in [0, P) of the pattern each state was cued with (without it there is no
        "cued" class).
    threshold : float
        Overlap in (0, 1] that counts as "is this state" (default 0.95).
    max_mixture : int
        Largest (odd) number of patterns in a mixture that is looked for (3, 5, ...; capped
        at P).

    Returns
    -------
    Outcomes
        Read-only arrays of length B: ``label`` (str, one of :data:`OUTCOMES`), ``pattern``
        (int64, -1 for mixtures and spurious states), ``overlap`` (float64) and ``mixture``
        (str, e.g. ``"+0+3-7"``).

    Raises
    ------
    MemsimError
        If ``patterns`` is not 2-D or ``states`` does not have the same N columns, or if
        ``threshold`` is not in (0, 1]. A ``cued`` that does not broadcast to (B,) or an index
        out of range raises numpy's own ValueError/IndexError.

    References
    ----------
    Amit, D. J., Gutfreund, H. & Sompolinsky, H. (1985). Spin-glass models of neural networks.
    Phys. Rev. A 32, 1007-1018 (reversed, odd mixture and spin-glass states).
    """
    xi = np.asarray(patterns)
    S = np.atleast_2d(np.asarray(states))
    if xi.ndim != 2 or S.shape[1] != xi.shape[1]:
        raise MemsimError(
            f"patterns (P x N) and states (B x N) must have the same N, got {xi.shape} and "
            f"{S.shape}"
        )
    if not 0.0 < threshold <= 1.0:
        raise MemsimError(f"threshold must be in (0, 1], got {threshold}")
    b_count, n = S.shape
    p = xi.shape[0]
    xf = xi.astype(np.float64)
    m = S.astype(np.float64) @ xf.T / n  # (B, P)
    label = np.full(b_count, "spurious", dtype=object)
    pattern = np.full(b_count, -1, dtype=np.int64)
    ov = np.abs(m).max(axis=1) if p else np.zeros(b_count)
    mixture = np.full(b_count, "", dtype=object)
    cued_arr = None if cued is None else np.broadcast_to(np.asarray(cued, np.int64), (b_count,))
    for b in range(b_count):
        mb = m[b]
        if cued_arr is not None and mb[cued_arr[b]] >= threshold:
            label[b], pattern[b], ov[b] = "cued", cued_arr[b], mb[cued_arr[b]]
            continue
        best = int(np.argmax(mb))
        if mb[best] >= threshold:
            label[b], pattern[b], ov[b] = "other", best, mb[best]
            continue
        worst = int(np.argmin(mb))
        if mb[worst] <= -threshold:
            label[b], pattern[b], ov[b] = "reversed", worst, mb[worst]
            continue
        order = np.argsort(-np.abs(mb), kind="stable")
        for k in range(3, min(max_mixture, p) + 1, 2):
            top = order[:k]
            signs = np.where(mb[top] >= 0, 1.0, -1.0)
            mix = np.sign(signs @ xf[top])  # k odd: no zeros
            m_mix = float(mix @ S[b]) / n
            if m_mix >= threshold:
                label[b] = "mixture"
                ov[b] = m_mix
                mixture[b] = "".join(
                    f"{'+' if s > 0 else '-'}{i}"
                    for s, i in sorted(zip(signs, top.tolist(), strict=True), key=lambda t: t[1])
                )
                break
    out = Outcomes(
        label=np.asarray(label, dtype=str),
        pattern=pattern,
        overlap=np.asarray(ov, dtype=np.float64),
        mixture=np.asarray(mixture, dtype=str),
    )
    for a in (out.label, out.pattern, out.overlap, out.mixture):
        a.setflags(write=False)
    return out


def order_dependence(
    weights,
    cues: np.ndarray,
    repeats: int = 5,
    max_sweeps: int = 100,
    seed: int = 0,
    stream: tuple[int, ...] = (),
    **recall_options,
) -> tuple[np.ndarray, np.ndarray]:
    """Does the final state depend on the (random) asynchronous update order?

    Each cue is run ``repeats`` times with different random orders (streams
    ``(seed, *stream, r, b)``). This is a documented property of asynchronous dynamics, not a
    bug (Hopfield 1982).

    Parameters
    ----------
    weights : Weights or array_like, shape (N, N)
        From :func:`memsim.hopfield.classical.store`, or any square finite matrix.
    cues : array_like, shape (B, N) or (N,)
        Initial states, entries -1/+1.
    repeats : int
        Number of random update orders per cue (>= 2).
    max_sweeps : int
        Sweep limit of each recall (>= 1).
    seed : int
        Seed of the update orders.
    stream : tuple of int
        Extra keys for the random streams.
    **recall_options
        Further keyword options of :func:`memsim.hopfield.classical.recall` (``temperature``,
        ``theta``, ``clamp``, ``threads``, ...).

    Returns
    -------
    dependent : ndarray of bool, shape (B,)
        Whether the final states differ between repeats.
    distinct : ndarray of int, shape (B,)
        Number of distinct final states per cue, in [1, repeats].

    Raises
    ------
    MemsimError
        If ``repeats`` < 2, if ``recall_options`` holds an argument this function sets itself
        (``dynamics``, ``order``, ``max_sweeps``, ``seed``, ``stream``, ``warn``), and every
        error of :func:`memsim.hopfield.classical.recall`
        (weights not square or not finite, cues not (B, N) of -1/+1, ``max_sweeps`` < 1, an
        invalid option value, ...).

    References
    ----------
    Hopfield, J. J. (1982). PNAS 79, 2554-2558 (asynchronous dynamics, eq. 1).
    """
    from memsim.hopfield.classical import recall

    if repeats < 2:
        raise MemsimError(f"repeats must be >= 2 to compare update orders, got {repeats}")
    fixed = {"dynamics", "order", "max_sweeps", "seed", "stream", "warn", "weights", "cues"}
    clash = sorted(fixed & set(recall_options))
    if clash:
        raise MemsimError(
            f"order_dependence: {clash[0]!r} cannot be passed on to recall here (the comparison "
            "runs asynchronous dynamics in random orders, one stream per repeat)"
        )
    finals = []
    for r in range(repeats):
        res = recall(
            weights,
            cues,
            "async",
            "random",
            max_sweeps,
            seed,
            stream=tuple(stream) + (r,),
            warn=False,
            **recall_options,
        )
        finals.append(np.atleast_2d(res.states))
    stack = np.stack(finals, axis=1)  # (B, repeats, N)
    distinct = np.array([len({row.tobytes() for row in stack[b]}) for b in range(len(stack))])
    return distinct > 1, distinct
