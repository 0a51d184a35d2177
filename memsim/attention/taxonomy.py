"""The rest of the attention taxonomy: position encoding, hierarchical, multi-dimensional and
co-attention.

References
----------
* Vaswani et al. (2017), "Attention is all you need", section 3.5: sinusoidal position encoding
  ``PE(pos, 2i) = sin(pos / 10000^(2i/d))``, ``PE(pos, 2i+1) = cos(pos / 10000^(2i/d))``.
* Yang et al. (2016), "Hierarchical attention networks for document classification", section
  2.2: word attention (eqs. 5-7) ``u_it = tanh(W_w h_it + b_w)``,
  ``alpha_it = softmax_t(u_it^T u_w)``, ``s_i = sum_t alpha_it h_it``; sentence attention
  (eqs. 8-10) the same with ``W_s, b_s, u_s`` giving the document vector ``v``.
* Shen et al. (2018), "DiSAN: directional self-attention network for RNN/CNN-free language
  understanding", section 3.1: multi-dimensional (feature-wise) attention,
  ``f(x_i, q) = W^T sigma(W1 x_i + W2 q + b1) + b`` is a vector with one score per feature,
  each feature normalised over the tokens, ``s = sum_i P_i * x_i`` (elementwise).
* Xiong, Zhong & Socher (2017), "Dynamic coattention networks for question answering",
  section 2.2: affinity ``L = D^T Q``, attention of the document over the question and of the
  question over the document, summaries ``C^Q = D A^Q`` and the coattention context
  ``C^D = [Q; C^Q] A^D``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim._checks import (
    attention_array as float_array,
)
from memsim._checks import lookup
from memsim._checks import (
    strict_integer as integer,
)
from memsim._checks import (
    strict_real as real,
)
from memsim.attention.normalisers import normalise
from memsim.errors import MemsimError

__all__ = [
    "ACTIVATIONS",
    "CoAttention",
    "HierarchicalPooling",
    "co_attention",
    "hierarchical_attention_pool",
    "multidimensional_attention",
    "sinusoidal_position_encoding",
]


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


def sinusoidal_position_encoding(length: int, d_model: int, *, base: float = 10000.0) -> np.ndarray:
    """Sinusoidal position encoding (Vaswani et al. 2017, section 3.5).

    ``PE[pos, 2i] = sin(pos / base^(2i / d_model))``,
    ``PE[pos, 2i + 1] = cos(pos / base^(2i / d_model))`` for pos = 0..length-1. Each pair of
    columns is a rotation at its own frequency, so ``PE[pos + k]`` is a fixed linear function of
    ``PE[pos]``. An odd d_model ends with a sine column.

    Parameters
    ----------
    length : int >= 0
        Number of positions.
    d_model : int >= 1
        Encoding dimension.
    base : float > 1
        Base of the wavelengths (10000 in the paper).

    Returns
    -------
    numpy.ndarray
        (length, d_model) float64.

    Raises
    ------
    MemsimError
        If ``length`` is not an integer >= 0, ``d_model`` not an integer >= 1, or ``base`` not
        a finite real > 1.

    References
    ----------
    Vaswani et al. (2017), "Attention is all you need", section 3.5.
    """
    n = integer(length, "length", low=0)
    d = integer(d_model, "d_model", low=1)
    b = real(base, "base", low=1.0, low_open=True)
    pos = np.arange(n, dtype=np.float64)[:, None]
    two_i = np.arange(0, d, 2, dtype=np.float64)
    angle = pos / b ** (two_i / d)
    pe = np.empty((n, d))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : d // 2])
    return pe


@dataclass(frozen=True)
class HierarchicalPooling:
    """Result of :func:`hierarchical_attention_pool` (arrays read-only).

    Attributes
    ----------
    document : (d,) document vector v (Yang et al. 2016, eq. 10).
    sentence_vectors : (S, d) sentence vectors s_i (eq. 7).
    sentence_weights : (S,) sentence attention alpha_i (eq. 9).
    word_weights : tuple of S arrays (T_i,), word attention alpha_it (eq. 6).
    """

    document: np.ndarray
    sentence_vectors: np.ndarray
    sentence_weights: np.ndarray
    word_weights: tuple[np.ndarray, ...]


def _pool_level(
    items: np.ndarray,
    context: np.ndarray,
    projection: np.ndarray | None,
    bias: np.ndarray | None,
    normaliser: str,
    nopts: dict,
) -> tuple[np.ndarray, np.ndarray]:
    u = items if projection is None else np.tanh(items @ projection.T + bias)
    w = normalise(u @ context, normaliser, **nopts)
    return w @ items, w


def _level_params(
    level: str, d: int, context: Any, projection: Any, bias: Any
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    ctx = float_array(context, f"{level}_context", (1,))
    if projection is None:
        if bias is not None:
            raise MemsimError(f"{level}_bias needs a {level}_projection")
        if ctx.shape[0] != d:
            raise MemsimError(
                f"{level}_context must have length {d} (no projection), got {ctx.shape[0]}"
            )
        return ctx, None, None
    w = float_array(projection, f"{level}_projection", (2,))
    if w.shape != (ctx.shape[0], d):
        raise MemsimError(
            f"{level}_projection must have shape (len({level}_context), d) = "
            f"({ctx.shape[0]}, {d}), got {w.shape}"
        )
    b = np.zeros(ctx.shape[0]) if bias is None else float_array(bias, f"{level}_bias", (1,))
    if b.shape[0] != ctx.shape[0]:
        raise MemsimError(f"{level}_bias must have length {ctx.shape[0]}, got {b.shape[0]}")
    return ctx, w, b


def hierarchical_attention_pool(
    sentences: Sequence[Any],
    word_context: Any,
    sentence_context: Any,
    *,
    word_projection: Any = None,
    word_bias: Any = None,
    sentence_projection: Any = None,
    sentence_bias: Any = None,
    normaliser: str = "softmax",
    **normaliser_options: Any,
) -> HierarchicalPooling:
    """Hierarchical attention pooling: words -> sentences -> document (Yang et al. 2016).

    Word level (eqs. 5-7): ``u_it = tanh(W_w h_it + b_w)``, ``alpha_i = normaliser(u_it . u_w)``
    over the words of sentence i, ``s_i = sum_t alpha_it h_it``. Sentence level (eqs. 8-10): the
    same over the sentence vectors with ``W_s, b_s, u_s`` gives the document vector. The paper
    feeds GRU annotations to each level; here the inputs are used directly (give encoded word
    vectors if you have them). Without a projection, ``u = h`` (plain dot-product pooling).

    Parameters
    ----------
    sentences : sequence of (T_i, d) arrays
        Word vectors of each sentence (sentences may have different lengths, T_i >= 1).
    word_context, sentence_context : (d_u,) arrays
        Context vectors u_w and u_s.
    word_projection, sentence_projection : (d_u, d) arrays, optional
        W_w and W_s.
    word_bias, sentence_bias : (d_u,) arrays, optional
        b_w and b_s (zero if a projection is given without a bias).
    normaliser, **normaliser_options
        As in :func:`memsim.attention.normalise` (default softmax, as in the paper).

    Returns
    -------
    HierarchicalPooling

    Raises
    ------
    MemsimError
        If ``sentences`` is empty, a sentence is not a finite 2-D array, has no words or a word
        dimension different from ``sentences[0]``; a context vector is not a finite 1-D array
        (of length d without a projection); a projection is not a finite 2-D array of shape
        (d_u, d); a bias is given without its projection or is not a finite 1-D array of
        length d_u; or :func:`memsim.attention.normalise` rejects the
        normaliser (unknown ``normaliser``, a missing or unknown option, an invalid
        ``temperature``, ``alpha`` or ``k``) or the scores (overflow to ``+inf``).

    References
    ----------
    Yang et al. (2016), "Hierarchical attention networks for document classification",
    section 2.2, eqs. 5-7 (word attention) and 8-10 (sentence attention). Lin et al. (2017),
    "A structured self-attentive sentence embedding" (attention pooling of a sequence into one
    vector).
    """
    if isinstance(sentences, np.ndarray) and sentences.ndim == 3:
        sents = [sentences[i] for i in range(sentences.shape[0])]
    else:
        sents = list(sentences)
    if not sents:
        raise MemsimError("sentences must contain at least one sentence")
    arrs = [float_array(s, f"sentences[{i}]", (2,)) for i, s in enumerate(sents)]
    d = arrs[0].shape[1]
    for i, a in enumerate(arrs):
        if a.shape[0] == 0:
            raise MemsimError(f"sentences[{i}] has no words")
        if a.shape[1] != d:
            raise MemsimError(
                f"sentences[{i}] has word dimension {a.shape[1]}, sentences[0] has {d}"
            )
    uw, ww, bw = _level_params("word", d, word_context, word_projection, word_bias)
    us, ws, bs = _level_params("sentence", d, sentence_context, sentence_projection, sentence_bias)
    vectors, word_w = [], []
    for a in arrs:
        s, w = _pool_level(a, uw, ww, bw, normaliser, normaliser_options)
        vectors.append(s)
        word_w.append(_readonly(w))
    sv = np.stack(vectors)
    doc, sw = _pool_level(sv, us, ws, bs, normaliser, normaliser_options)
    return HierarchicalPooling(_readonly(doc), _readonly(sv), _readonly(sw), tuple(word_w))


def _elu(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0.0)))


#: Activations for :func:`multidimensional_attention` (DiSAN uses ELU).
ACTIVATIONS = {
    "elu": _elu,
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0.0),
    "identity": lambda x: x,
}


def multidimensional_attention(
    queries: Any,
    keys: Any,
    values: Any,
    *,
    w_key: Any,
    w_out: Any,
    w_query: Any = None,
    bias: Any = None,
    out_bias: Any = None,
    activation: str = "elu",
    normaliser: str = "softmax",
    return_weights: bool = False,
    **normaliser_options: Any,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Multi-dimensional (feature-wise) attention (Shen et al. 2018, DiSAN, section 3.1).

    Each key k gets a score vector with one entry per value feature,
    ``f(k, q) = W^T act(W1 k + W2 q + b1) + b`` (W1 = ``w_key``, W2 = ``w_query``,
    W = ``w_out``, b1 = ``bias``, b = ``out_bias``); each feature f is normalised over the keys
    separately, ``P[:, f] = normaliser(f(., q)[:, f])``, and the read-out is
    ``r_f = sum_k P[k, f] values[k, f]``. ``queries=None`` is DiSAN's source2token form (no
    query term, one read-out).

    Parameters
    ----------
    queries : (B, d_q) or (d_q,) or None
    keys : (K, d_k)
    values : (K, d_v)
    w_key : (h, d_k)
    w_out : (h, d_v)
    w_query : (h, d_q), required unless queries is None
    bias : (h,), optional;  out_bias : (d_v,), optional
    activation : {"elu", "tanh", "relu", "identity"}
    normaliser, **normaliser_options
        As in :func:`memsim.attention.normalise` (default softmax).
    return_weights : bool
        Also return the weights, (B, K, d_v) ((K, d_v) for one or no query).

    Returns
    -------
    read : (B, d_v), or (d_v,) for one or no query
    weights : when asked

    Raises
    ------
    MemsimError
        If ``activation`` is unknown; ``keys`` or ``values`` is not a finite 2-D array, they
        differ in number of rows or have none; ``w_key`` is not a finite 2-D array of shape
        (h, d_k), ``w_out`` not of shape (h, d_v), ``bias`` not of length h, ``out_bias`` not of
        length d_v; ``w_query`` is given without queries or missing with them, or not of shape
        (h, d_q); ``queries`` is not a finite 1-D or 2-D array; the feature scores overflow; or
        :func:`memsim.attention.normalise` rejects the
        normaliser (unknown ``normaliser``, a missing or unknown option, an invalid
        ``temperature``, ``alpha`` or ``k``) or the scores (overflow to ``+inf``).

    References
    ----------
    Shen et al. (2018), "DiSAN: directional self-attention network for RNN/CNN-free language
    understanding", section 3.1 (multi-dimensional attention, source2token form). Lin et al.
    (2017), "A structured self-attentive sentence embedding" (a matrix of attention weights
    instead of one vector).
    """
    act = lookup(ACTIVATIONS, activation, "activation")
    k = float_array(keys, "keys", (2,))
    v = float_array(values, "values", (2,))
    if v.shape[0] != k.shape[0]:
        raise MemsimError(f"values has {v.shape[0]} rows but there are {k.shape[0]} keys")
    if k.shape[0] == 0:
        raise MemsimError("keys must contain at least one key (got 0 rows)")
    w1 = float_array(w_key, "w_key", (2,))
    h = w1.shape[0]
    if w1.shape[1] != k.shape[1]:
        raise MemsimError(f"w_key must have shape (h, {k.shape[1]}), got {w1.shape}")
    wo = float_array(w_out, "w_out", (2,))
    if wo.shape != (h, v.shape[1]):
        raise MemsimError(f"w_out must have shape ({h}, {v.shape[1]}), got {wo.shape}")
    b1 = np.zeros(h) if bias is None else float_array(bias, "bias", (1,))
    if b1.shape[0] != h:
        raise MemsimError(f"bias must have length {h}, got {b1.shape[0]}")
    b2 = np.zeros(v.shape[1]) if out_bias is None else float_array(out_bias, "out_bias", (1,))
    if b2.shape[0] != v.shape[1]:
        raise MemsimError(f"out_bias must have length {v.shape[1]}, got {b2.shape[0]}")
    key_part = k @ w1.T + b1  # (K, h)
    if queries is None:
        if w_query is not None:
            raise MemsimError("w_query is given but queries is None (source2token form)")
        hidden = key_part[None, :, :]
        single = True
    else:
        q = float_array(queries, "queries", (1, 2))
        single = q.ndim == 1
        q2 = q[None, :] if single else q
        if w_query is None:
            raise MemsimError("w_query is required when queries are given")
        w2 = float_array(w_query, "w_query", (2,))
        if w2.shape != (h, q2.shape[1]):
            raise MemsimError(f"w_query must have shape ({h}, {q2.shape[1]}), got {w2.shape}")
        hidden = key_part[None, :, :] + (q2 @ w2.T)[:, None, :]  # (B, K, h)
    f = act(hidden) @ wo + b2  # (B, K, d_v)
    if not np.isfinite(f).all():
        raise MemsimError("multidimensional_attention: feature scores overflowed (not finite)")
    p = normalise(f, normaliser, axis=1, **normaliser_options)
    read = np.einsum("bkf,kf->bf", p, v)
    if single:
        read, p = read[0], p[0]
    return (read, p) if return_weights else read


@dataclass(frozen=True)
class CoAttention:
    """Result of :func:`co_attention` for sets A (n_a x d_a) and B (n_b x d_b), read-only.

    Attributes
    ----------
    affinity : (n_a, n_b) ``L[i, j] = s(a_i, b_j)``.
    a_weights : (n_a, n_b) each row: how item a_i attends over B (normalised over j).
    b_weights : (n_b, n_a) each row: how item b_j attends over A (normalised over i).
    a_context : (n_a, d_b) ``a_weights @ B``: a summary of B for each a_i.
    b_context : (n_b, d_a) ``b_weights @ A``: a summary of A for each b_j (DCN's C^Q).
    a_coattention : (n_a, d_b + d_a) ``a_weights @ [B, b_context]`` (DCN's C^D).
    """

    affinity: np.ndarray
    a_weights: np.ndarray
    b_weights: np.ndarray
    a_context: np.ndarray
    b_context: np.ndarray
    a_coattention: np.ndarray


def co_attention(
    a: Any,
    b: Any,
    *,
    weight: Any = None,
    normaliser: str = "softmax",
    **normaliser_options: Any,
) -> CoAttention:
    """Co-attention between two sets (Xiong, Zhong & Socher 2017, section 2.2).

    Affinity ``L = A W B^T`` (W = identity by default, as DCN's ``L = D^T Q``); A attends over B
    row-wise, B attends over A column-wise; the summaries of A for each b_j are attended again
    by A, giving the coattention context ``a_weights @ [B, b_context]``. With A the document and
    B the question this is DCN's ``A^D, A^Q, C^Q, C^D`` in memsim's row convention.

    Parameters
    ----------
    a : (n_a, d_a)
    b : (n_b, d_b)
    weight : (d_a, d_b), optional
        Bilinear affinity matrix (needed when d_a != d_b).
    normaliser, **normaliser_options
        As in :func:`memsim.attention.normalise`.

    Returns
    -------
    CoAttention

    Raises
    ------
    MemsimError
        If ``a`` or ``b`` is not a finite 2-D array or has no rows; ``a`` and ``b`` differ in
        dimension and no ``weight`` is given; ``weight`` is not a finite 2-D array of shape
        (d_a, d_b); the affinities overflow; or :func:`memsim.attention.normalise` rejects the
        normaliser (unknown ``normaliser``, a missing or unknown option, an invalid
        ``temperature``, ``alpha`` or ``k``) or the scores (overflow to ``+inf``).

    References
    ----------
    Xiong, Zhong & Socher (2017), "Dynamic coattention networks for question answering",
    section 2.2 (coattention encoder).
    """
    aa = float_array(a, "a", (2,))
    bb = float_array(b, "b", (2,))
    if aa.shape[0] == 0 or bb.shape[0] == 0:
        raise MemsimError(f"a and b must be non-empty, got shapes {aa.shape} and {bb.shape}")
    if weight is None:
        if aa.shape[1] != bb.shape[1]:
            raise MemsimError(
                f"a and b have dimensions {aa.shape[1]} and {bb.shape[1]}: give a weight of "
                f"shape ({aa.shape[1]}, {bb.shape[1]})"
            )
        aff = aa @ bb.T
    else:
        w = float_array(weight, "weight", (2,))
        if w.shape != (aa.shape[1], bb.shape[1]):
            raise MemsimError(
                f"weight must have shape ({aa.shape[1]}, {bb.shape[1]}), got {w.shape}"
            )
        aff = aa @ w @ bb.T
    if not np.isfinite(aff).all():
        raise MemsimError("co_attention: affinities overflowed (not finite)")
    wa = normalise(aff, normaliser, axis=1, **normaliser_options)
    wb = normalise(aff, normaliser, axis=0, **normaliser_options).T
    ca = wa @ bb
    cb = wb @ aa
    co = wa @ np.concatenate([bb, cb], axis=1)
    return CoAttention(*(_readonly(x) for x in (aff, wa, wb, ca, cb, co)))
