"""Sentence encodings for memory networks: position encoding, word vectors, bags of words.

References
----------
* Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section 4.1
  (position encoding): a sentence ``x_i = (x_i1, ..., x_iJ)`` is stored as
  ``m_i = sum_j l_j * A x_ij`` (element-wise product), with
  ``l_kj = (1 - j/J) - (k/d)(1 - 2 j/J)`` for word position j = 1..J and embedding index
  k = 1..d (J = number of words in the sentence, d = embedding dimension).
* The authors' released MATLAB code (facebookarchive/MemNN, ``MemN2N-babi-matlab/build_model.m``)
  computes the weights differently:
  ``l_kj = 1 + 4 (k - (d+1)/2)(j - (J+1)/2) / (d J)``, with J the fixed maximum number of words
  of the data set (plus one for the "time word" when temporal encoding is on). The popular
  TensorFlow and PyTorch ports use the same expression. Rewriting both,
  ``paper = 1/2 + 2 (j - J/2)(k - d/2) / (d J)`` and
  ``code = 1 + 4 (j - (J+1)/2)(k - (d+1)/2) / (d J)``: the code's weights are twice the
  paper's, centred on the middle word / dimension instead of on J/2, d/2. Both are available
  here (``variant="paper"`` and ``variant="memn2n_code"``); this module was written from the
  formulas, not copied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from memsim._checks import choice, integer, readonly
from memsim._rng import generator
from memsim.errors import MemsimError

__all__ = [
    "PE_VARIANTS",
    "Vocabulary",
    "bag_of_words",
    "encode_sentences",
    "position_encoding",
    "word_vectors",
]

#: Variants of :func:`position_encoding`.
PE_VARIANTS = ("paper", "memn2n_code")

#: Sentence encodings of :func:`encode_sentences`.
ENCODINGS = ("position", "bow")

_WORD_VECTOR_KEY = 801  # stream key of word vectors (seed, 801, ...)


def position_encoding(sentence_length: int, dim: int, variant: str = "paper") -> np.ndarray:
    """Position-encoding weights ``l`` as a (J, d) array: row j-1 weighs the j-th word.

    Parameters
    ----------
    sentence_length : int >= 1
        J, the number of word positions.
    dim : int >= 1
        d, the embedding dimension.
    variant : {"paper", "memn2n_code"}
        ``"paper"``: ``l[j-1, k-1] = (1 - j/J) - (k/d)(1 - 2 j/J)`` (Sukhbaatar et al. 2015,
        section 4.1, 1-based j and k). ``"memn2n_code"``:
        ``l[j-1, k-1] = 1 + 4 (j - (J+1)/2)(k - (d+1)/2) / (d J)``, the expression in the
        authors' MATLAB code (``MemN2N-babi-matlab/build_model.m``); there J is the fixed
        maximum sentence length of the data set.

    Returns
    -------
    numpy.ndarray
        (J, d) float64, read-only.

    Raises
    ------
    MemsimError
        If ``sentence_length`` or ``dim`` is not an integer >= 1, or ``variant`` is not
        ``"paper"`` or ``"memn2n_code"``.

    References
    ----------
    Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section 4.1 (position
    encoding and bag-of-words sentence representations). The ``"memn2n_code"`` variant: the authors'
    MATLAB code, facebookarchive/MemNN, ``MemN2N-babi-matlab/build_model.m``.

    Examples
    --------
    >>> position_encoding(2, 2)
    array([[0.5, 0.5],
           [0.5, 1. ]])
    """
    j_len = integer(sentence_length, "sentence_length", low=1)
    d = integer(dim, "dim", low=1)
    choice(variant, "variant", PE_VARIANTS)
    j = np.arange(1, j_len + 1, dtype=np.float64)[:, None]
    k = np.arange(1, d + 1, dtype=np.float64)[None, :]
    if variant == "paper":
        out = (1.0 - j / j_len) - (k / d) * (1.0 - 2.0 * j / j_len)
    else:
        out = 1.0 + 4.0 * (j - (j_len + 1) / 2.0) * (k - (d + 1) / 2.0) / (d * j_len)
    readonly(out)
    return out


@dataclass(frozen=True)
class Vocabulary:
    """An ordered list of words with their indices.

    Attributes
    ----------
    words : tuple of str
        Word ``i`` has index ``i``.
    """

    words: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(set(self.words)) != len(self.words):
            dup = sorted({w for w in self.words if self.words.count(w) > 1})
            raise MemsimError(f"vocabulary has duplicate words: {dup}")
        object.__setattr__(self, "_index", {w: i for i, w in enumerate(self.words)})

    def __len__(self) -> int:
        return len(self.words)

    def index(self, word: str) -> int:
        """Index of ``word``; MemsimError for an unknown word."""
        try:
            return self._index[word]  # type: ignore[attr-defined]
        except KeyError:
            raise MemsimError(f"word {word!r} is not in the vocabulary") from None

    def ids(self, words: Iterable[str]) -> np.ndarray:
        """Indices of a sequence of words (int64)."""
        return np.array([self.index(w) for w in words], dtype=np.int64)


def word_vectors(count: int, dim: int, seed: int = 0) -> np.ndarray:
    """Fixed random word vectors: (count, dim), entries normal with variance 1/dim.

    Each vector has squared norm about 1 and two vectors have dot product about
    ``N(0, 1/dim)``. Drawn from the stream ``(seed, 801)``, so the same seed gives the same
    vectors. Row ``i`` is the vector of word ``i``.

    Parameters
    ----------
    count : int >= 0
        Number of words (rows).
    dim : int >= 1
        Embedding dimension d.
    seed : int >= 0
        Random seed.

    Returns
    -------
    numpy.ndarray
        (count, dim) float64, read-only.

    Raises
    ------
    MemsimError
        If ``count`` is not an integer >= 0, ``dim`` not an integer >= 1, or ``seed`` not an
        integer >= 0.

    References
    ----------
    Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section 2.1 (the
    embedding matrices A, B, C; memsim uses fixed random embeddings instead of learned ones).
    """
    n = integer(count, "count", low=0)
    d = integer(dim, "dim", low=1)
    rng = generator(integer(seed, "seed"), _WORD_VECTOR_KEY, d)
    out = rng.standard_normal((n, d)) / np.sqrt(d)
    readonly(out)
    return out


def bag_of_words(ids: Any, vectors: Any, weights: np.ndarray | None = None) -> np.ndarray:
    """``sum_j weights[j] * vectors[ids[j]]`` for one sentence (1-D ids, -1 = padding skipped).

    ``weights`` (J, d) are position-encoding weights (row j for the j-th word), or None for a
    plain bag of words.

    Parameters
    ----------
    ids : array_like of int, (J,)
        Word ids of one sentence; ``-1`` marks padding (skipped).
    vectors : array_like, (V, d)
        Word vectors, row = word id.
    weights : numpy.ndarray, (J, d), optional
        Position-encoding weights, e.g. :func:`position_encoding`; None = plain sum.

    Returns
    -------
    numpy.ndarray
        (d,) float64; the zero vector for an all-padding sentence.

    Raises
    ------
    IndexError
        If an id is >= V, ``vectors`` is not 2-D, or ``weights`` has fewer than J rows.
    ValueError, TypeError
        If ``ids`` or ``vectors`` cannot be converted to int64 / float64 arrays, ``ids`` is
        not 1-D, or ``weights`` rows do not have length d.

    This per-sentence helper does not validate its inputs (no MemsimError); use
    :func:`encode_sentences` for checked input.

    References
    ----------
    Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section 4.1
    (position encoding and bag-of-words sentence representations).
    """
    idx = np.asarray(ids, dtype=np.int64)
    vec = np.asarray(vectors, dtype=np.float64)
    out = np.zeros(vec.shape[1])
    for j, w in enumerate(idx):
        if w < 0:
            continue
        out += vec[w] if weights is None else weights[j] * vec[w]
    return out


def encode_sentences(
    ids: Any,
    vectors: Any,
    *,
    encoding: str = "position",
    variant: str = "paper",
    sentence_length: int | None = None,
) -> np.ndarray:
    """Encode sentences of word ids as bags of word vectors, with or without position weights.

    ``m = sum_j l_j * e(x_j)`` (Sukhbaatar et al. 2015, section 4.1) with ``l`` from
    :func:`position_encoding` (``encoding="position"``), or ``m = sum_j e(x_j)``
    (``encoding="bow"``, section 4.1's bag-of-words representation).

    Parameters
    ----------
    ids : int array (..., J)
        Word ids; ``-1`` marks padding (the word is skipped). The last axis is the word
        position. An all-padding sentence encodes to the zero vector.
    vectors : (V, d)
        Word vectors (row = word id), e.g. from :func:`word_vectors` or an embedding matrix.
    encoding : {"position", "bow"}
    variant : {"paper", "memn2n_code"}
        Position-encoding variant (see :func:`position_encoding`).
    sentence_length : int, optional
        J of the position encoding. None: the number of words of each sentence (the paper's
        definition, padding excluded; a sentence's words must come before its padding).
        An int: one fixed J for every sentence (the released code's convention); it must be
        at least the last axis of ``ids``.

    Returns
    -------
    numpy.ndarray
        (..., d) float64.

    Raises
    ------
    MemsimError
        If ``encoding`` is not ``"position"`` or ``"bow"``; ``variant`` is not ``"paper"`` or
        ``"memn2n_code"``; ``ids`` is not an integer array with at least one dimension, or has
        ids outside [-1, V-1]; ``vectors`` is not 2-D; ``sentence_length`` is not an integer
        >= 1 or is shorter than the last axis of ``ids``; or, with ``sentence_length=None``,
        a sentence has padding before a word.

    References
    ----------
    Sukhbaatar, Szlam, Weston & Fergus (2015), "End-to-end memory networks", section 4.1
    (position encoding and bag-of-words sentence representations).
    """
    choice(encoding, "encoding", ENCODINGS)
    choice(variant, "variant", PE_VARIANTS)
    x = np.asarray(ids)
    if x.ndim < 1 or not np.issubdtype(x.dtype, np.integer):
        raise MemsimError(f"ids must be an integer array (..., J), got shape {x.shape}")
    vec = np.asarray(vectors, dtype=np.float64)
    if vec.ndim != 2:
        raise MemsimError(f"vectors must be a 2-D (V, d) array, got shape {vec.shape}")
    if x.size and (x.max() >= vec.shape[0] or x.min() < -1):
        raise MemsimError(
            f"ids must lie in [-1, {vec.shape[0] - 1}] (-1 = padding), got range "
            f"[{x.min()}, {x.max()}]"
        )
    d = vec.shape[1]
    j_max = x.shape[-1]
    flat = x.reshape(-1, j_max)
    present = flat >= 0
    emb = np.where(present[..., None], vec[np.where(present, flat, 0)], 0.0)  # (n, J, d)
    if encoding == "bow" or j_max == 0:
        out = emb.sum(axis=1)
        return out.reshape(x.shape[:-1] + (d,))
    if sentence_length is not None:
        j_fix = integer(sentence_length, "sentence_length", low=1)
        if j_fix < j_max:
            raise MemsimError(
                f"sentence_length={j_fix} is shorter than the sentences' last axis ({j_max})"
            )
        weights = np.broadcast_to(position_encoding(j_fix, d, variant)[:j_max], emb.shape)
    else:
        lengths = present.sum(axis=1)
        if (np.diff(present.astype(np.int8), axis=1) > 0).any():
            raise MemsimError(
                "with sentence_length=None every sentence must have its words first and its "
                "padding (-1) last"
            )
        weights = np.zeros(emb.shape)
        for length in np.unique(lengths):
            if length == 0:
                continue
            rows = lengths == length
            weights[rows, :length] = position_encoding(int(length), d, variant)
    out = (weights * emb).sum(axis=1)
    return out.reshape(x.shape[:-1] + (d,))


def _pad(rows: Sequence[np.ndarray], width: int | None = None) -> np.ndarray:
    """Stack 1-D int arrays into a (n, width) array padded with -1."""
    w = max((len(r) for r in rows), default=0) if width is None else width
    out = np.full((len(rows), w), -1, dtype=np.int64)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out
