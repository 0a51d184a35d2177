"""End-to-end memory network (MemN2N) forward pass, with weights given by the caller or random.

Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks":

* input memory ``m_i = sum_j l_j * A x_ij + T_A(i)`` and output memory
  ``c_i = sum_j l_j * C x_ij + T_C(i)`` (section 2.1 with the position encoding l and the
  temporal encoding T of section 4.1; ``l_j = 1`` for a plain bag of words);
* question ``u_1 = sum_j l_j * B q_j``;
* hop k: ``p^k = softmax(u_k . m^k)`` (eq. 1), ``o_k = sum_i p^k_i c^k_i`` (eq. 2),
  ``u_{k+1} = u_k + o_k`` (section 2.2) or ``u_{k+1} = H u_k + o_k`` (layer-wise tying);
* answer ``a = softmax(W u_{K+1})`` = ``softmax(W (o_K + u_K))`` without H (eq. 3 and
  section 2.2). With layer-wise tying H is applied after the last hop too, as in the
  authors' code, which adds ``H u_K`` (or ``u_K``) to ``o_K`` at every hop before the final
  linear layer.

Weight tying (section 2.2):

* adjacent: ``A^{k+1} = C^k``, answer ``W^T = C^K``, question ``B = A^1`` (and, here, the
  temporal matrices tied the same way, ``T_A^{k+1} = T_C^k``, as in the authors' code where the
  time "words" live in the same lookup tables);
* layer-wise (RNN-like): ``A^1 = ... = A^K``, ``C^1 = ... = C^K``, and the linear map H.

Conventions: embeddings are rows, ``A[k]`` is V x d (row w = the vector of word w, the paper's
column ``A x`` for one-hot x). Stories are word-id arrays (n, M, J) with -1 for padding; slot i
of a story is a sentence (oldest first), ``present`` marks non-empty slots. The temporal index
of a present slot is the number of present slots after it (0 = the most recent sentence), as in
the released code, which numbers time words from the question backwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim import attention as _att
from memsim._checks import choice, float_array, integer, readonly, real
from memsim._docstrings import fill_doc
from memsim._rng import generator
from memsim.errors import MemsimError
from memsim.kv.encoding import ENCODINGS, PE_VARIANTS, encode_sentences
from memsim.kv.memory import read

__all__ = [
    "TYINGS",
    "MemN2NResult",
    "MemN2NWeights",
    "adjacent_weights",
    "layerwise_weights",
    "memn2n_forward",
    "random_memn2n",
]

TYINGS = ("adjacent", "layerwise")
_WEIGHTS_KEY = 804  # stream key of random_memn2n


@dataclass(frozen=True)
class MemN2NWeights:
    """All weights of a K-hop MemN2N, already tied (read-only arrays).

    Attributes
    ----------
    A, C : (K, V, d)
        Input and output memory embeddings of every hop.
    B : (V, d)
        Question embedding.
    W : (V_out, d)
        Answer weights: logits ``W u_{K+1}``.
    T_A, T_C : (K, M, d) or None
        Temporal encodings (row r = a sentence with r more recent sentences after it).
    H : (d, d) or None
        Query map of layer-wise tying (``u_{k+1} = H u_k + o_k``); None = identity.
    tying : str
        ``"adjacent"`` or ``"layerwise"`` (how the arrays were tied; the forward pass only uses
        H).
    """

    A: np.ndarray
    C: np.ndarray
    B: np.ndarray
    W: np.ndarray
    T_A: np.ndarray | None
    T_C: np.ndarray | None
    H: np.ndarray | None
    tying: str

    @property
    def hops(self) -> int:
        return int(self.A.shape[0])

    @property
    def dim(self) -> int:
        return int(self.A.shape[2])

    @property
    def vocab_size(self) -> int:
        return int(self.A.shape[1])

    @property
    def memory_size(self) -> int | None:
        """Rows of the temporal encodings (None without them)."""
        return None if self.T_A is None else int(self.T_A.shape[1])


def _read_only_weights(*arrays: np.ndarray | None, tying: str) -> MemN2NWeights:
    """MemN2NWeights of ``arrays`` (A, C, B, W, T_A, T_C, H; fresh copies), made read-only."""
    readonly(*arrays)
    return MemN2NWeights(*arrays, tying)


def _temporal(t: Any, name: str, rows: int, d: int) -> np.ndarray:
    arr = float_array(t, name, (3,))
    if arr.shape[0] != rows or arr.shape[2] != d:
        raise MemsimError(f"{name} must have shape ({rows}, M, {d}), got {arr.shape}")
    return arr


#: Returns section of the two weight-tying functions
_TIED_RETURNS = """Returns
-------
MemN2NWeights
    Tied, read-only weights."""


@fill_doc(tied_returns=_TIED_RETURNS)
def adjacent_weights(embeddings: Any, *, temporal: Any = None) -> MemN2NWeights:
    """Adjacent tying from K + 1 embedding matrices E_0 .. E_K.

    ``B = A^1 = E_0``, ``C^k = A^{k+1} = E_k``, ``W = E_K`` (rows, i.e. ``W^T = C^K``); with
    ``temporal`` (K + 1, M, d): ``T_A^1 = T_0``, ``T_C^k = T_A^{k+1} = T_k``.

    Parameters
    ----------
    embeddings : (K + 1, V, d)
    temporal : (K + 1, M, d), optional

    {tied_returns}

    Raises
    ------
    MemsimError
        If ``embeddings`` is not a finite 3-D array or holds fewer than 2 matrices, or
        ``temporal`` is not a finite 3-D array of shape (K + 1, M, d).

    References
    ----------
    Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section 2.2 (adjacent
    weight tying) and section 4.1 (temporal encoding).
    """
    e = float_array(embeddings, "embeddings", (3,))
    if e.shape[0] < 2:
        raise MemsimError(f"embeddings must hold K + 1 >= 2 matrices (K hops), got {e.shape[0]}")
    k = e.shape[0] - 1
    a = e[:k].copy()
    c = e[1:].copy()
    b = e[0].copy()
    w = e[k].copy()
    ta = tc = None
    if temporal is not None:
        t = _temporal(temporal, "temporal", k + 1, e.shape[2])
        ta = t[:k].copy()
        tc = t[1:].copy()
    return _read_only_weights(a, c, b, w, ta, tc, None, tying="adjacent")


@fill_doc(tied_returns=_TIED_RETURNS)
def layerwise_weights(
    A: Any,
    C: Any,
    B: Any,
    W: Any,
    *,
    hops: int,
    H: Any = None,
    T_A: Any = None,
    T_C: Any = None,
) -> MemN2NWeights:
    """Layer-wise tying: the same A, C (and T_A, T_C) at every hop, plus the map H.

    Parameters
    ----------
    A, C : (V, d)
    B : (V, d)
    W : (V_out, d)
    hops : int >= 1
    H : (d, d), optional
        None = identity (``u_{k+1} = u_k + o_k``).
    T_A, T_C : (M, d), optional (both or neither)

    {tied_returns}

    Raises
    ------
    MemsimError
        If ``hops`` is not an integer >= 1; ``A``, ``C``, ``B`` or ``W`` is not a finite 2-D
        array; ``C`` or ``B`` does not have the shape of ``A``; ``W`` does not have d columns;
        ``H`` is not a finite (d, d) array; only one of ``T_A``, ``T_C`` is given, or they are
        not finite 2-D arrays of the same shape (M, d).

    References
    ----------
    Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section 2.2
    (layer-wise, RNN-like tying with the linear map H).
    """
    k = integer(hops, "hops", low=1)
    a = float_array(A, "A", (2,))
    v, d = a.shape
    c = float_array(C, "C", (2,))
    b = float_array(B, "B", (2,))
    w = float_array(W, "W", (2,))
    for name, arr in (("C", c), ("B", b)):
        if arr.shape != (v, d):
            raise MemsimError(f"{name} must have the shape of A ({v}, {d}), got {arr.shape}")
    if w.shape[1] != d:
        raise MemsimError(f"W must have shape (V_out, {d}), got {w.shape}")
    h = None
    if H is not None:
        h = float_array(H, "H", (2,)).copy()
        if h.shape != (d, d):
            raise MemsimError(f"H must have shape ({d}, {d}), got {h.shape}")
    if (T_A is None) != (T_C is None):
        raise MemsimError("give both T_A and T_C, or neither")
    ta = tc = None
    if T_A is not None:
        ta1 = float_array(T_A, "T_A", (2,))
        tc1 = float_array(T_C, "T_C", (2,))
        if ta1.shape[1] != d or tc1.shape != ta1.shape:
            raise MemsimError(
                f"T_A and T_C must both have shape (M, {d}), got {ta1.shape} and {tc1.shape}"
            )
        ta = np.repeat(ta1[None], k, axis=0)
        tc = np.repeat(tc1[None], k, axis=0)
    aa = np.repeat(a[None], k, axis=0)
    cc = np.repeat(c[None], k, axis=0)
    b = b.copy()
    w = w.copy()
    return _read_only_weights(aa, cc, b, w, ta, tc, h, tying="layerwise")


def random_memn2n(
    vocab_size: int,
    dim: int,
    hops: int,
    *,
    memory_size: int | None = None,
    tying: str = "adjacent",
    std: float = 0.1,
    answer_size: int | None = None,
    seed: int = 0,
) -> MemN2NWeights:
    """Random, tied MemN2N weights: entries normal with standard deviation ``std``.

    ``std = 0.1`` is the paper's initialisation (section 4.2). ``memory_size`` M adds temporal
    encodings (M rows). Layer-wise tying draws A, C, B, W, T_A, T_C and H (H = identity plus
    noise of the same size); ``answer_size`` (layer-wise only) sets the rows of W (default V).
    Drawn from the stream ``(seed, 804, vocab_size, dim, hops)``.

    Parameters
    ----------
    vocab_size : int >= 1
        V, rows of the embeddings.
    dim : int >= 1
        Embedding dimension d.
    hops : int >= 1
        Number of hops K.
    memory_size : int >= 1, optional
        M, rows of the temporal encodings; None = no temporal encoding.
    tying : {"adjacent", "layerwise"}
        Weight tying.
    std : float >= 0
        Standard deviation of the entries.
    answer_size : int >= 1, optional
        Rows of W (layer-wise tying only; default V).
    seed : int >= 0
        Random seed.

    Returns
    -------
    MemN2NWeights
        Tied, read-only weights.

    Raises
    ------
    MemsimError
        If ``vocab_size``, ``dim`` or ``hops`` is not an integer >= 1; ``tying`` is not
        ``"adjacent"`` or ``"layerwise"``; ``std`` is not a finite real >= 0; ``memory_size``
        or ``answer_size`` is not an integer >= 1; ``seed`` is not an integer >= 0; or
        ``answer_size`` is given with adjacent tying.

    References
    ----------
    Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section 2.2 (weight
    tying) and section 4.2 (initialisation with standard deviation 0.1).
    """
    v = integer(vocab_size, "vocab_size", low=1)
    d = integer(dim, "dim", low=1)
    k = integer(hops, "hops", low=1)
    choice(tying, "tying", TYINGS)
    s = real(std, "std", low=0.0)
    m = None if memory_size is None else integer(memory_size, "memory_size", low=1)
    rng = generator(integer(seed, "seed"), _WEIGHTS_KEY, v, d, k)
    if tying == "adjacent":
        if answer_size is not None:
            raise MemsimError("answer_size is only for layer-wise tying (adjacent: W = C^K)")
        e = rng.standard_normal((k + 1, v, d)) * s
        t = None if m is None else rng.standard_normal((k + 1, m, d)) * s
        return adjacent_weights(e, temporal=t)
    vo = v if answer_size is None else integer(answer_size, "answer_size", low=1)
    a, c, b = (rng.standard_normal((v, d)) * s for _ in range(3))
    w = rng.standard_normal((vo, d)) * s
    h = np.eye(d) + rng.standard_normal((d, d)) * s
    ta = tc = None
    if m is not None:
        ta = rng.standard_normal((m, d)) * s
        tc = rng.standard_normal((m, d)) * s
    return layerwise_weights(a, c, b, w, hops=k, H=h, T_A=ta, T_C=tc)


@dataclass(frozen=True)
class MemN2NResult:
    """Forward pass of a MemN2N (read-only arrays).

    Attributes
    ----------
    answers : (n,) int64
        ``argmax`` of the answer distribution (ties: lowest index).
    probabilities : (n, V_out)
        ``softmax(W u_{K+1})``.
    attention : (K, n, M)
        ``p^k`` over the memory slots at every hop (0 on empty slots).
    queries : (K + 1, n, d)
        ``u_1 .. u_{K+1}``.
    reads : (K, n, d)
        ``o_1 .. o_K``.
    """

    answers: np.ndarray
    probabilities: np.ndarray
    attention: np.ndarray
    queries: np.ndarray
    reads: np.ndarray


def _ids(x: Any, name: str, ndim: int, vocab: int) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != ndim or not np.issubdtype(arr.dtype, np.integer):
        raise MemsimError(f"{name} must be a {ndim}-D integer array of word ids, got {arr.shape}")
    if arr.size and (arr.min() < -1 or arr.max() >= vocab):
        raise MemsimError(
            f"{name}: word ids must lie in [-1, {vocab - 1}] (-1 = padding), got "
            f"[{arr.min()}, {arr.max()}]"
        )
    return arr.astype(np.int64)


def memn2n_forward(
    weights: MemN2NWeights,
    sentences: Any,
    questions: Any,
    *,
    present: Any = None,
    encoding: str = "position",
    variant: str = "paper",
    sentence_length: int | None = None,
    score: str = "dot",
    normaliser: str = "softmax",
    **options: Any,
) -> MemN2NResult:
    """Forward pass of an end-to-end memory network over a batch of stories.

    Parameters
    ----------
    weights : MemN2NWeights
        From :func:`adjacent_weights`, :func:`layerwise_weights` or :func:`random_memn2n`.
    sentences : (n, M, J) int
        Word ids of each story's sentences, -1 = padding.
    questions : (n, J_q) int
    present : (n, M) bool, optional
        Non-empty slots (default: slots with at least one word). Empty slots get attention
        exactly 0; a story with no sentence reads ``o = 0``.
    encoding, variant, sentence_length
        Sentence representation (:func:`memsim.kv.encoding.encode_sentences`): position
        encoding (default) or bag of words.
    score, normaliser, **options
        The attention of each hop (the paper: dot and softmax), as in :func:`memsim.kv.read`.

    Returns
    -------
    MemN2NResult

    Raises
    ------
    MemsimError
        If ``weights`` is not :class:`MemN2NWeights`; ``encoding`` is not ``"position"`` or
        ``"bow"``; ``variant`` is not ``"paper"`` or ``"memn2n_code"``; ``sentences`` is not a
        3-D or ``questions`` not a 2-D integer array of ids in [-1, V-1]; ``questions`` does
        not have one row per story; ``present`` is not a bool array of shape (n, M); a story
        has more present sentences than the temporal encodings have rows;
        ``sentence_length`` is not an integer >= 1 and at least the sentences' last axis (or,
        when None, a sentence has padding before a word); or :func:`memsim.kv.read` rejects
        ``score``, ``normaliser`` or an option, or a score overflows.

    References
    ----------
    Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks": eqs. 1-3, section 2.1
    (one hop), section 2.2 (multiple hops and weight tying), section 4.1 (position and temporal
    encoding).
    """
    if not isinstance(weights, MemN2NWeights):
        raise MemsimError(f"weights must be MemN2NWeights, got {type(weights).__name__}")
    choice(encoding, "encoding", ENCODINGS)
    choice(variant, "variant", PE_VARIANTS)
    v = weights.vocab_size
    x = _ids(sentences, "sentences", 3, v)
    q = _ids(questions, "questions", 2, v)
    n, m, _ = x.shape
    if q.shape[0] != n:
        raise MemsimError(f"questions has {q.shape[0]} rows but there are {n} stories")
    if present is None:
        pres = (x >= 0).any(axis=2)
    else:
        pres = np.asarray(present)
        if pres.dtype != np.bool_ or pres.shape != (n, m):
            raise MemsimError(f"present must be a bool array of shape ({n}, {m}), got {pres.shape}")
    after = np.cumsum(pres[:, ::-1], axis=1)[:, ::-1] - pres  # present slots after each slot
    if weights.T_A is not None:
        rows = weights.T_A.shape[1]
        if m and int(after[pres].max(initial=0)) >= rows:
            raise MemsimError(
                f"a story has more than {rows} sentences (the rows of the temporal encodings); "
                "keep its last sentences or use a larger memory_size"
            )
    enc = {"encoding": encoding, "variant": variant, "sentence_length": sentence_length}
    u = encode_sentences(q, weights.B, **enc)
    qs = [u]
    reads = []
    maps = []
    tidx = np.where(pres, after, 0)
    for k in range(weights.hops):
        mem = encode_sentences(x, weights.A[k], **enc)
        out = encode_sentences(x, weights.C[k], **enc)
        if weights.T_A is not None:
            mem = mem + weights.T_A[k][tidx]
            out = out + weights.T_C[k][tidx]
        o, p = read(
            qs[-1],
            mem,
            out,
            score,
            normaliser,
            mask=pres,
            return_weights=True,
            **options,
        )
        reads.append(o)
        maps.append(p)
        prev = qs[-1] if weights.H is None else qs[-1] @ weights.H.T
        qs.append(prev + o)
    logits = qs[-1] @ weights.W.T
    probs = _att.softmax(logits, axis=-1) if logits.size else logits
    ans = np.argmax(probs, axis=1).astype(np.int64) if n else np.zeros(0, np.int64)
    queries = np.stack(qs)
    rd = np.stack(reads)
    att = np.stack(maps)
    readonly(ans, probs, att, queries, rd)
    return MemN2NResult(ans, probs, att, queries, rd)
