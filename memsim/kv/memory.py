"""Key-value memory: the one-hop read, key hashing, multi-hop reads and the answer step.

Shapes (memsim conventions): queries are rows (B x d, or one d-vector), keys rows (S x d_k),
values rows (S x d_v); attention weights over the slots are B x S. A boolean ``mask`` (True =
slot present) marks empty slots; their scores are set to ``-inf`` (never a large negative
constant), so their weight is exactly 0.

References
----------
* Miller, Fisch, Dodge, Karimi, Bordes & Weston (2016), "Key-value memory networks for directly
  reading documents", section 3.1: key hashing pre-selects memories ``(k_h1, v_h1) ..
  (k_hN, v_hN)`` that share at least one word of frequency below F with the question (an
  inverted index); key addressing ``p_hi = softmax(A Phi_X(x) . A Phi_K(k_hi))`` (eq. 1);
  value reading ``o = sum_i p_hi A Phi_V(v_hi)`` (eq. 2); query update
  ``q_{j+1} = R_j (q_j + o)`` (eq. 3); after H hops the answer is
  ``a = argmax_i softmax(q_{H+1}^T B Phi_Y(y_i))`` over the candidate answers (eq. 4).
* Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks": one hop
  ``p_i = softmax(u^T m_i)`` (eq. 1), ``o = sum_i p_i c_i`` (eq. 2); see
  :mod:`memsim.kv.memn2n`.

Scores and normalisers are those of :mod:`memsim.attention` (Bahdanau, Cho & Bengio 2015; Luong,
Pham & Manning 2015; Vaswani et al. 2017; Martins & Astudillo 2016; Peters, Niculae & Martins
2019); this module only masks, batches and hops.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from memsim import attention as _att
from memsim._checks import boolean, choice, float_array, id_lists, integer, readonly
from memsim._rng import generator
from memsim.attention.readouts import split_options as _split_options
from memsim.attention.scores import checked_scores, unit_rows
from memsim.errors import MemsimError
from memsim.kv import _kernels as K

__all__ = [
    "BLOCKED_MIN_PAIRS",
    "KEY_BLOCK",
    "Candidates",
    "HopResult",
    "KeyValueMemory",
    "fact_memory",
    "hash_candidates",
    "key_value_memory",
    "kv_hops",
    "kv_read",
    "multi_hop",
    "random_memory",
    "read",
]

#: Scores that compare a query with a key of the same size.
SAME_SIZE_SCORES = ("dot", "scaled_dot", "cosine", "neg_sq_distance")
#: Scores of the blocked (BLAS, online-softmax) path and of the hashed Numba kernel.
FAST_SCORES = ("dot", "scaled_dot", "cosine")
READ_METHODS = ("auto", "matrix", "blocked")
ANSWER_FROM = ("query", "read")

#: ``read(method="auto")`` switches to the blocked path from this many (query, slot) pairs on
#: (softmax with dot / scaled_dot / cosine, no weights asked for, one shared memory).
BLOCKED_MIN_PAIRS = 1 << 20
#: Slots per block of the blocked path (a B x KEY_BLOCK score block stays in cache).
KEY_BLOCK = 8192

_MEMORY_KEY = 802  # stream key of random_memory


# --------------------------------------------------------------------------- one-hop read


def _check_kinds(score: str, normaliser: str, nopts: dict) -> None:
    if not isinstance(score, str) or score not in _att.SCORES:
        raise MemsimError(f"unknown score {score!r}; choose one of {sorted(_att.SCORES)}")
    if not isinstance(normaliser, str) or normaliser not in _att.NORMALISERS:
        raise MemsimError(
            f"unknown normaliser {normaliser!r}; choose one of {sorted(_att.NORMALISERS)}"
        )
    # dry run: memsim.attention checks the normaliser's options (names and values)
    _att.normalise(np.zeros((1, 1)), normaliser, axis=-1, **nopts)


def _check_sizes(q_size: int, k_size: int, score: str) -> None:
    if score in SAME_SIZE_SCORES and q_size != k_size:
        raise MemsimError(
            f"queries have size {q_size} but keys have size {k_size}; score {score!r} compares "
            f"a query with keys of the same size (give queries of size {k_size})"
        )


def _read_options(
    options: dict, where: str, score: str, normaliser: str, method: str
) -> tuple[dict, dict]:
    """Score and normaliser options of a read, with the score, normaliser and method checked."""
    sopts, nopts = _split_options(options, where)
    _check_kinds(score, normaliser, nopts)
    choice(method, "method", READ_METHODS)
    return sopts, nopts


def _as_rows(q: np.ndarray) -> tuple[bool, np.ndarray]:
    """(one query given as a vector?, the queries as (B, d) rows)."""
    single = q.ndim == 1
    return single, (q[None, :] if single else q)


def _answer_shape(out: np.ndarray, w: np.ndarray | None, single: bool, want_w: bool):
    """A read's result: one query's row for a single query, with its weights when asked."""
    if single:
        out = out[0]
        w = None if w is None else w[0]
    return (out, w) if want_w else out


def _fast_kinds(score: str, normaliser: str, sopts: dict) -> bool:
    """Softmax over dot / scaled_dot / cosine scores: the compiled read applies."""
    return normaliser == "softmax" and score in FAST_SCORES and set(sopts) <= {"beta", "eps"}


def _overflowed() -> MemsimError:
    return MemsimError(
        "read: scores overflowed (not finite); reduce beta or the size of the queries and keys"
    )


def _mask(mask: Any, rows: int, slots: int) -> np.ndarray | None:
    """Mask as (1, S) or (B, S) bool, or None (every slot present)."""
    if mask is None:
        return None
    m = np.asarray(mask)
    if m.dtype != np.bool_:
        raise MemsimError(f"mask must be a boolean array (True = slot present), got {m.dtype}")
    if m.ndim == 1 and m.shape[0] == slots:
        return m[None, :]
    if m.ndim == 2 and m.shape == (rows, slots):
        return m
    raise MemsimError(f"mask must have shape ({slots},) or ({rows}, {slots}), got {m.shape}")


def _unit_rows(x: np.ndarray, eps: float) -> np.ndarray:
    """Rows over ``max(|row|, eps)``, norms without overflow/underflow (attention's helper)."""
    return unit_rows(x, eps)


def _fast_queries(q: np.ndarray, score: str, sopts: dict, nopts: dict) -> np.ndarray:
    """Queries with beta / temperature (and 1/sqrt(d) or unit norm) folded in."""
    from memsim._checks import real

    beta = real(sopts.get("beta", 1.0), "beta")
    temp = real(nopts.get("temperature", 1.0), "temperature")
    if temp <= 0:
        raise MemsimError(f"temperature must be > 0, got {temp!r}")
    scale = beta / temp
    if score == "scaled_dot" and q.shape[1]:
        scale /= math.sqrt(q.shape[1])
    if score == "cosine":
        return _unit_rows(q, real(sopts.get("eps", 1e-8), "eps", low=0.0)) * scale
    return q * scale


def _fast_keys(k: np.ndarray, score: str, sopts: dict) -> np.ndarray:
    if score == "cosine":
        return _unit_rows(k, float(sopts.get("eps", 1e-8)))
    return k


def _blocked_softmax_read(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None, block: int
) -> np.ndarray:
    """``softmax(q k^T) v`` over slot blocks with a running maximum (online softmax).

    Per block: one BLAS product for the scores, masked slots set to -inf, the running maximum
    m, normaliser l and read-out a rescaled by ``exp(m_old - m_new)`` (Milakov & Gimelshein
    2018), one BLAS product for the values. Memory O(B x block). Every row must have a present
    slot.
    """
    nb = q.shape[0]
    n = k.shape[0]
    run_max = np.full(nb, -np.inf)
    run_sum = np.zeros(nb)
    acc = np.zeros((nb, v.shape[1]))
    buf = np.empty((nb, min(block, n)))
    for k0 in range(0, n, block):
        k1 = min(n, k0 + block)
        s = buf[:, : k1 - k0]
        with np.errstate(over="ignore", invalid="ignore"):
            np.matmul(q, k[k0:k1].T, out=s)
        if mask is not None and mask.shape[0] == 1:
            s[:, ~mask[0, k0:k1]] = -np.inf
        elif mask is not None:
            s[~mask[:, k0:k1]] = -np.inf
        new_max = np.maximum(run_max, s.max(axis=1))
        shift = np.where(new_max == -np.inf, 0.0, new_max)
        with np.errstate(over="ignore", invalid="ignore"):
            rescale = np.exp(run_max - shift)
            s -= shift[:, None]
            np.exp(s, out=s)
        run_sum *= rescale
        run_sum += s.sum(axis=1)
        acc *= rescale[:, None]
        acc += s @ v[k0:k1]
        run_max = new_max
    return acc / run_sum[:, None]


def _scores_matrix(
    q: np.ndarray, k: np.ndarray, score: str, sopts: dict, mask: np.ndarray | None
) -> np.ndarray:
    """B x S scores (3-D keys: one memory per query), absent slots -inf, then checked.

    Absent slots are excluded before any check, so an overflowing empty slot is ignored;
    among present slots +inf or NaN raises, -inf (overflow) gets weight 0 unless every
    present slot of a query overflowed.
    """
    if k.ndim == 2:
        s = checked_scores(q, k, score, **sopts)
    else:
        s = np.empty((q.shape[0], k.shape[1]))
        for b in range(q.shape[0]):
            s[b] = checked_scores(q[b], k[b], score, **sopts)[0]
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    if np.isnan(s).any() or np.isposinf(s).any() or (s.max(axis=1) == -np.inf).any():
        raise MemsimError(
            "read: some scores of present slots are not finite (overflow); reduce beta or the "
            "size of the queries and keys"
        )
    return s


def read(
    queries: Any,
    keys: Any,
    values: Any,
    score: str = "dot",
    normaliser: str = "softmax",
    *,
    mask: Any = None,
    return_weights: bool = False,
    method: str = "auto",
    key_block: int = KEY_BLOCK,
    **options: Any,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """One read of a key-value memory: ``o_b = sum_i p_bi v_i``, ``p_b = normaliser(s(q_b, k))``.

    The one-hop read every other function of :mod:`memsim.kv` is built on (Miller et al. 2016,
    eqs. 1-2; Sukhbaatar et al. 2015, eqs. 1-2), through any score and normaliser of
    :mod:`memsim.attention`.

    Empty slots: ``mask`` (True = slot present) sets the scores of absent slots to ``-inf``, so
    their weight is exactly 0. A query with no present slot (or a memory with no slots) reads
    the zero vector and all its weights are 0 -- never NaN. Duplicate slots share their weight
    (softmax, sparsemax, entmax, top-k) or the first copy takes it (hard).

    Parameters
    ----------
    queries : array_like, (B, d) or (d,)
    keys : array_like, (S, d_k), or (B, S, d_k) for one memory per query (e.g. one story each)
    values : array_like, (S, d_v) or (S,); (B, S, d_v) or (B, S) with 3-D keys
    score : str
        A name in :data:`memsim.attention.SCORES` (dot, scaled_dot, cosine, general, additive,
        neg_sq_distance). dot, scaled_dot, cosine and neg_sq_distance need ``d == d_k``.
    normaliser : str
        A name in :data:`memsim.attention.NORMALISERS` (softmax, sparsemax, entmax15,
        entmax_bisect, hard, topk).
    mask : bool array, (S,) or (B, S), optional
        True = slot present. None: every slot present.
    return_weights : bool
        Also return the B x S weights.
    method : {"auto", "matrix", "blocked"}
        ``"matrix"``: the B x S score matrix from :func:`memsim.attention.score`, masked, then
        :func:`memsim.attention.normalise` -- what :func:`memsim.attention.attend` does.
        ``"blocked"`` (softmax with dot / scaled_dot / cosine, one shared memory, no weights):
        slots in blocks of ``key_block`` with a running maximum (online softmax), two BLAS
        products per block, memory O(B x key_block) instead of O(B x S); same numbers up to
        rounding. ``"auto"``: blocked when allowed and ``B S >= BLOCKED_MIN_PAIRS``.
    key_block : int
        Slots per block (``"blocked"``).
    **options
        Score options (beta, weight, w_query, w_key, v, eps) and normaliser options
        (temperature, alpha, k), as in :func:`memsim.attention.attend`.

    Returns
    -------
    read : numpy.ndarray
        (B, d_v) ((d_v,) for one query; (B,) for 1-D values).
    weights : numpy.ndarray
        (B, S), only when ``return_weights``.

    Raises
    ------
    MemsimError
        If an option is neither a score nor a normaliser option; ``score`` or ``normaliser`` is
        not a registered name, or a normaliser option is missing or invalid (``alpha``, ``k``,
        ``temperature``); ``method`` is not one of ``"auto"``, ``"matrix"``, ``"blocked"``, or
        is ``"blocked"`` for another normaliser / score, 3-D keys, weight-matrix options or
        ``return_weights=True``; ``key_block`` is not an integer >= 1; ``return_weights`` is
        not a bool; ``queries`` is not a finite 1-D or 2-D array, ``keys`` not a finite 2-D or
        3-D array (3-D: one memory per query); the query size differs from the key size for
        dot, scaled_dot, cosine or neg_sq_distance; ``values`` is not finite or does not have
        one value per slot; ``mask`` is not a boolean array of shape (S,) or (B, S); a score
        option is invalid (``beta``, ``eps``, ``weight``, ``w_query``, ``w_key``, ``v``); or a
        score of a present slot overflows.

    References
    ----------
    Miller, Fisch, Dodge, Karimi, Bordes & Weston (2016), "Key-value memory networks for
    directly reading documents", section 3.1, eqs. 1-2 (key addressing and value reading).
    Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", eqs. 1-2.
    """
    sopts, nopts = _read_options(options, "read", score, normaliser, method)
    block = integer(key_block, "key_block", low=1)
    want_w = boolean(return_weights, "return_weights")
    q = float_array(queries, "queries", (1, 2))
    k = float_array(keys, "keys", (2, 3))
    single, q2 = _as_rows(q)
    per_query = k.ndim == 3
    if per_query and k.shape[0] != q2.shape[0]:
        raise MemsimError(
            f"keys of shape {k.shape} hold {k.shape[0]} memories (one per query) but there are "
            f"{q2.shape[0]} queries"
        )
    _check_sizes(q2.shape[1], k.shape[-1], score)
    n_slots = k.shape[-2]
    v = float_array(values, "values", (2, 3) if per_query else (1, 2))
    vec = v.ndim == k.ndim - 1
    if vec:
        v = v[..., None]
    if v.shape[:-1] != k.shape[:-1]:
        raise MemsimError(
            f"values have slots of shape {v.shape[:-1]} but keys have {k.shape[:-1]}: one value "
            "per slot is needed"
        )
    m = _mask(mask, q2.shape[0], n_slots)
    nb = q2.shape[0]
    out = np.zeros((nb, v.shape[-1]))
    w = np.zeros((nb, n_slots)) if want_w else None
    live = np.ones(nb, dtype=bool) if m is None else np.broadcast_to(m.any(axis=1), (nb,))
    fast = _fast_kinds(score, normaliser, sopts) and not want_w and not per_query
    if method == "blocked" and not fast:
        raise MemsimError(
            f"method='blocked' needs normaliser='softmax', score in {FAST_SCORES}, one shared "
            "memory (2-D keys), no weight matrices and return_weights=False"
        )
    if n_slots and live.any():
        rows = np.flatnonzero(live)
        ql = q2[rows] if rows.size < nb else q2
        ml = None if m is None else (m if m.shape[0] == 1 else m[rows])
        use_blocked = fast and (
            method == "blocked" or (method == "auto" and ql.shape[0] * n_slots >= BLOCKED_MIN_PAIRS)
        )
        if use_blocked:
            # overflow shows up as NaN in the read (+inf - +inf, or 0/0 when every present
            # slot of a query overflowed to -inf); overflow in absent slots is masked first
            r = _blocked_softmax_read(
                _fast_queries(ql, score, sopts, nopts), _fast_keys(k, score, sopts), v, ml, block
            )
            if not np.isfinite(r).all():
                raise _overflowed()
            out[rows] = r
        else:
            kl = k[rows] if per_query and rows.size < nb else k
            s = _scores_matrix(ql, kl, score, sopts, ml)
            p = _att.normalise(s, normaliser, axis=-1, **nopts)
            if per_query:
                vl = v[rows] if rows.size < nb else v
                out[rows] = np.einsum("bs,bsd->bd", p, vl)
            else:
                out[rows] = p @ v
            if w is not None:
                w[rows] = p
    if vec:
        out = out[:, 0]
    return _answer_shape(out, w, single, want_w)


# --------------------------------------------------------------------------- memory object


@dataclass(frozen=True)
class KeyValueMemory:
    """Slots of keys and values, with optional features for key hashing (read-only arrays).

    Attributes
    ----------
    keys : (S, d_k) float64
    values : (S, d_v) float64
    present : (S,) bool
        False = empty slot (masked in every read, never a hashing candidate).
    feature_indptr, feature_ids : int64 arrays or None
        Features (e.g. word ids) of each slot as CSR: slot i has
        ``feature_ids[feature_indptr[i]:feature_indptr[i+1]]``.
    n_features : int
        Number of distinct feature ids (ids are 0 .. n_features - 1).
    index_indptr, index_slots : int64 arrays or None
        The inverted index: feature f lists the present slots
        ``index_slots[index_indptr[f]:index_indptr[f+1]]`` (sorted).
    """

    keys: np.ndarray
    values: np.ndarray
    present: np.ndarray
    feature_indptr: np.ndarray | None
    feature_ids: np.ndarray | None
    n_features: int
    index_indptr: np.ndarray | None
    index_slots: np.ndarray | None

    @property
    def slots(self) -> int:
        """Number of slots S (present or not)."""
        return int(self.keys.shape[0])

    @property
    def frequency(self) -> np.ndarray:
        """(n_features,) number of present slots listing each feature (zeros without features)."""
        if self.index_indptr is None:
            return np.zeros(0, dtype=np.int64)
        return np.diff(self.index_indptr)


def key_value_memory(
    keys: Any,
    values: Any,
    *,
    present: Any = None,
    features: Any = None,
    n_features: int | None = None,
) -> KeyValueMemory:
    """Build a :class:`KeyValueMemory` from arrays (random vectors, user files, fact encodings).

    Parameters
    ----------
    keys : (S, d_k)
    values : (S, d_v) or (S,) (1-D values become one column)
    present : bool (S,), optional
        True = slot present (default all).
    features : list of int lists, or (S, m) int array with -1 padding, optional
        Hashing features of each slot (e.g. the word ids of a fact's key, as in Miller et al.
        2016). Needed for key hashing (:func:`hash_candidates`).
    n_features : int, optional
        Number of feature ids (default: largest id + 1).

    Returns
    -------
    KeyValueMemory
        Read-only arrays; with features, the inverted index for :func:`hash_candidates`.

    Raises
    ------
    MemsimError
        If ``keys`` is not a finite 2-D array; ``values`` is not a finite 1-D or 2-D array with
        one row per key; ``present`` is not a bool array of shape (S,); ``features`` is not a
        list of id lists or a 2-D integer array with one row per slot (ids >= 0, -1 = padding
        in an array); ``n_features`` is not an integer >= 0, is smaller than the largest
        feature id + 1, or is given without ``features``.

    References
    ----------
    Miller, Fisch, Dodge, Karimi, Bordes & Weston (2016), "Key-value memory networks for directly
    reading documents", section 3.1 (key-value memories and key hashing through an inverted index).
    """
    k = float_array(keys, "keys", (2,))
    v = float_array(values, "values", (1, 2))
    if v.ndim == 1:
        v = v[:, None]
    if v.shape[0] != k.shape[0]:
        raise MemsimError(f"values has {v.shape[0]} rows but keys has {k.shape[0]} (one per slot)")
    s = k.shape[0]
    if present is None:
        pres = np.ones(s, dtype=bool)
    else:
        pres = np.asarray(present)
        if pres.dtype != np.bool_ or pres.shape != (s,):
            raise MemsimError(f"present must be a bool array of shape ({s},), got {pres.shape}")
        pres = pres.copy()
    k = k.copy() if k is keys else k
    v = v.copy() if v is values else v
    f_ptr = f_ids = i_ptr = i_slots = None
    nf = 0
    if features is not None:
        f_ptr, f_ids = id_lists(features, "features", rows=s)
        top = int(f_ids.max()) + 1 if f_ids.size else 0
        nf = top if n_features is None else integer(n_features, "n_features", low=0)
        if nf < top:
            raise MemsimError(f"n_features={nf} but features contain the id {top - 1}")
        owner = np.repeat(np.arange(s, dtype=np.int64), np.diff(f_ptr))
        keep = pres[owner]
        pairs = np.unique(np.stack([f_ids[keep], owner[keep]], axis=1), axis=0)
        i_slots = np.ascontiguousarray(pairs[:, 1]) if pairs.size else np.zeros(0, np.int64)
        counts = np.bincount(pairs[:, 0], minlength=nf) if pairs.size else np.zeros(nf, np.int64)
        i_ptr = np.zeros(nf + 1, dtype=np.int64)
        np.cumsum(counts, out=i_ptr[1:])
    elif n_features is not None:
        raise MemsimError("n_features given without features")
    readonly(k, v, pres, f_ptr, f_ids, i_ptr, i_slots)
    return KeyValueMemory(k, v, pres, f_ptr, f_ids, nf, i_ptr, i_slots)


def random_memory(
    slots: int,
    key_dim: int,
    value_dim: int | None = None,
    *,
    seed: int = 0,
    trial: int = 0,
    features_per_slot: int = 0,
    n_features: int | None = None,
    unit: bool = True,
) -> KeyValueMemory:
    """A memory of random keys and values, optionally with random hashing features.

    Keys and values are Gaussian; ``unit=True`` scales every row to norm 1, else entries have
    variance 1/d (norm about 1). With ``features_per_slot = f > 0`` each slot gets f distinct
    feature ids drawn uniformly from ``0 .. n_features - 1`` (default
    ``n_features = max(f, slots // 50)``, about 50 f slots per feature): a stand-in for the
    words a key shares with questions in Miller et al. (2016).

    Drawn from the stream ``(seed, 802, trial, slots, key_dim, value_dim)``: ``trial`` gives
    independent memories of the same size.

    Parameters
    ----------
    slots : int >= 0
        Number of slots S.
    key_dim : int >= 1
        Key size d_k.
    value_dim : int >= 1, optional
        Value size d_v (default d_k).
    seed : int >= 0
        Random seed.
    trial : int >= 0
        Index of an independent memory of the same size.
    features_per_slot : int >= 0
        Hashing features per slot f (0 = none).
    n_features : int >= features_per_slot, optional
        Number of feature ids (only with ``features_per_slot > 0``).
    unit : bool
        Unit-norm keys and values (else entries of variance 1/d).

    Returns
    -------
    KeyValueMemory
        S present slots, float64 keys (S, d_k) and values (S, d_v).

    Raises
    ------
    MemsimError
        If ``slots``, ``features_per_slot`` or ``trial`` is not an integer >= 0, ``key_dim``
        or ``value_dim`` not an integer >= 1, ``seed`` not an integer >= 0, ``unit`` not a
        bool; ``n_features`` is smaller than ``features_per_slot`` or given with
        ``features_per_slot=0``.

    References
    ----------
    Miller, Fisch, Dodge, Karimi, Bordes & Weston (2016), "Key-value memory networks for directly
    reading documents", section 3.1 (the features stand in for the key words used by key hashing).
    """
    s = integer(slots, "slots", low=0)
    dk = integer(key_dim, "key_dim", low=1)
    dv = dk if value_dim is None else integer(value_dim, "value_dim", low=1)
    f = integer(features_per_slot, "features_per_slot", low=0)
    unit = boolean(unit, "unit")
    rng = generator(integer(seed, "seed"), _MEMORY_KEY, integer(trial, "trial", low=0), s, dk, dv)
    keys = rng.standard_normal((s, dk))
    values = rng.standard_normal((s, dv))
    if unit:
        keys /= np.maximum(np.linalg.norm(keys, axis=1), 1e-300)[:, None]
        values /= np.maximum(np.linalg.norm(values, axis=1), 1e-300)[:, None]
    else:
        keys /= math.sqrt(dk)
        values /= math.sqrt(dv)
    feats = None
    nf = None
    if f:
        nf = max(f, s // 50) if n_features is None else integer(n_features, "n_features", low=f)
        # f distinct ids per slot: the f smallest of nf uniform keys (argpartition per row)
        if nf <= 4096:
            feats = np.argpartition(rng.random((s, nf)), f - 1, axis=1)[:, :f]
        else:
            feats = np.empty((s, f), dtype=np.int64)
            for i in range(s):
                feats[i] = rng.choice(nf, size=f, replace=False)
        feats = np.sort(feats, axis=1).astype(np.int64)
    elif n_features is not None:
        raise MemsimError("n_features given with features_per_slot=0")
    return key_value_memory(keys, values, features=feats, n_features=nf)


def fact_memory(
    key_ids: Any,
    value_ids: Any,
    vectors: Any,
    *,
    encoding: str = "position",
    variant: str = "paper",
    value_encoding: str | None = None,
    present: Any = None,
) -> KeyValueMemory:
    """A key-value memory of encoded facts, with the key words as hashing features.

    Miller et al. (2016), section 3.2: a fact (e.g. a knowledge-base triple) is split into a key
    (subject and relation) and a value (object); both are bags of word vectors
    (:func:`memsim.kv.encoding.encode_sentences`), and key hashing looks up the key words.

    Parameters
    ----------
    key_ids : (S, J_k) int, -1 = padding
        Word ids of each key.
    value_ids : (S, J_v) int, -1 = padding
        Word ids of each value.
    vectors : (V, d)
        Word vectors (row = word id).
    encoding, variant : str
        Encoding of the keys (position encoding by default, or "bow").
    value_encoding : str, optional
        Encoding of the values (default: the keys' encoding).
    present : bool (S,), optional

    Returns
    -------
    KeyValueMemory
        Read-only arrays; with features, the inverted index for :func:`hash_candidates`.

    Raises
    ------
    MemsimError
        If ``key_ids`` and ``value_ids`` are not 2-D with the same number of rows;
        :func:`memsim.kv.encoding.encode_sentences` rejects the ids (not integer, outside
        [-1, V-1], padding before a word), ``vectors`` (not 2-D), ``encoding``,
        ``value_encoding`` or ``variant``; or ``present`` is not a bool array of shape
        (S,).

    References
    ----------
    Miller, Fisch, Dodge, Karimi, Bordes & Weston (2016), "Key-value memory networks for directly
    reading documents", section 3.2 (key-value memories of knowledge-base facts) and section 3.1
    (key hashing). Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section
    4.1 (position encoding).
    """
    from memsim.kv.encoding import encode_sentences

    kid = np.asarray(key_ids)
    vid = np.asarray(value_ids)
    if kid.ndim != 2 or vid.ndim != 2 or kid.shape[0] != vid.shape[0]:
        raise MemsimError(
            f"key_ids and value_ids must be 2-D (S, J) with the same S, got {kid.shape} and "
            f"{vid.shape}"
        )
    keys = encode_sentences(kid, vectors, encoding=encoding, variant=variant)
    values = encode_sentences(
        vid,
        vectors,
        encoding=encoding if value_encoding is None else value_encoding,
        variant=variant,
    )
    n_words = int(np.shape(vectors)[0])
    return key_value_memory(
        keys, values, present=present, features=kid.astype(np.int64), n_features=n_words
    )


# --------------------------------------------------------------------------- key hashing


@dataclass(frozen=True)
class Candidates:
    """Candidate slots of each query after key hashing (CSR, read-only).

    Query b's candidates are ``slots[indptr[b]:indptr[b+1]]`` (sorted, distinct, present).
    """

    indptr: np.ndarray
    slots: np.ndarray

    @property
    def counts(self) -> np.ndarray:
        """(B,) number of candidates per query."""
        return np.diff(self.indptr)

    def mask(self, n_slots: int) -> np.ndarray:
        """Dense (B, n_slots) bool mask, True = candidate."""
        nb = self.indptr.shape[0] - 1
        m = np.zeros((nb, n_slots), dtype=bool)
        rows = np.repeat(np.arange(nb), self.counts)
        m[rows, self.slots] = True
        return m


def hash_candidates(
    memory: KeyValueMemory, query_features: Any, *, max_frequency: int | None = None
) -> Candidates:
    """Key hashing: the present slots sharing at least one feature with each query.

    Miller et al. (2016), section 3.1: "we retrieve memories whose key contains at least one
    word from the question with frequency < F = 1000" (ignoring stop words), through an inverted
    index. Here a feature is usable when at most ``max_frequency`` present slots list it
    (None: every feature is usable).

    Parameters
    ----------
    memory : KeyValueMemory
        Built with ``features``.
    query_features : list of int lists, or (B, m) int array with -1 padding
        Features of each query (e.g. its word ids). Ids the memory does not know select nothing.
    max_frequency : int, optional
        Features listed by more present slots than this are ignored.

    Returns
    -------
    Candidates

    Raises
    ------
    MemsimError
        If ``memory`` is not a :class:`KeyValueMemory` or was built without features;
        ``query_features`` is not a list of integer id lists or a 2-D integer array (ids >= 0,
        -1 = padding in an array); or ``max_frequency`` is not an integer >= 0.

    References
    ----------
    Miller, Fisch, Dodge, Karimi, Bordes & Weston (2016), "Key-value memory networks for directly
    reading documents", section 3.1 (key hashing with an inverted index, word frequency < F).
    """
    if not isinstance(memory, KeyValueMemory):
        raise MemsimError(f"memory must be a KeyValueMemory, got {type(memory).__name__}")
    if memory.index_indptr is None:
        raise MemsimError(
            "key hashing needs slot features: build the memory with features=... "
            "(key_value_memory) or features_per_slot > 0 (random_memory)"
        )
    q_ptr, q_ids = id_lists(query_features, "query_features")
    freq = memory.frequency
    if max_frequency is None:
        usable = np.ones(memory.n_features, dtype=bool)
    else:
        usable = freq <= integer(max_frequency, "max_frequency", low=0)
    nb = q_ptr.shape[0] - 1
    bounds = np.zeros(nb, dtype=np.int64)
    K.candidate_bounds(q_ptr, q_ids, memory.index_indptr, usable, bounds)
    buf_ptr = np.zeros(nb + 1, dtype=np.int64)
    np.cumsum(bounds, out=buf_ptr[1:])
    buf = np.empty(int(buf_ptr[-1]), dtype=np.int64)
    counts = np.zeros(nb, dtype=np.int64)
    if nb:
        K.gather_candidates(
            q_ptr, q_ids, memory.index_indptr, memory.index_slots, usable, buf_ptr, buf, counts
        )
    indptr = np.zeros(nb + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    slots = np.empty(int(indptr[-1]), dtype=np.int64)
    if nb:
        K.compact_candidates(buf_ptr, buf, indptr, slots)
    readonly(indptr, slots)
    return Candidates(indptr, slots)


# --------------------------------------------------------------------------- reads on a memory


def _hashed_read(
    memory: KeyValueMemory,
    q: np.ndarray,
    cand: Candidates,
    score: str,
    normaliser: str,
    sopts: dict,
    nopts: dict,
    want_w: bool,
    method: str,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Read restricted to each query's candidates; dense (B, S) weights when asked."""
    nb = q.shape[0]
    n = memory.slots
    if cand.indptr.shape[0] - 1 != nb:
        raise MemsimError(
            f"candidates are given for {cand.indptr.shape[0] - 1} queries but there are {nb}"
        )
    fast = _fast_kinds(score, normaliser, sopts)
    if method == "blocked" and not fast:
        raise MemsimError(
            f"hashed reads with method='blocked' (the Numba kernel) need normaliser='softmax' "
            f"and score in {FAST_SCORES}"
        )
    out = np.zeros((nb, memory.values.shape[1]))
    w = np.zeros((nb, n)) if want_w else None
    if fast and method != "matrix":
        if n:  # checks the options on zeros (no overflow from any slot)
            _att.score(np.zeros((1, q.shape[1])), np.zeros((1, q.shape[1])), score, **sopts)
        flat = np.empty(cand.slots.shape[0])
        K.csr_softmax_read(
            np.ascontiguousarray(_fast_queries(q, score, sopts, nopts)),
            np.ascontiguousarray(_fast_keys(memory.keys, score, sopts)),
            memory.values,
            cand.indptr,
            cand.slots,
            out,
            flat,
        )
        if not (np.isfinite(out).all() and np.isfinite(flat).all()):
            raise _overflowed()
        if w is not None:
            w[np.repeat(np.arange(nb), cand.counts), cand.slots] = flat
        return out, w
    for b in range(nb):
        idx = cand.slots[cand.indptr[b] : cand.indptr[b + 1]]
        if idx.size == 0:
            continue
        r, p = read(
            q[b],
            memory.keys[idx],
            memory.values[idx],
            score,
            normaliser,
            return_weights=True,
            method="matrix",
            **sopts,
            **nopts,
        )
        out[b] = r
        if w is not None:
            w[b, idx] = p
    return out, w


def kv_read(
    memory: KeyValueMemory,
    queries: Any,
    score: str = "dot",
    normaliser: str = "softmax",
    *,
    candidates: Candidates | None = None,
    return_weights: bool = False,
    method: str = "auto",
    **options: Any,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """One read of a :class:`KeyValueMemory` (empty slots masked), optionally hashed.

    Without ``candidates`` this is :func:`read` with ``mask=memory.present``. With
    ``candidates`` (from :func:`hash_candidates`) each query reads only its candidate slots
    (the others get weight exactly 0, and their scores are never computed). Softmax with
    dot / scaled_dot / cosine runs in one parallel Numba kernel over the queries
    (``method="auto"`` or ``"blocked"``); other scores and normalisers, or
    ``method="matrix"``, read each query's candidates with :func:`read` (same numbers up to
    rounding). A query without candidates reads the zero vector.

    Parameters
    ----------
    memory : KeyValueMemory
        The memory; absent slots are masked.
    queries : array_like, (B, d) or (d,)
        Queries as rows.
    score, normaliser : str
        As in :func:`read`.
    candidates : Candidates, optional
        From :func:`hash_candidates`, one row per query; None reads every present slot.
    return_weights : bool
        Also return the (B, S) weights.
    method : {"auto", "matrix", "blocked"}
        As above and in :func:`read`.
    **options
        Score and normaliser options, as in :func:`read`.

    Returns
    -------
    read : (B, d_v) ((d_v,) for one query)
    weights : (B, S), when ``return_weights``

    Raises
    ------
    MemsimError
        If ``memory`` is not a :class:`KeyValueMemory`; ``candidates`` does not come from
        :func:`hash_candidates` or is for a different number of queries; ``method="blocked"`` with
        hashing and a normaliser other than softmax or a score other than dot, scaled_dot, cosine;
        or :func:`read`'s checks fail (unknown score or normaliser, an unknown option, a normaliser
        option that is missing or invalid (``alpha``, ``k``, ``temperature``) or a score option that
        is invalid (``beta``, ``eps``, ``weight``, ``w_query``, ``w_key``, ``v``), a bad ``method``
        or ``return_weights``, ``queries`` not a finite 1-D or 2-D array of the key size, or an
        overflowing score).

    References
    ----------
    Miller, Fisch, Dodge, Karimi, Bordes & Weston (2016), "Key-value memory networks for
    directly reading documents", section 3.1, eqs. 1-2, with key hashing.
    """
    if not isinstance(memory, KeyValueMemory):
        raise MemsimError(f"memory must be a KeyValueMemory, got {type(memory).__name__}")
    if candidates is None:
        mask = None if memory.present.all() else memory.present
        return read(
            queries,
            memory.keys,
            memory.values,
            score,
            normaliser,
            mask=mask,
            return_weights=return_weights,
            method=method,
            **options,
        )
    if not isinstance(candidates, Candidates):
        raise MemsimError(f"candidates must come from hash_candidates, got {candidates!r}")
    sopts, nopts = _read_options(options, "kv_read", score, normaliser, method)
    want_w = boolean(return_weights, "return_weights")
    single, q2 = _as_rows(float_array(queries, "queries", (1, 2)))
    _check_sizes(q2.shape[1], memory.keys.shape[1], score)
    out, w = _hashed_read(memory, q2, candidates, score, normaliser, sopts, nopts, want_w, method)
    return _answer_shape(out, w, single, want_w)


# --------------------------------------------------------------------------- hops and answers


@dataclass(frozen=True)
class HopResult:
    """Everything a multi-hop read produced (read-only arrays).

    Attributes
    ----------
    queries : (H + 1, B, d)
        ``q_1 .. q_{H+1}``: the initial queries and the query after every hop,
        ``q_{j+1} = R_j (q_j + o_j)``.
    reads : (H, B, d)
        Read-outs ``o_1 .. o_H``.
    weights : (H, B, S) or None
        Attention over the slots at every hop (when asked).
    answers : (B,) int64 or None
        Index of the best matching candidate answer (when candidate answers were given);
        ties go to the lowest index.
    answer_scores : (B, n_answers) or None
        ``y_i . q_{H+1}`` (or ``y_i . o_H`` with ``answer_from="read"``).
    candidates : (B,) int64 or None
        Number of slots each query could read (after masking and hashing).
    """

    queries: np.ndarray
    reads: np.ndarray
    weights: np.ndarray | None
    answers: np.ndarray | None
    answer_scores: np.ndarray | None
    candidates: np.ndarray | None


def _hop_matrices(R: Any, hops: int, d: int) -> list[np.ndarray | None]:
    """R as a list of H matrices (None = identity)."""
    if R is None:
        return [None] * hops
    if isinstance(R, (list, tuple)):
        if len(R) != hops:
            raise MemsimError(f"R has {len(R)} matrices but hops={hops}")
        mats = [None if r is None else float_array(r, f"R[{i}]", (2,)) for i, r in enumerate(R)]
    else:
        arr = float_array(R, "R", (2, 3))
        if arr.ndim == 3 and arr.shape[0] != hops:
            raise MemsimError(f"R has {arr.shape[0]} matrices but hops={hops}")
        mats = [arr] * hops if arr.ndim == 2 else list(arr)
    for i, r in enumerate(mats):
        if r is not None and r.shape != (d, d):
            raise MemsimError(f"R[{i}] must have shape ({d}, {d}) (the query size), got {r.shape}")
    return mats


def _answer(final: np.ndarray, answers: Any) -> tuple[np.ndarray | None, np.ndarray | None]:
    if answers is None:
        return None, None
    y = float_array(answers, "answers", (2,))
    if y.shape[0] == 0:
        raise MemsimError("answers must contain at least one candidate answer")
    if y.shape[1] != final.shape[1]:
        raise MemsimError(
            f"candidate answers have size {y.shape[1]} but the final query has size "
            f"{final.shape[1]}"
        )
    sc = final @ y.T
    return np.argmax(sc, axis=1).astype(np.int64), sc


def multi_hop(
    queries: Any,
    keys: Any,
    values: Any,
    *,
    hops: int = 1,
    R: Any = None,
    answers: Any = None,
    answer_from: str = "query",
    score: str = "dot",
    normaliser: str = "softmax",
    mask: Any = None,
    return_weights: bool = False,
    **options: Any,
) -> HopResult:
    """H hops ``o_j = read(q_j)``, ``q_{j+1} = R_j (q_j + o_j)``, then the best candidate answer.

    Miller et al. (2016), eqs. 1-4. Reads go through :func:`read`, so any
    score and normaliser of :mod:`memsim.attention`, 2-D keys (one shared memory) or 3-D keys
    (one memory per query, e.g. one story each) and a mask of empty slots are allowed.

    Parameters
    ----------
    queries : (B, d) or (d,)
    keys, values, mask, score, normaliser, **options
        As in :func:`read`. Hops add ``q + o``, so values must have the size d of the queries.
    hops : int >= 1
    R : None, (d, d), (H, d, d) or a list of H (d, d) arrays / None
        Query update after each hop (None = identity, ``q_{j+1} = q_j + o_j``).
    answers : (n_answers, d), optional
        Candidate answer embeddings y_i; the answer is ``argmax_i y_i . q_{H+1}``
        (eq. 4; the softmax does not change the argmax). Without it no answer is computed.
    answer_from : {"query", "read"}
        Compare the candidates with the final query ``q_{H+1}`` (the paper) or with the last
        read-out ``o_H`` (plain retrieval: which value was read).
    return_weights : bool
        Keep the attention over the slots at every hop.

    Returns
    -------
    HopResult

    Raises
    ------
    MemsimError
        If ``hops`` is not an integer >= 1; ``answer_from`` is not ``"query"`` or ``"read"``;
        ``queries`` is not a finite 1-D or 2-D array; ``values`` is not a finite 2-D or 3-D
        array whose last axis is d; ``R`` is not finite, has a number of matrices other than
        ``hops`` or a matrix not of shape (d, d); ``return_weights`` is not a bool;
        :func:`read` rejects ``keys``, ``mask``, ``score``, ``normaliser`` or an option, or a
        score overflows; or ``answers`` is not a finite 2-D array with at least one row of
        size d.

    References
    ----------
    Miller, Fisch, Dodge, Karimi, Bordes & Weston (2016), "Key-value memory networks for directly
    reading documents", section 3.1, eqs. 1-4 (addressing, reading, ``q_(j+1) = R_j (q_j + o)``,
    answer). Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section 2.2
    (``u_(k+1) = u_k + o_k``).
    """
    h = integer(hops, "hops", low=1)
    choice(answer_from, "answer_from", ANSWER_FROM)
    single, q2 = _as_rows(float_array(queries, "queries", (1, 2)))
    v = float_array(values, "values", (2, 3))
    _check_hop_sizes(v.shape[-1], q2)
    mats = _hop_matrices(R, h, q2.shape[1])
    want_w = boolean(return_weights, "return_weights")
    one_read = partial(
        read,
        keys=keys,
        values=v,
        score=score,
        normaliser=normaliser,
        mask=mask,
        return_weights=want_w,
        **options,
    )
    qs, reads, maps = _hops(q2, mats, one_read, want_w)
    n_slots = np.shape(keys)[-2]
    m = _mask(mask, q2.shape[0], n_slots)
    counts = (
        np.full(q2.shape[0], n_slots, dtype=np.int64)
        if m is None
        else np.broadcast_to(m.sum(axis=1), (q2.shape[0],)).astype(np.int64)
    )
    return _result(qs, reads, maps, answers, answer_from, counts, single)


def _check_hop_sizes(value_size: int, q2: np.ndarray) -> None:
    if value_size != q2.shape[1]:
        raise MemsimError(
            f"values have size {value_size} but queries have size {q2.shape[1]}: hops add "
            "q + o, so values must have the size of the queries"
        )


def _hops(q2: np.ndarray, mats: list, one_read: Callable, want_w: bool):
    """Queries q_1..q_(H+1), reads o_1..o_H and (if ``want_w``) the weights of every hop:
    ``o_j = one_read(q_j)``, ``q_(j+1) = R_j (q_j + o_j)`` (R_j None: identity)."""
    qs = [q2]
    reads = []
    maps = []
    for mat in mats:
        res = one_read(qs[-1])
        o, p = res if want_w else (res, None)
        reads.append(o)
        if p is not None:
            maps.append(p)
        nxt = qs[-1] + o
        if mat is not None:
            nxt = nxt @ mat.T
        qs.append(nxt)
    return qs, reads, (maps if want_w else None)


def _result(qs, reads, maps, answers, answer_from, counts, single) -> HopResult:
    final = qs[-1] if answer_from == "query" else reads[-1]
    ans, sc = _answer(final, answers)
    queries = np.stack(qs)
    rd = np.stack(reads)
    w = None if maps is None else np.stack(maps)
    if single:
        queries, rd = queries[:, 0], rd[:, 0]
        w = None if w is None else w[:, 0]
        ans = None if ans is None else ans[:1]
        sc = None if sc is None else sc[:1]
        counts = counts[:1]
    counts = np.array(counts, dtype=np.int64)
    readonly(queries, rd, w, ans, sc, counts)
    return HopResult(queries, rd, w, ans, sc, counts)


def kv_hops(
    memory: KeyValueMemory,
    queries: Any,
    *,
    hops: int = 1,
    R: Any = None,
    answers: Any = None,
    answer_from: str = "query",
    score: str = "dot",
    normaliser: str = "softmax",
    query_features: Any = None,
    hashing: bool = False,
    max_frequency: int | None = None,
    return_weights: bool = False,
    method: str = "auto",
    **options: Any,
) -> HopResult:
    """Multi-hop reads of a :class:`KeyValueMemory` with optional key hashing.

    Key hashing (``hashing=True``, Miller et al. 2016, section 3.1) selects each query's
    candidate slots once, from its ``query_features`` (the question's words), with
    :func:`hash_candidates`; every hop then reads only those slots. Otherwise every present slot
    is read. Hops and answer as in :func:`multi_hop`; ``answers=None`` with
    ``answer_from="read"`` uses the memory's values as the candidate answers.

    Parameters
    ----------
    memory : KeyValueMemory
        The memory; values must have the query size d (hops add q + o).
    queries : array_like, (B, d) or (d,)
        Initial queries q_1.
    hops : int >= 1
        Number of hops H.
    R : None, (d, d), (H, d, d) or a list of H (d, d) arrays / None
        Query update after each hop, as in :func:`multi_hop`.
    answers : (n_answers, d), optional
        Candidate answer embeddings, as in :func:`multi_hop`.
    answer_from : {"query", "read"}
        As in :func:`multi_hop`.
    score, normaliser : str
        As in :func:`read`.
    query_features : list of int lists, or (B, m) int array with -1 padding, optional
        Features of each query for key hashing (only with ``hashing=True``).
    hashing : bool
        Read only the candidates of :func:`hash_candidates`.
    max_frequency : int >= 0, optional
        As in :func:`hash_candidates` (only with ``hashing=True``).
    return_weights : bool
        Keep the (H, B, S) attention over the slots.
    method : {"auto", "matrix", "blocked"}
        As in :func:`kv_read`.
    **options
        Score and normaliser options, as in :func:`read`.

    Returns
    -------
    HopResult
        ``candidates`` holds the number of slots each query could read.

    Raises
    ------
    MemsimError
        If ``memory`` is not a :class:`KeyValueMemory`; ``hops`` is not an integer >= 1;
        ``answer_from`` is not ``"query"`` or ``"read"``; ``hashing`` is not a bool; ``queries`` is
        not a finite 1-D or 2-D array of the value size; ``R`` is invalid (see :func:`multi_hop`);
        ``hashing=True`` without ``query_features``, or ``query_features`` with a number of rows
        other than B; ``query_features`` or ``max_frequency`` given without hashing;
        :func:`hash_candidates` or :func:`kv_read` rejects its inputs (unknown score or normaliser,
        an unknown option, a normaliser option that is missing or invalid (``alpha``, ``k``,
        ``temperature``) or a score option that is invalid (``beta``, ``eps``, ``weight``,
        ``w_query``, ``w_key``, ``v``), a bad ``method``, an overflowing score); or ``answers`` is
        not a finite 2-D array with at least one row of size d.

    References
    ----------
    Miller, Fisch, Dodge, Karimi, Bordes & Weston (2016), "Key-value memory networks for
    directly reading documents", section 3.1, eqs. 1-4, with key hashing.
    """
    if not isinstance(memory, KeyValueMemory):
        raise MemsimError(f"memory must be a KeyValueMemory, got {type(memory).__name__}")
    h = integer(hops, "hops", low=1)
    choice(answer_from, "answer_from", ANSWER_FROM)
    use_hash = boolean(hashing, "hashing")
    single, q2 = _as_rows(float_array(queries, "queries", (1, 2)))
    _check_hop_sizes(memory.values.shape[1], q2)
    mats = _hop_matrices(R, h, q2.shape[1])
    if answers is None and answer_from == "read":
        answers = memory.values
    cand = None
    if use_hash:
        if query_features is None:
            raise MemsimError("hashing=True needs query_features (e.g. the question's word ids)")
        cand = hash_candidates(memory, query_features, max_frequency=max_frequency)
        if cand.indptr.shape[0] - 1 != q2.shape[0]:
            raise MemsimError(
                f"query_features has {cand.indptr.shape[0] - 1} rows but there are "
                f"{q2.shape[0]} queries"
            )
        counts = cand.counts
    elif query_features is not None or max_frequency is not None:
        raise MemsimError("query_features / max_frequency are only used with hashing=True")
    else:
        counts = np.full(q2.shape[0], int(memory.present.sum()), dtype=np.int64)
    one_read = partial(
        kv_read,
        memory,
        score=score,
        normaliser=normaliser,
        candidates=cand,
        return_weights=return_weights,
        method=method,
        **options,
    )
    qs, reads, maps = _hops(q2, mats, one_read, return_weights)
    return _result(qs, reads, maps, answers, answer_from, counts, single)
