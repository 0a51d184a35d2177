"""Attention read-outs: soft / key-value, global and local, multi-head, self- and pointer attention.

Conventions: queries are rows of a B x d_q array (one 1-D query gives 1-D results), keys rows of
a K x d_k array, values rows of a K x d_v array. Weights are B x K (an attention map: row b says
how much query b reads from each key). A ``mask`` is a boolean array of shape (K,) or (B, K),
True = key available; masked keys get weight exactly 0.

References
----------
* Bahdanau, Cho & Bengio (2015), "Neural machine translation by jointly learning to align and
  translate": context ``c_i = sum_j alpha_ij h_j`` (eq. 5), ``alpha = softmax(e)`` (eq. 6).
* Luong, Pham & Manning (2015), "Effective approaches to attention-based neural machine
  translation": global attention (section 3.1, eqs. 7-8), local attention (section 3.2):
  local-m ``p_t = t``; local-p ``p_t = S sigmoid(v_p^T tanh(W_p h_t))`` (eq. 9) and Gaussian
  weighting ``a_t(s) = align(h_t, h_s) exp(-(s - p_t)^2 / (2 sigma^2))``, sigma = D / 2 (eq. 10).
* Vaswani et al. (2017), "Attention is all you need": ``softmax(Q K^T / sqrt(d_k)) V`` (eq. 1),
  multi-head attention (section 3.2.2), masked (causal) self-attention (section 3.2.3).
* Vinyals, Fortunato & Jaitly (2015), "Pointer networks": ``u_j = v^T tanh(W1 e_j + W2 d_i)``,
  ``p(C_i | ...) = softmax(u)`` (eq. 3); the output is the index of an input.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from memsim import _blas, _threads
from memsim._checks import (
    attention_array as float_array,
)
from memsim._checks import (
    bool_mask,
    lookup,
    registry_options,
)
from memsim._checks import (
    strict_integer as integer,
)
from memsim._checks import (
    strict_real as real,
)
from memsim._docstrings import fill_doc
from memsim._rng import generator
from memsim.attention import _kernels as K
from memsim.attention import scores as _scores
from memsim.attention.normalisers import _HUGE32, _TINY32, NORMALISERS, normalise
from memsim.attention.scores import SCORES, unit_rows
from memsim.errors import MemsimError

__all__ = [
    "STREAM_MIN_PAIRS",
    "attend",
    "causal_mask",
    "global_attention",
    "local_attention",
    "multi_head_attention",
    "pointer_attention",
    "predict_positions",
    "random_multi_head_weights",
    "readout_cost_ns",
    "self_attention",
    "serial_tile_sizes",
    "soft_attention",
    "softmax_readout",
    "tile_sizes",
]

SCORE_OPTIONS = ("beta", "weight", "w_query", "w_key", "v", "eps")
NORMALISER_OPTIONS = ("temperature", "alpha", "k")
FUSED_SCORES = ("dot", "scaled_dot", "cosine")
METHODS = ("auto", "matrix", "chunked", "fused")
_FAST_OPTIONS = frozenset({"beta", "eps", "temperature"})

#: Kept for compatibility: ``attend(method="auto")`` now takes the blocked path
#: (``softmax_readout(method="chunked")``) at every size when the normaliser is softmax, the
#: score dot/scaled_dot/cosine and no weights are asked for; it is never slower than the
#: matrix path (benchmarks/bench_attention.py).
STREAM_MIN_PAIRS = 1 << 20

#: Multiply-adds per BLAS call of the tiled read-out (``softmax_readout(method="chunked")``,
#: the path of ``attend``): at most 65536 x 4, the size up to which every recent OpenBLAS runs
#: a GEMM in the calling thread (interface/gemm.c: SMP_THRESHOLD_MIN x
#: GEMM_MULTITHREAD_THRESHOLD), so the tiles of different Numba threads never wait for each
#: other inside the BLAS library (a multithreaded GEMM called from two threads at once was
#: measured 10-100x slower). With another BLAS only the speed changes, never the numbers.
TILE_MULTIPLY_ADDS = 65536 * 4

#: Without BLAS held to one thread (small work, or a BLAS that threadpoolctl cannot set) the
#: tiled read-out is used up to this query/value dimension; above it tiles under
#: :data:`TILE_MULTIPLY_ADDS` get too small for BLAS to be efficient, and the read-out runs as
#: blocks of :data:`CHUNK_ENTRIES` scores between two multithreaded BLAS products instead.
TILE_MAX_DIM = 128

#: Score entries per block of the blocked read-out (dimensions above :data:`TILE_MAX_DIM`):
#: at most 16 M (128 MB of float64), never more than plain numpy's B x K matrix.
CHUNK_ENTRIES = 1 << 24

#: Largest number of keys per tile (the score tile of a single query stays in L1/L2 cache).
TILE_MAX_KEYS = 2048

#: Largest number of keys per tile for a single query (B = 1).
TILE_MAX_KEYS_ONE_QUERY = 1 << 14

#: With fewer query blocks than this the keys are split into chunks (merged per query in chunk
#: order afterwards), so small batches run in parallel too. A constant, not the thread count:
#: the numbers never depend on the number of threads.
TILE_TASKS = 8

#: Tiled read-outs whose estimated serial time (:func:`readout_cost_ns`) is at least this many
#: nanoseconds run as tasks shared between memsim's threads (:func:`memsim._threads.share`),
#: smaller ones in the calling thread (None: always there). The shared tasks never wait for a
#: thread that another process keeps off its core (the calling thread takes every task the
#: others have not started), so the threshold is that of :data:`memsim._threads.MIN_NS`. The
#: tiles follow from the shapes alone, so the numbers are the same either way.
PARALLEL_MIN_NS: float | None = 1e6

#: Tiles of a read-out whose BLAS products are held to one thread (:func:`held_tile_sizes`):
#: scores per tile and the range of queries per block. Measured on the 2-core development
#: machine (B = 1000, K = 10^4, d = 64; docs/benchmarks/peers_attention.csv): the read-out in
#: 17.8 ms (float32) and 35.3 ms (float64) against plain numpy's 27.7 and 57.1 ms; 16 x 256
#: tiles (the largest below OpenBLAS's own threading threshold) took 24 and 45 ms.
HELD_TILE_ENTRIES = 1 << 18
HELD_BLOCK_Q_MIN = 64
HELD_BLOCK_Q_MAX = 256
#: Tasks aimed at by :func:`held_tile_sizes` (query blocks, else key chunks): few large tasks
#: measured best (4 against 8: B = 1000 1.79x numpy against 1.71x in float32); memsim's
#: threads take them one at a time, so uneven tasks do not leave a thread waiting long.
HELD_TASKS = 4

#: One query whose keys and values take at most this many bytes (K x (d + d_v) x itemsize) is
#: read in one Numba call; above it numpy's BLAS products read them (measured on the 2-core
#: machine, d = 64, interleaved with plain numpy: the one call 1.1-1.4x numpy up to K = 10^4 in
#: float32 and K = 4000 in float64, the numpy products ahead from K = 10^4 in float64).
ONE_QUERY_KERNEL_BYTES = 1 << 23

#: Tiles of a serial read-out (:func:`serial_tile_sizes`): at most this many queries and score
#: entries (64 x 1024 float64 scores are 512 KiB).
SERIAL_TILE_Q = 64
SERIAL_TILE_ENTRIES = 1 << 16

#: Estimated serial cost of the read-out in ns per multiply-add of the two products and per
#: exponential, float64 and float32 (single core of the development machine, rounded up).
COST_NS = {"float64": (0.05, 1.5), "float32": (0.025, 0.8)}

#: Blocks with at least this many score entries run the row softmax between the two BLAS
#: products (the weights of ``attend(return_weights=True)`` / ``method="matrix"``, and
#: dimensions above :data:`TILE_MAX_DIM`) in parallel Numba (over rows); smaller ones (and all,
#: with ``None``, the default) serially. Right after a BLAS product OpenBLAS's own threads still
#: spin on the other cores, so a parallel row pass competes with them (measured 0.5x of the
#: serial pass on the 2-core development machine); the serial pass with the vectorised
#: exponential costs about 1 ns per score. Results are bit-identical either way.
PARALLEL_MIN_ENTRIES: int | None = None

#: Tile sizes of the fused kernel (queries per parallel task, keys per step).
FUSED_BLOCK_Q = 16
FUSED_BLOCK_K = 1024


#: the Raises section of :func:`attend` and the read-outs built on it (some add to it)
_ATTEND_ERRORS = """Raises
------
MemsimError
    If ``queries`` is not a finite numeric 1-D or 2-D array, ``keys`` not a finite 2-D array
    with at least one row, or ``values`` not a finite 1-D or 2-D array with one row per key;
    queries and keys differ in dimension (``"dot"``, ``"scaled_dot"``, ``"cosine"``,
    ``"neg_sq_distance"``); ``score`` or ``normaliser`` is not a registered name; an option
    is unknown, missing (``weight``; ``w_query``, ``w_key``, ``v``; ``alpha``; ``k``) or
    invalid (``beta``, ``eps``, ``temperature``, ``alpha``, ``k``, weight shapes);
    ``mask`` is not a boolean array of shape (K,) or (B, K) or leaves a query with no
    available key; or the score of an available key overflows (``+inf`` or NaN, or every
    available key of a query at ``-inf``)."""


def split_options(options: dict[str, Any], who: str) -> tuple[dict, dict]:
    """Split ``**options`` into score and normaliser options; unknown names are an error."""
    unknown = sorted(set(options) - set(SCORE_OPTIONS) - set(NORMALISER_OPTIONS))
    if unknown:
        raise MemsimError(
            f"{who}: unknown option(s) {unknown}; score options are {list(SCORE_OPTIONS)}, "
            f"normaliser options {list(NORMALISER_OPTIONS)}"
        )
    s = {k: v for k, v in options.items() if k in SCORE_OPTIONS}
    n = {k: v for k, v in options.items() if k in NORMALISER_OPTIONS}
    return s, n


def _queries(queries: Any, name: str = "queries") -> tuple[np.ndarray, bool]:
    q = float_array(queries, name, (1, 2))
    return (q[None, :], True) if q.ndim == 1 else (q, False)


def _values(values: Any, n_keys: int) -> tuple[np.ndarray, bool]:
    v = float_array(values, "values", (1, 2))
    if v.shape[0] != n_keys:
        raise MemsimError(f"values has {v.shape[0]} rows but there are {n_keys} keys")
    return (v[:, None], True) if v.ndim == 1 else (v, False)


def _weighted_read(w: np.ndarray, v: np.ndarray, vec: bool) -> np.ndarray:
    """Read-out ``w @ v`` of (B, K) weights and (K, d_v) values; (B,) for 1-D values (``vec``)."""
    read = w @ v
    return read[:, 0] if vec else read


def _as_given(read: np.ndarray, w: np.ndarray, single: bool, return_weights: bool) -> Any:
    """The read-out (and the weights with ``return_weights``), one row for one query."""
    if single:
        read, w = read[0], w[0]
    return (read, w) if return_weights else read


def _masked_scores(s: np.ndarray, mask: np.ndarray | None, who: str) -> np.ndarray:
    """Scores with masked keys set to -inf *before* anything looks at them, then checked.

    Overflow in a masked key is ignored. Among available keys, ``+inf`` or NaN raises; a score
    that overflowed to ``-inf`` gets weight 0 like a masked key (its weight underflows to 0 in
    any case), unless every available key of a query did, which raises.
    """
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    if np.isnan(s).any() or np.isposinf(s).any():
        raise MemsimError(
            f"{who}: some scores of available keys are not finite (overflow): reduce beta or "
            "the size of the queries and keys"
        )
    if s.size and (s.max(axis=-1) == -np.inf).any():
        raise MemsimError(
            f"{who}: every available key of some query has a score that overflowed to -inf; "
            "reduce beta or the size of the queries and keys"
        )
    return s


def softmax_readout(
    queries: Any,
    keys: Any,
    values: Any,
    *,
    score: str = "dot",
    beta: float = 1.0,
    temperature: float = 1.0,
    eps: float = 1e-8,
    mask: Any = None,
    method: str = "chunked",
    chunk_entries: int | None = None,
    block_q: int | None = None,
    block_k: int | None = None,
) -> np.ndarray:
    """``softmax(beta s(Q, K) / T) V`` without storing the B x K score matrix.

    Same result as ``attend(queries, keys, values, score, "softmax", ...)`` up to rounding, for
    ``score`` in ``"dot"``, ``"scaled_dot"``, ``"cosine"``. Scales are folded into the queries
    (for cosine the rows are normalised first). With ``values = keys`` and ``score="dot"`` this
    is one update of the continuous modern Hopfield network, ``xi <- X^T softmax(beta X xi)``
    with the patterns as the rows of X, as memsim stores them (Ramsauer et al. 2021, "Hopfield
    networks is all you need", eq. 3, writes ``xi <- X softmax(beta X^T xi)`` with the patterns
    as columns: the same update).

    Two methods:

    * ``"chunked"`` (default, fastest measured; the path of ``attend(method="auto")``): tiles
      of ``block_q`` queries x ``block_k`` keys, computed as fixed tasks (query blocks x key
      chunks). Per tile a BLAS product for the scores, one pass per row (mask, maximum,
      ``exp(s - running max)`` with a float64 sum; a NaN sum or +inf maximum flags non-finite
      scores), online rescaling as in Milakov & Gimelshein 2018, a BLAS product of the
      weights with the values into a float64 accumulator. Key chunks (used when there are
      fewer than :data:`TILE_TASKS` query blocks, so small batches run in parallel too) are
      merged per query in chunk order. Work estimated at :data:`PARALLEL_MIN_NS` or more
      (:func:`readout_cost_ns`) is shared between memsim's threads
      (:func:`memsim._threads.share`) with the BLAS library held to one thread
      (:func:`memsim._blas.one_thread`), in the large tiles of :func:`held_tile_sizes`
      (without a BLAS that can be held: :func:`tile_sizes`, below
      :data:`TILE_MULTIPLY_ADDS` multiply-adds). Smaller work runs in the calling thread
      (:func:`serial_tile_sizes`), and one query in one call (two matrix-vector products
      around one pass). The tiles follow from the shapes only, so the numbers do not depend
      on the thread count. Memory O(B d_v x chunks + threads x block_q x block_k), far below
      plain numpy's B x K matrix.
    * ``"fused"``: one Numba kernel (:func:`memsim.attention._kernels.fused_softmax_read`), no
      BLAS: queries in parallel blocks of ``block_q``, keys streamed in blocks of ``block_k`` with
      a running maximum and normaliser per query (online softmax, Milakov & Gimelshein 2018).
      Memory O(B d_v + threads x block_q x block_k). Slower than BLAS on the development machine
      (see benchmarks/bench_attention.py), kept for callers that want no large temporaries at all
      or that run inside their own Numba code.

    Parameters
    ----------
    queries : (B, d) or (d,)
    keys : (K, d)
    values : (K, d_v) or (K,)
    score : {"dot", "scaled_dot", "cosine"}
    beta, temperature, eps : float
        As in :func:`memsim.attention.score` and :func:`memsim.attention.softmax`.
    mask : bool array (K,) or (B, K), optional
        True = key available; every query needs one.
    method : {"chunked", "fused"}
    chunk_entries : int, optional
        At most this many scores per tile (``"chunked"``; default from :func:`held_tile_sizes`,
        :func:`tile_sizes` or :func:`serial_tile_sizes`, as described above).
    block_q, block_k : int, optional
        Tile sizes (default: as for ``chunk_entries`` for ``"chunked"``, 16 x 1024 for
        ``"fused"``).

    Returns
    -------
    numpy.ndarray
        (B, d_v) read-outs ((d_v,) for one query; a value vector of shape (K,) gives (B,)),
        float32 when queries, keys and values are all float32, else float64.

    Raises
    ------
    MemsimError
        If ``score`` is not ``"dot"``, ``"scaled_dot"`` or ``"cosine"``; ``method`` is not
        ``"chunked"`` or ``"fused"``; ``beta`` or ``eps`` is not a finite real (``eps`` < 0),
        ``temperature`` not a finite real > 0; ``chunk_entries``, ``block_q`` or ``block_k``
        is given and not an integer >= 1; ``queries`` is not a 1-D or 2-D
        array, ``keys`` not a 2-D array with at least one row, or ``values`` not a 1-D or 2-D
        array with one row per key; queries and keys differ in dimension; ``queries``,
        ``keys`` or ``values`` contain NaN or inf; ``mask`` is not a boolean array of shape
        (K,) or (B, K) or leaves a query with no available key; or a score of an available key
        overflows.

    Notes
    -----
    Precision: float64 inputs are computed in float64 (relative error of the read-out about
    1e-15). When all three inputs are float32 everything stays float32 (float32 BLAS, a float32
    exponential accurate to 1-2 ulp) except the row sums of the weights and the accumulation of
    the per-tile read-outs, both in float64; no float64 copy of the inputs is made. The error
    against the float64 computation on the same (float32) numbers is about
    ``eps32 * (1 + max |score|)`` relative to ``max |v|`` (eps32 = 1.2e-7; the score term is
    the rounding of the float32 scores, which the exponential turns into a relative error of
    the weights): measured 4e-7 to 1e-6 for B = 1000, K = 10^4, d = 64 with scores of order 1
    (tests/unit/test_attention_precision.py). The ``"fused"`` method computes in float64 and
    rounds the result to float32. float32 inputs whose scaled queries or scores overflow
    float32 are computed in float64 by either method and the result rounded to float32
    (tests/unit/test_float32_overflow.py); only scores beyond the float64 range raise.

    Threads: large read-outs use Numba's thread count (``numba.set_num_threads``, the
    ``NUMBA_NUM_THREADS`` environment variable, or ``memsim --threads``) and, while they run,
    hold every BLAS library of the process to one thread (through threadpoolctl; restored
    afterwards, also on an error or an interrupt). The result does not depend on memsim's
    thread count. Smaller read-outs and single queries use BLAS as the process configured it,
    so, like numpy's own products, they can differ in the last bits with the BLAS library's
    thread setting (``OPENBLAS_NUM_THREADS``).

    Checks: the inputs are not scanned separately for NaN/inf. The Numba row pass counts NaN
    and +inf scores of available keys (a NaN in a query or key always gives one, and so does
    an infinite entry unless the score comes out exactly ``-inf``, which counts as a score
    overflowing to ``-inf``: weight 0), and the read-out is checked for NaN/inf as it is
    written (a NaN or inf value always gives one, also at weight 0: IEEE ``0 * inf = NaN``);
    only then are the inputs scanned, to name the argument. With a mask, keys and values are
    scanned up front (masked keys are never scored). Scales are folded into the queries
    first, so ``beta / temperature`` times a query entry must stay within the float range
    (else the call raises, naming the overflow).

    References
    ----------
    Vaswani et al. (2017), "Attention is all you need", eq. 1. Ramsauer et al. (2021),
    "Hopfield networks is all you need", ICLR 2021, eq. 3 (the continuous modern Hopfield
    update, patterns as columns of X). Milakov & Gimelshein (2018), "Online normalizer
    calculation for softmax" (online rescaling); Dao et al. (2022), "FlashAttention",
    algorithm 1 (tiling).
    """
    opts = (score, beta, temperature, eps, mask, method, chunk_entries, block_q, block_k)
    return _softmax_read(queries, keys, values, (*opts, False, False, "softmax_readout"))


def _softmax_read(queries: Any, keys: Any, values: Any, opts: tuple) -> Any:
    """Body of :func:`softmax_readout`. ``opts`` is the tuple of its options as the caller gave
    them, ``(score, beta, temperature, eps, mask, method, chunk_entries, block_q, block_k,
    one_block, want_weights, who)`` (a plain tuple: this is the per-call path of every
    read-out), and is passed on as it is when the read-out is computed again (float64, values
    scaled). ``one_block``: one block holds all B x K scores (the matrix method);
    ``want_weights`` (needs ``one_block``) also returns the (B, K) weights; ``who`` names the
    public function in error messages.

    float32 inputs whose scaled queries or scores leave the float32 range are computed again in
    float64 (:func:`_in_float64`) and the results rounded to float32, so every method computes
    what float64 can; only scores beyond the float64 range raise."""
    (score, beta, temperature, eps, mask, method, chunk_entries, block_q, block_k, one_block,
     want_weights, who) = opts  # fmt: skip
    if score not in FUSED_SCORES:
        raise MemsimError(f"{who}: score must be one of {FUSED_SCORES}, got {score!r}")
    if method not in ("chunked", "fused"):
        raise MemsimError(f"{who}: method must be 'chunked' or 'fused', got {method!r}")
    b = real(beta, "beta")
    if type(temperature) is float and 0.0 < temperature < math.inf:
        t = temperature  # hot path: a plain positive float
    else:
        t = real(temperature, "temperature", low=0.0, low_open=True)
    if not (type(eps) is float and 0.0 <= eps < math.inf):  # hot path: the default float
        real(eps, "eps", low=0.0)
    bq = None if block_q is None else integer(block_q, "block_q", low=1)
    bk = None if block_k is None else integer(block_k, "block_k", low=1)
    ce = None if chunk_entries is None else integer(chunk_entries, "chunk_entries", low=1)
    if method == "fused":
        bq = FUSED_BLOCK_Q if bq is None else bq
        bk = FUSED_BLOCK_K if bk is None else bk
    q = _fast_array(queries, "queries", (1, 2))
    single = q.ndim == 1
    if single:
        q = q[None, :]
    k = _fast_array(keys, "keys", (2,))
    if k.shape[0] == 0:
        raise MemsimError("keys must contain at least one key (got 0 rows)")
    if q.shape[1] != k.shape[1]:
        raise MemsimError(
            f"queries have dimension {q.shape[1]} but keys have dimension {k.shape[1]}"
        )
    v = _fast_array(values, "values", (1, 2))
    if v.shape[0] != k.shape[0]:
        raise MemsimError(f"values has {v.shape[0]} rows but there are {k.shape[0]} keys")
    vec = v.ndim == 1
    if vec:
        v = v[:, None]
    m = None if mask is None else bool_mask(mask, q.shape[0], k.shape[0], single)
    if m is not None or method == "fused":
        # masked keys are never scored: their rows must be checked explicitly
        _check_finite(q, "queries")
        _check_finite(k, "keys")
        _check_finite(v, "values")
    # tiles larger than the problem are the problem (a huge block_k must not allocate)
    bq = bq if bq is None else min(bq, max(1, q.shape[0]))
    bk = bk if bk is None else min(bk, k.shape[0])
    ce = ce if ce is None else min(ce, max(1, q.shape[0]) * k.shape[0])
    dt = q.dtype.type
    if not (k.dtype == q.dtype and v.dtype == q.dtype):
        dt = _common_dtype(q, k, v)
        q, k, v = q.astype(dt, copy=False), k.astype(dt, copy=False), v.astype(dt, copy=False)
    # computed again below (float64, scaled values) with opts as given: the same shapes clamp
    # the tiles alike
    if method == "fused" and dt is np.float32:  # the fused kernel computes in float64
        out, w = _in_float64(q, k, v, opts)
        return _shaped(out, w, single, vec, want_weights)
    scale = b / t
    if score == "scaled_dot" and q.shape[1]:
        scale /= math.sqrt(q.shape[1])
    if dt is np.float32 and scale and not (_TINY32 <= abs(scale) <= _HUGE32):
        # a scale that is not a normal float32 number (a subnormal one keeps a few bits only)
        out, w = _in_float64(q, k, v, opts)
        return _shaped(out, w, single, vec, want_weights)
    if score == "cosine":
        e = real(eps, "eps", low=0.0)
        _check_finite(q, "queries")
        _check_finite(k, "keys")
        with np.errstate(over="ignore"):  # a float32 overflow is computed again in float64
            qs = unit_rows(q, e) * dt(scale)
        ks = unit_rows(k, e)
    elif scale != 1.0:
        with np.errstate(over="ignore", invalid="ignore"):
            qs = q * dt(scale)
        ks = k
    else:
        qs, ks = q, k
    out = np.empty((q.shape[0], v.shape[1]), dtype=dt)
    if out.size and method == "fused":
        mk = np.zeros((0, k.shape[0]), dtype=bool) if m is None else m
        f64 = np.float64
        o64 = np.empty(out.shape)
        K.fused_softmax_read(
            np.ascontiguousarray(qs, f64),
            np.ascontiguousarray(ks.T, f64),
            np.ascontiguousarray(v, f64),
            mk,
            o64,
            bq,
            bk,
        )
        out[...] = o64
        flags = np.zeros(0, np.int64)
    elif out.size and not one_block:
        f = _read_into(qs, ks, v, m, out, ce, bq, bk)
        if f and dt is np.float32:
            out[...] = _in_float64(q, k, v, opts)[0]
        elif f:
            _raise_flags(f, ((q, "queries"), (k, "keys")), v, who)
        flags = None
    elif out.size or want_weights:
        flags, w = _blocked_softmax_read(qs, ks, v, m, out, max(1, q.shape[0] * k.shape[0]), True)
        if dt is np.float32 and (flags.any() or not np.isfinite(out).all()):
            o32, w, flags = *_in_float64(q, k, v, opts), None
            out[...] = o32
    else:
        flags = np.zeros(0, np.int64)
    if flags is not None:
        e = 0 if flags.any() else _overflow_exponent(out, v)
        if e:  # values near the float maximum: once more with v 2^-e, exactly scaled back
            res = _softmax_read(q, k, np.ldexp(v, -e).astype(v.dtype, copy=False), opts)
            out, w = res if want_weights else (res, None)
            with np.errstate(over="ignore"):
                np.ldexp(out, e, out=out, casting="unsafe")
        _diagnose(flags, out, ((q, "queries"), (k, "keys")), v, who)
    return _shaped(out, w if want_weights else None, single, vec, want_weights)


def _overflow_exponent(out: np.ndarray, v: np.ndarray) -> int:
    """0 when ``out`` is finite (or v is not finite, or has no entry above 1); else the
    binary exponent e of max |v|: the read-out, a convex combination of the values, is then
    computed again with the values scaled by 2^-e, where its weighted sum cannot overflow."""
    if not out.size or np.isfinite(out).all() or not v.size or not np.isfinite(v).all():
        return 0
    big = float(np.abs(v).max())
    return math.frexp(big)[1] if big > 1.0 else 0


def _in_float64(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, redo: tuple
) -> tuple[np.ndarray, np.ndarray | None]:
    """:func:`_softmax_read` of the 2-D float32 arrays ``q``, ``k``, ``v`` (v as (K, d_v))
    again in float64 with the options ``redo``. Returns the read-out rounded to float32 (a
    convex combination of the values, so inside the float32 range) and the weights in float32
    (None unless asked for)."""
    f64 = np.float64
    res = _softmax_read(q.astype(f64), k.astype(f64), v.astype(f64), redo)
    want_weights = redo[10]
    if want_weights:
        return res[0].astype(np.float32), res[1].astype(np.float32)
    return res.astype(np.float32), None


def _shaped(
    out: np.ndarray, w: np.ndarray | None, single: bool, vec: bool, want_weights: bool
) -> Any:
    """The (B, d_v) read-out as the caller gave the inputs: (B,) for 1-D values, one row for
    one query, with the weights when asked."""
    if vec:
        out = out[:, 0]
    if want_weights:
        return (out[0], w[0]) if single else (out, w)
    return out[0] if single else out


def _fast_array(x: Any, name: str, ndims: tuple[int, ...]) -> np.ndarray:
    """float32 or float64 array (no copy when it already is one); finiteness is NOT checked here
    (the blocked read-out checks it on the way, :func:`_diagnose`)."""
    if type(x) is np.ndarray and (x.dtype is _F64 or x.dtype is _F32):
        arr = x  # hot path: the native float dtypes are singletons
    elif isinstance(x, np.ndarray) and x.dtype in (np.float32, np.float64):
        arr = x
    else:
        arr = float_array(x, name)  # converts, checks finiteness (cheap: not yet an array)
    if arr.ndim not in ndims:
        allowed = " or ".join(f"{n}-D" for n in ndims)
        raise MemsimError(f"{name} must be {allowed}, got an array of shape {arr.shape}")
    return arr


_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)


def _common_dtype(*arrays: np.ndarray) -> type:
    """float32 when every input is float32, else float64."""
    return np.float32 if all(a.dtype == np.float32 for a in arrays) else np.float64


def _check_finite(x: np.ndarray, name: str) -> None:
    if x.size and not np.isfinite(x).all():
        raise MemsimError(f"{name} must contain only finite numbers (found NaN or inf)")


_TILE_SIZES_DOC = """Parameters
----------
nb, nk : int >= 1
    Number of queries B and of keys K.
d, dv : int >= 0
    Dimension of queries/keys and of values.
entries : int >= 1, optional
    Largest number of scores per tile.

Returns
-------
tuple of int
    ``(block_q, block_k, chunk_k)``; ``chunk_k`` is a multiple of ``block_k``.

Raises
------
ZeroDivisionError
    If ``nb`` or ``nk`` is 0 (callers pass non-empty shapes).

References
----------
Dao et al. (2022), "FlashAttention: fast and memory-efficient exact attention with
IO-awareness", algorithm 1 (tiling with online softmax)"""


@fill_doc(tile_sizes_doc=_TILE_SIZES_DOC)
def tile_sizes(
    nb: int, nk: int, d: int, dv: int, entries: int | None = None
) -> tuple[int, int, int]:
    """Tile and chunk sizes of the tiled read-out (``softmax_readout(method="chunked")``).

    A tile of ``block_q`` queries x ``block_k`` keys keeps both BLAS products below
    :data:`TILE_MULTIPLY_ADDS` multiply-adds (so they run in the calling thread) and at most
    ``entries`` scores; when there are fewer than :data:`TILE_TASKS` query blocks the keys are
    split into chunks of ``chunk_k`` so that there are about that many tasks. Computed from
    the shapes only, never from the thread count, so the numbers do not depend on it.

    {tile_sizes_doc}; Milakov & Gimelshein (2018),
    "Online normalizer calculation for softmax".
    """
    w = max(d, dv, 1)
    bq = min(nb, 64 if w <= 64 else 32 if w <= 512 else 16)
    if bq == 1:
        # one query: matrix-vector products, run serially (see _tiled_read); long tiles mean
        # few BLAS calls (a tile of 2^14 float64 scores is 128 KiB, in L2 cache)
        bk = min(nk, TILE_MAX_KEYS_ONE_QUERY)
    else:
        bk = max(8, TILE_MULTIPLY_ADDS // (bq * w) // 8 * 8)
        bk = min(bk, TILE_MAX_KEYS, nk)
    return _chunked(nb, nk, bq, bk, entries, TILE_TASKS)


def _chunked(
    nb: int, nk: int, bq: int, bk: int, entries: int | None, tasks: int
) -> tuple[int, int, int]:
    """``(block_q, block_k, chunk_k)`` from tile sizes: tiles shrunk to at most ``entries``
    scores, and keys cut into chunks when there are fewer than ``tasks`` query blocks, so that
    there are about that many tasks."""
    if entries is not None and bq * bk > entries:
        bk = max(1, min(bk, entries // bq))
        bq = max(1, min(bq, entries // bk))
    nqb = -(-nb // bq)
    nkb = -(-nk // bk)
    chunks = max(1, min(nkb, tasks // nqb))
    return bq, bk, -(-nkb // chunks) * bk


def serial_tile_sizes(nb: int, nk: int, entries: int | None = None) -> tuple[int, int, int]:
    """Tile sizes of a tiled read-out that runs in the calling thread (estimated cost below
    :data:`PARALLEL_MIN_NS`): up to :data:`SERIAL_TILE_Q` queries x :data:`SERIAL_TILE_ENTRIES`
    scores per tile (in the L2 cache), one key chunk. Its BLAS products are as large as plain
    numpy's for small batches (B = 64, K = 1000: one tile), and BLAS may thread them itself,
    since no other Numba thread calls BLAS at the same time.

    Parameters
    ----------
    nb, nk : int >= 1
        Number of queries B and of keys K.
    entries : int >= 1, optional
        Largest number of scores per tile.

    Returns
    -------
    tuple of int
        ``(block_q, block_k, chunk_k)`` with ``chunk_k`` covering every key.

    Raises
    ------
    ZeroDivisionError
        If ``nb`` is 0 (callers pass non-empty shapes).

    References
    ----------
    Dao et al. (2022), "FlashAttention", algorithm 1 (tiling with online softmax).
    """
    lim = SERIAL_TILE_ENTRIES if entries is None else min(entries, SERIAL_TILE_ENTRIES)
    bq = max(1, min(nb, SERIAL_TILE_Q, lim))
    bk = max(1, min(nk, lim // bq))
    return bq, bk, -(-nk // bk) * bk


def _read_into(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None,
    out: np.ndarray,
    entries: int | None = None,
    block_q: int | None = None,
    block_k: int | None = None,
) -> int:
    """out = softmax(q k^T) v (scores already scaled) by the tiled kernel, or for dimensions
    above :data:`TILE_MAX_DIM` (and no explicit tiles) by score blocks between two BLAS
    products; one query (no explicit tiles) by :func:`_one_query_read`. Returns the OR of the
    row flags, with FLAG_OUT for a non-finite read-out.

    A read-out that is not finite although every score is fine and the values are finite
    (values near the float maximum: the weighted sum overflows before its division by the
    weights' sum) is computed again with the values scaled by a power of two (exact) and the
    result scaled back: it is a convex combination of the values, so it fits."""
    f = _read_once(q, k, v, mask, out, entries, block_q, block_k)
    e = _overflow_exponent(out, v) if f == K.FLAG_OUT else 0
    if e:
        scaled = np.ldexp(v, -e).astype(v.dtype, copy=False)  # x 2^-e, exact
        f = _read_once(q, k, scaled, mask, out, entries, block_q, block_k)
        with np.errstate(over="ignore"):
            np.ldexp(out, e, out=out, casting="unsafe")
        if not f and not np.isfinite(out).all():
            f = K.FLAG_OUT
    return f


def _read_once(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None,
    out: np.ndarray,
    entries: int | None,
    block_q: int | None,
    block_k: int | None,
) -> int:
    """The body of :func:`_read_into` (one attempt)."""
    explicit = block_q is not None or block_k is not None
    if q.shape[0] == 1 and not explicit and (entries is None or entries >= k.shape[0]):
        return _one_query_read(q, k, v, mask, out)
    if max(q.shape[1], v.shape[1]) <= TILE_MAX_DIM or explicit or _held(q, k, v):
        return _tiled_read(q, k, v, mask, out, entries, block_q, block_k)
    ce = CHUNK_ENTRIES if entries is None else entries
    flags, _ = _blocked_softmax_read(q, k, v, mask, out, ce)
    f = int(np.bitwise_or.reduce(flags)) if flags.any() else 0
    if not np.isfinite(out).all():
        f |= K.FLAG_OUT
    return f


def _held(q: np.ndarray, k: np.ndarray, v: np.ndarray) -> bool:
    """True when the tiled read-out of these inputs runs shared tasks with BLAS held to one
    thread (then it is used for every dimension: measured 1.08-1.13x the two plain BLAS
    products for the modern Hopfield update at B = 1000, K = 10^4, d = 256, against 1.13-1.17x
    for score blocks between multithreaded BLAS products)."""
    lim = PARALLEL_MIN_NS
    if lim is None or not _blas.available():
        return False
    return readout_cost_ns(q.shape[0], k.shape[0], q.shape[1], v.shape[1], q.dtype) >= lim


def _one_query_read(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None, out: np.ndarray
) -> int:
    """out = softmax(q k^T) v for one query (q, out: (1, d), (1, d_v)), where the per-call
    overhead is most of the time: up to :data:`ONE_QUERY_KERNEL_BYTES` of keys and values in
    one Numba call (:func:`memsim.attention._kernels.one_query_read`), above it numpy's
    matrix-vector products (which thread themselves) around the Numba pass over the K scores.
    Same contract and flags as the tiled kernel."""
    use = mask is not None
    mrow = mask[0] if use else _NO_MASK[0]
    kc = k if k.flags.c_contiguous else np.ascontiguousarray(k)
    vc = v if v.flags.c_contiguous else np.ascontiguousarray(v)
    if k.shape[0] * (k.shape[1] + v.shape[1]) * k.itemsize <= ONE_QUERY_KERNEL_BYTES:
        q0 = q[0] if q.flags.c_contiguous else q[0].copy()
        return K.one_query_read(q0, kc, vc, mrow, use, out[0])
    with np.errstate(over="ignore", invalid="ignore"):  # flagged by the row pass instead
        s = kc @ q[0]
        tot, f = K._softmax_row(s, mrow, use)
        if f:
            return f
        out[0] = s @ vc  # (np.dot with out= was 1.6x slower in float64, numpy 2.4)
    return K.scale_checked(out[0], 1.0 / tot)


def readout_cost_ns(nb: int, nk: int, d: int, dv: int, dtype: Any = np.float64) -> float:
    """Estimated serial time (ns) of the softmax read-out of ``nb`` queries over ``nk`` keys.

    ``nb nk (d + dv)`` multiply-adds for the two products and ``nb nk`` exponentials, at the
    per-operation costs of :data:`COST_NS` (float32 or float64); compared with
    :data:`PARALLEL_MIN_NS` to decide whether threads are worth waking.

    Parameters
    ----------
    nb, nk : int
        Number of queries B and keys K.
    d, dv : int
        Dimension of queries/keys and of values.
    dtype : numpy dtype
        float32 or float64 (anything else is costed as float64).

    Returns
    -------
    float
        Estimated nanoseconds on one core.

    Raises
    ------
    TypeError
        If ``dtype`` is not something :class:`numpy.dtype` understands (callers pass an array's
        dtype).

    References
    ----------
    Vaswani et al. (2017), "Attention is all you need", eq. 1 (the two products and the
    softmax counted here).
    """
    c_mac, c_exp = COST_NS["float32" if dtype == np.float32 else "float64"]
    return float(nb) * float(nk) * ((d + dv) * c_mac + c_exp)


def _tiled_read(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None,
    out: np.ndarray,
    entries: int | None,
    block_q: int | None,
    block_k: int | None,
) -> np.ndarray:
    """out = softmax(q k^T) v by the tiled kernel (scores already scaled); returns the OR of
    the row flags (0 when all is well).

    Work estimated at :data:`PARALLEL_MIN_NS` or more runs as tasks shared between memsim's
    threads (:func:`memsim._threads.share`), with the BLAS library held to one thread
    (:func:`memsim._blas.one_thread`) and the large tiles of :func:`held_tile_sizes`; where
    BLAS cannot be held, with the small tiles of :func:`tile_sizes`. Smaller work runs in the
    calling thread with the tiles of :func:`serial_tile_sizes` (BLAS may thread those
    products itself). Either way the tiles follow from the shapes alone."""
    nb, nk = q.shape[0], k.shape[0]
    lim = PARALLEL_MIN_NS
    cost = readout_cost_ns(nb, nk, q.shape[1], v.shape[1], q.dtype)
    par = lim is not None and cost >= lim
    qc = q if q.flags.c_contiguous else np.ascontiguousarray(q)
    kc = k if k.flags.c_contiguous else np.ascontiguousarray(k)
    vc = v if v.flags.c_contiguous else np.ascontiguousarray(v)
    m = _NO_MASK if mask is None else mask
    use = mask is not None
    flags = np.empty(nb, np.int64)

    def tiles(held: bool) -> tuple[int, int, int]:
        if held:
            bq, bk, ck = held_tile_sizes(nb, nk, q.shape[1], v.shape[1], entries)
        elif par or nb == 1:
            bq, bk, ck = tile_sizes(nb, nk, q.shape[1], v.shape[1], entries)
        else:
            bq, bk, ck = serial_tile_sizes(nb, nk, entries)
        if block_q is not None or block_k is not None:
            bq = bq if block_q is None else block_q
            bk = bk if block_k is None else block_k
            ck = -(-ck // bk) * bk
        return bq, bk, ck

    if not par:
        return K.tiled_softmax_read_serial(qc, kc, vc, m, use, out, flags, *tiles(False))
    # signals deferred for the whole hold: a Ctrl-C between taking and releasing it (or inside
    # a Numba call) would leave BLAS at one thread; it is raised once all is restored
    with _threads.signals_deferred(), _blas.one_thread() as held:
        bq, bk, ck = tiles(held)
        n_tasks, mx, lsum, acc, fl = K.tile_state(nb, nk, vc.shape[1], bq, ck)

        def tasks(lo: int, hi: int) -> None:
            K.tiled_tasks(lo, hi, qc, kc, vc, m, use, bq, bk, ck, mx, lsum, acc, fl)

        _threads.share(tasks, n_tasks, cost)
        return K.tile_merge(out, mx, lsum, acc, fl, flags)


@fill_doc(tile_sizes_doc=_TILE_SIZES_DOC)
def held_tile_sizes(
    nb: int, nk: int, d: int, dv: int, entries: int | None = None
) -> tuple[int, int, int]:
    """Tile and chunk sizes of a tiled read-out whose BLAS products run one thread each
    (:func:`memsim._blas.one_thread`), so tiles can be as large as BLAS runs fastest.

    Queries in blocks of :data:`HELD_BLOCK_Q_MIN` to :data:`HELD_BLOCK_Q_MAX` (aiming at
    :data:`HELD_TASKS` blocks), keys in tiles of :data:`HELD_TILE_ENTRIES` scores per tile;
    with fewer than :data:`HELD_TASKS` query blocks the keys are split into chunks so that
    there are about that many tasks. Computed from the shapes only, never from the thread
    count, so the numbers do not depend on it.

    {tile_sizes_doc}.
    """
    lim = HELD_TILE_ENTRIES if entries is None else min(entries, HELD_TILE_ENTRIES)
    bq = min(nb, HELD_BLOCK_Q_MAX, max(HELD_BLOCK_Q_MIN, -(-nb // HELD_TASKS)))
    bk = min(max(8, lim // bq // 8 * 8), nk)
    chunks = HELD_TASKS // -(-nb // bq)
    if chunks > 1:  # few query blocks: key chunks of equal size (a multiple of 8 keys)
        bk = min(bk, max(8, (-(-nk // chunks) + 7) // 8 * 8))
    return _chunked(nb, nk, bq, bk, lim, HELD_TASKS)


def _blocked_softmax_read(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None,
    out: np.ndarray,
    entries: int,
    weights: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """out = softmax(q k^T) v in blocks of queries (scores already scaled).

    Returns the row flags and the score buffer; with ``weights`` (and ``entries`` >= B K, one
    block) the buffer holds the normalised weights.

    Per block: one BLAS product for the scores (float32 or float64 as the inputs), one Numba
    pass per row (mask, maximum, count of NaN/+inf/-inf, exp(s - max) with a float64 row sum),
    one BLAS product for the read-out. The rows are divided by their sums at the end. At most
    ``entries`` score entries are held (never more than B x K).
    """
    nb, nk = q.shape[0], k.shape[0]
    rows = max(1, min(nb, entries // nk))
    buf = np.empty((rows, nk), dtype=out.dtype)
    sums = np.empty(nb)
    flags = np.empty(nb, np.int64)
    kt = k.T
    m = _NO_MASK if mask is None else mask
    par = PARALLEL_MIN_ENTRIES is not None and rows * nk >= PARALLEL_MIN_ENTRIES
    kern = K.softmax_block if par else K.softmax_block_serial
    with np.errstate(over="ignore", invalid="ignore"):
        for b0 in range(0, nb, rows):
            b1 = min(nb, b0 + rows)
            s = buf[: b1 - b0]
            np.matmul(q[b0:b1], kt, out=s)
            kern(s, m, mask is not None, b0, sums[b0:b1], flags[b0:b1])
            np.matmul(s, v, out=out[b0:b1])
        inv = (1.0 / sums).astype(out.dtype)[:, None]  # same dtype: no mixed-type ufunc loop
        out *= inv
        if weights:
            buf[:nb] *= inv
    return flags, buf[:nb]


_NO_MASK = np.empty((1, 0), dtype=bool)


def _raise_flags(
    f: int, inputs: tuple[tuple[np.ndarray, str], ...], values: np.ndarray, who: str
) -> None:
    """Raise the documented error for the OR ``f`` of the row flags of the tiled read-out
    (inputs scanned only here, on the rare path, to name the argument)."""
    if f & (K.FLAG_BAD | K.FLAG_DEAD):
        _diagnose(np.array([f & (K.FLAG_BAD | K.FLAG_DEAD)]), np.zeros(0), inputs, values, who)
    if f & K.FLAG_OUT:
        _diagnose(np.zeros(1, np.int64), np.array([np.nan]), inputs, values, who)


def _diagnose(
    flags: np.ndarray,
    out: np.ndarray,
    inputs: tuple[tuple[np.ndarray, str], ...],
    values: np.ndarray,
    who: str,
) -> None:
    """Turn the row flags of :func:`_blocked_softmax_read` and a non-finite read-out into the
    documented errors, naming the argument when an input is not finite (only scanned here, on
    the rare path)."""
    f = int(np.bitwise_or.reduce(flags)) if flags.any() else 0
    if f:
        for arr, name in inputs:
            _check_finite(arr, name)
        if f & K.FLAG_BAD:
            raise MemsimError(
                f"{who}: some scores of available keys are not finite (overflow): reduce beta or "
                "the size of the queries and keys"
            )
        if f & K.FLAG_DEAD:
            raise MemsimError(
                f"{who}: every available key of some query has a score that overflowed to -inf; "
                "reduce beta or the size of the queries and keys"
            )
    if not np.isfinite(out).all():
        _check_finite(values, "values")
        raise MemsimError(
            f"{who}: scores overflowed (not finite); reduce beta or the size of the queries "
            "and keys"
        )


@fill_doc(attend_errors=_ATTEND_ERRORS)
def attend(
    queries: Any,
    keys: Any,
    values: Any,
    score: str = "dot",
    normaliser: str = "softmax",
    *,
    return_weights: bool = False,
    mask: Any = None,
    method: str = "auto",
    **options: Any,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Key-value attention: scores on the keys, normalised weights, weighted sum of the values.

    ``r_b = sum_k p_bk v_k`` with ``p_b = normaliser(s(q_b, k_1..K))`` (Bahdanau et al. 2015,
    eqs. 5-6; Vaswani et al. 2017, eq. 1 with ``score="scaled_dot"``).

    Parameters
    ----------
    queries : array_like, (B, d_q) or (d_q,)
    keys : array_like, (K, d_k)
    values : array_like, (K, d_v) or (K,)
    score : str
        A name in :data:`memsim.attention.SCORES`.
    normaliser : str
        A name in :data:`memsim.attention.NORMALISERS`.
    return_weights : bool
        Also return the B x K weights (the attention map).
    mask : bool array, (K,) or (B, K), optional
        True = key available. Every query needs at least one available key.
    method : {"auto", "matrix", "chunked", "fused"}
        ``"matrix"`` builds the B x K score matrix. ``"chunked"`` and ``"fused"`` call
        :func:`softmax_readout` with that method (softmax with dot / scaled_dot / cosine only, no
        weights). ``"auto"`` uses ``"chunked"`` whenever it is allowed, else ``"matrix"``. For
        softmax with dot / scaled_dot / cosine (options beta, eps, temperature) ``"auto"`` and
        ``"matrix"`` both run Numba kernels with BLAS products (``"auto"`` the tiled kernel of
        :func:`softmax_readout`, ``"matrix"`` and ``return_weights`` one block of all B x K
        scores with the same row pass); the two agree to rounding (relative 1e-13 in float64)
        and float32 inputs stay float32. Other scores and normalisers compute in float64.
    **options
        Score options (beta, weight, w_query, w_key, v, eps) and normaliser options
        (temperature, alpha, k).

    Returns
    -------
    read : numpy.ndarray
        (B, d_v) read-outs ((d_v,) for one query, (B,) for 1-D values); float32 when queries,
        keys and values are all float32 and the softmax path runs (softmax with dot /
        scaled_dot / cosine), else float64.
    weights : numpy.ndarray
        (B, K) weights, only when ``return_weights`` (the same dtype).

    {attend_errors}
        Also if ``method`` is not one of ``"auto"``, ``"matrix"``, ``"chunked"``,
        ``"fused"``, or is ``"chunked"`` / ``"fused"`` with another normaliser than softmax,
        another score than dot / scaled_dot / cosine, weight-matrix options or
        ``return_weights=True``.

    Notes
    -----
    Numerical contract, the same for every method: queries, keys and values must be finite
    (NaN or inf raise :class:`memsim.errors.MemsimError`, masked rows included). Masked keys
    are set to ``-inf`` before any maximum, exponential or check looks at their scores, so a
    masked key never changes the result or causes an error (an overflowing masked key is
    fine). Among available keys a score overflowing to ``+inf`` (or NaN) raises; one
    overflowing to ``-inf`` gets weight 0 (the limit), unless all of a query's available keys
    do. Normalisers shift by the maximum, so scores up to the float range are handled. With
    float32 inputs every method computes scores that overflow float32 (but not float64) in
    float64 and returns float32; scores beyond the float64 range raise, naming ``attend``.

    Threads: the softmax path follows :func:`softmax_readout` (Numba's thread count; BLAS held
    to one thread for the whole process while a large read-out runs); the numbers do not
    depend on the thread count.

    References
    ----------
    Bahdanau, Cho & Bengio (2015), "Neural machine translation by jointly learning to align and
    translate", eqs. 5-6. Vaswani et al. (2017), "Attention is all you need", eq. 1 (scaled
    dot-product attention).
    """
    if (
        method in ("auto", "chunked", "matrix")
        and normaliser == "softmax"
        and score in FUSED_SCORES
        and options.keys() <= _FAST_OPTIONS
    ):
        # hot path: no registry/signature inspection, inputs scanned once (softmax_readout);
        # with return_weights one block holds all B x K weights (as the matrix path)
        if method == "chunked" and return_weights:
            raise MemsimError(
                f"method={method!r} needs normaliser='softmax', score in "
                f"{FUSED_SCORES}, no weight matrices and return_weights=False"
            )
        o = options
        beta, eps, temp = o.get("beta", 1.0), o.get("eps", 1e-8), o.get("temperature", 1.0)
        one = return_weights or method == "matrix"
        opts = (
            score, beta, temp, eps, mask, "chunked", None, None, None, one, return_weights, "attend"
        )
        return _softmax_read(queries, keys, values, opts)
    if not isinstance(method, str) or method not in METHODS:
        raise MemsimError(f"method must be one of {METHODS}, got {method!r}")
    if not isinstance(score, str) or not isinstance(normaliser, str):
        raise MemsimError(
            f"score and normaliser must be names (str): score one of {sorted(SCORES)}, "
            f"normaliser one of {sorted(NORMALISERS)}; got {score!r} and {normaliser!r}"
        )
    lookup(SCORES, score, "score")
    lookup(NORMALISERS, normaliser, "normaliser")
    sopts, nopts = split_options(options, "attend")
    registry_options(NORMALISERS[normaliser], 1, normaliser, "normaliser", nopts)
    fusable = (
        normaliser == "softmax"
        and score in FUSED_SCORES
        and not return_weights
        and set(sopts) <= {"beta", "eps"}
    )
    if method in ("chunked", "fused") and not fusable:
        raise MemsimError(
            f"method={method!r} needs normaliser='softmax', score in "
            f"{FUSED_SCORES}, no weight matrices and return_weights=False"
        )
    if method == "auto" and fusable:
        method = "chunked"
    if method in ("chunked", "fused"):  # as given: float32 inputs stay float32
        o = {**sopts, **nopts}
        beta, eps, temp = o.get("beta", 1.0), o.get("eps", 1e-8), o.get("temperature", 1.0)
        opts = (
            score, beta, temp, eps, mask, method, None, None, None, False, False, "attend"
        )
        return _softmax_read(queries, keys, values, opts)
    q, single = _queries(queries)
    k = float_array(keys, "keys", (2,))
    if k.shape[0] == 0:
        raise MemsimError("keys must contain at least one key (got 0 rows)")
    v, vec = _values(values, k.shape[0])
    m = None if mask is None else bool_mask(mask, q.shape[0], k.shape[0], single)
    s = _masked_scores(_scores.checked_scores(q, k, score, **sopts), m, "attend")
    w = normalise(s, normaliser, axis=-1, **nopts)
    return _as_given(_weighted_read(w, v, vec), w, single, return_weights)


def soft_attention(
    queries: Any,
    memory: Any,
    score: str = "dot",
    normaliser: str = "softmax",
    *,
    return_weights: bool = False,
    mask: Any = None,
    **options: Any,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Soft attention over a memory whose rows are both keys and values.

    ``r = sum_k p_k m_k`` with ``p = normaliser(s(q, m_1..K))`` -- the weighted sum of the
    memory rows (Bahdanau et al. 2015, eq. 5). Same as ``attend(queries, memory, memory, ...)``.

    Parameters
    ----------
    queries : array_like, (B, d) or (d,)
        Queries as rows.
    memory : array_like, (K, d)
        Memory rows m_k, used as both keys and values.
    score : str
        A name in :data:`memsim.attention.SCORES`.
    normaliser : str
        A name in :data:`memsim.attention.NORMALISERS`.
    return_weights : bool
        Also return the (B, K) weights.
    mask : bool array, (K,) or (B, K), optional
        True = key available; every query needs one.
    **options
        Score and normaliser options, as in :func:`attend`.

    Returns
    -------
    read : numpy.ndarray
        (B, d) read-outs ((d,) for one query).
    weights : numpy.ndarray
        (B, K) weights ((K,) for one query), only when ``return_weights``.

    Raises
    ------
    MemsimError
        If ``queries`` is not a finite numeric 1-D or 2-D array, ``memory`` not a finite 2-D array
        with at least one row; queries and memory differ in dimension (``"dot"``, ``"scaled_dot"``,
        ``"cosine"``, ``"neg_sq_distance"``); ``score`` or ``normaliser`` is not a registered name;
        an option is unknown, missing (``weight``; ``w_query``, ``w_key``, ``v``; ``alpha``; ``k``)
        or invalid (``beta``, ``eps``, ``temperature``, ``alpha``, ``k``, weight shapes); ``mask``
        is not a boolean array of shape (K,) or (B, K) or leaves a query with no available key; or
        the score of an available key overflows (``+inf`` or NaN, or every available key of a query
        at ``-inf``).

    References
    ----------
    Bahdanau, Cho & Bengio (2015), "Neural machine translation by jointly learning to align and
    translate", eq. 5 (context vector) and eq. 6 (softmax weights).
    """
    return attend(
        queries,
        memory,
        memory,
        score,
        normaliser,
        return_weights=return_weights,
        mask=mask,
        **options,
    )


@fill_doc(attend_errors=_ATTEND_ERRORS)
def global_attention(
    queries: Any,
    keys: Any,
    values: Any,
    score: str = "dot",
    normaliser: str = "softmax",
    *,
    return_weights: bool = False,
    mask: Any = None,
    **options: Any,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Global attention (Luong et al. 2015, section 3.1): every source position is attended.

    ``a_t(s) = align(h_t, h_s) = softmax_s(score(h_t, h_s))`` (eq. 7) with Luong's scores
    ``"dot"``, ``"general"`` and (the concat score written as) ``"additive"`` (eq. 8);
    ``c_t = sum_s a_t(s) h_s``. Identical to :func:`attend`; named for the taxonomy.

    Parameters
    ----------
    queries : array_like, (B, d_q) or (d_q,)
        Target hidden states h_t.
    keys : array_like, (S, d_k)
        Source hidden states h_s.
    values : array_like, (S, d_v) or (S,)
        Vectors averaged into the context c_t (usually the source states again).
    score : str
        A name in :data:`memsim.attention.SCORES` (Luong: ``"dot"``, ``"general"``,
        ``"additive"``).
    normaliser : str
        A name in :data:`memsim.attention.NORMALISERS`.
    return_weights : bool
        Also return the (B, S) alignment weights a_t.
    mask : bool array, (S,) or (B, S), optional
        True = source position available; every query needs one.
    **options
        Score and normaliser options, as in :func:`attend`.

    Returns
    -------
    read : numpy.ndarray
        (B, d_v) context vectors c_t ((d_v,) for one query, (B,) for 1-D values).
    weights : numpy.ndarray
        (B, S) alignment weights, only when ``return_weights``.

    {attend_errors}

    References
    ----------
    Luong, Pham & Manning (2015), "Effective approaches to attention-based neural machine
    translation", section 3.1, eqs. 7-8.
    """
    return attend(
        queries,
        keys,
        values,
        score,
        normaliser,
        return_weights=return_weights,
        mask=mask,
        **options,
    )


def predict_positions(queries: Any, w_p: Any, v_p: Any, source_length: int) -> np.ndarray:
    """Predicted aligned positions of local-p attention (Luong et al. 2015, eq. 9).

    ``p_t = S sigmoid(v_p^T tanh(W_p h_t))``, a real number in (0, S).

    Parameters
    ----------
    queries : (B, d) or (d,)
        Target hidden states h_t.
    w_p : (h, d)
    v_p : (h,)
    source_length : int
        S, the number of source positions (keys).

    Returns
    -------
    numpy.ndarray
        (B,) float64 positions (a 0-d array for one query).

    Raises
    ------
    MemsimError
        If ``queries`` is not a finite 1-D or 2-D array; ``w_p`` not a finite 2-D array of
        shape (len(v_p), d); ``v_p`` not a finite 1-D array; or ``source_length`` not an
        integer >= 1.

    References
    ----------
    Luong, Pham & Manning (2015), "Effective approaches to attention-based neural machine
    translation", section 3.2, eq. 9 (local-p).
    """
    q, single = _queries(queries)
    w = float_array(w_p, "w_p", (2,))
    vv = float_array(v_p, "v_p", (1,))
    s_len = integer(source_length, "source_length", low=1)
    if w.shape != (vv.shape[0], q.shape[1]):
        raise MemsimError(
            f"w_p must have shape (len(v_p), d) = ({vv.shape[0]}, {q.shape[1]}), got {w.shape}"
        )
    a = np.tanh(q @ w.T) @ vv
    p = s_len / (1.0 + np.exp(-a))
    return p[0] if single else p


def local_attention(
    queries: Any,
    keys: Any,
    values: Any,
    positions: Any = None,
    *,
    window: int,
    gaussian: bool = False,
    sigma: float | None = None,
    renormalise: bool = False,
    score: str = "dot",
    normaliser: str = "softmax",
    return_weights: bool = False,
    **options: Any,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Local attention (Luong et al. 2015, section 3.2): attend to a window around p_t.

    Keys at positions s with ``|s - p_t| <= D`` (D = ``window``) are available to query t; the
    others are masked. ``positions=None`` is local-m (monotonic alignment, ``p_t = t``); pass
    predicted positions (e.g. from :func:`predict_positions`, eq. 9) for local-p. With
    ``gaussian=True`` the window weights are multiplied by ``exp(-(s - p_t)^2 / (2 sigma^2))``,
    sigma = D / 2 by default (eq. 10). As in the paper the Gaussian-weighted weights are **not**
    renormalised (they sum to less than 1); ``renormalise=True`` divides them by their sum.

    Parameters
    ----------
    queries : (B, d_q) or (d_q,)
    keys : (S, d_k)
    values : (S, d_v) or (S,)
    positions : array_like (B,) of float, optional
        Aligned source position p_t of each query; None = ``0, 1, ..., B-1``.
    window : int >= 0
        Half-width D of the window ``[p_t - D, p_t + D]``.
    gaussian : bool
        Apply the Gaussian of eq. 10.
    sigma : float > 0, optional
        Standard deviation of the Gaussian (default D / 2; required when D = 0).
    renormalise : bool
        Divide Gaussian-weighted weights by their sum.
    score, normaliser, **options
        As in :func:`attend`.

    Returns
    -------
    read, and weights (B, S) when ``return_weights``.

    Raises
    ------
    MemsimError
        If ``window`` is not an integer >= 0; ``positions`` is not a finite scalar or 1-D array
        with one entry per query; the window of some query contains no source position;
        ``sigma`` is not a finite real > 0, or ``gaussian=True`` with ``window=0`` and no
        ``sigma``; ``queries``, ``keys`` or ``values`` is invalid (see :func:`attend`: finite
        arrays, (S, d_k) keys with at least one row, one value row per key, matching
        dimensions); or ``score``, ``normaliser`` or an option is rejected by
        :func:`attend`.

    References
    ----------
    Luong, Pham & Manning (2015), "Effective approaches to attention-based neural machine
    translation", section 3.2: local-m and local-p (eq. 9), Gaussian weighting (eq. 10).
    """
    q, single = _queries(queries)
    k = float_array(keys, "keys", (2,))
    n_src = k.shape[0]
    d = integer(window, "window", low=0)
    if positions is None:
        pos = np.arange(q.shape[0], dtype=np.float64)
    else:
        pos = float_array(positions, "positions", (0, 1)).reshape(-1)
        if pos.shape[0] != q.shape[0]:
            raise MemsimError(f"positions has {pos.shape[0]} entries for {q.shape[0]} queries")
    dist = np.arange(n_src, dtype=np.float64)[None, :] - pos[:, None]
    inside = np.abs(dist) <= d
    empty = ~inside.any(axis=1)
    if empty.any():
        b = int(np.flatnonzero(empty)[0])
        raise MemsimError(
            f"local_attention: the window [p - {d}, p + {d}] around position p = {pos[b]} of "
            f"query {b} contains no source position (there are {n_src}: 0..{n_src - 1})"
        )
    read, w = attend(
        q,
        k,
        values,
        score,
        normaliser,
        return_weights=True,
        mask=inside,
        method="matrix",
        **options,
    )
    if gaussian:
        sd = d / 2.0 if sigma is None else real(sigma, "sigma", low=0.0, low_open=True)
        if sd <= 0.0:
            raise MemsimError("local_attention: window=0 needs an explicit sigma > 0")
        w = w * np.exp(-(dist**2) / (2.0 * sd * sd))
        if renormalise:
            tot = w.sum(axis=1, keepdims=True)
            w = np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), w)
        v, vec = _values(values, n_src)
        read = _weighted_read(w, v, vec)
    return _as_given(read, w, single, return_weights)


def _head_weights(name: str, w: Any, heads: int | None, d_in: int) -> np.ndarray:
    arr = float_array(w, name, (3,))
    if heads is not None and arr.shape[0] != heads:
        raise MemsimError(f"{name} has {arr.shape[0]} heads but w_query has {heads}")
    if arr.shape[1] != d_in:
        raise MemsimError(
            f"{name} must have shape (heads, {d_in}, d_head) to project inputs of dimension "
            f"{d_in}, got {arr.shape}"
        )
    return arr


def multi_head_attention(
    queries: Any,
    keys: Any,
    values: Any,
    w_query: Any,
    w_key: Any,
    w_value: Any,
    w_out: Any = None,
    *,
    score: str = "scaled_dot",
    normaliser: str = "softmax",
    mask: Any = None,
    return_weights: bool = False,
    **options: Any,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Multi-head attention (Vaswani et al. 2017, section 3.2.2).

    ``head_i = attend(Q W_i^Q, K W_i^K, V W_i^V)``,
    ``MultiHead(Q, K, V) = Concat(head_1, ..., head_h) W^O``.

    Parameters
    ----------
    queries : (B, d_q) or (d_q,)
    keys : (K, d_k)
    values : (K, d_v)
    w_query : (h, d_q, d_head)
    w_key : (h, d_k, d_head)
    w_value : (h, d_v, d_value_head)
    w_out : (h * d_value_head, d_out), optional
        Output projection W^O; None returns the concatenated heads.
    score, normaliser, mask, **options
        As in :func:`attend` (default score ``"scaled_dot"``).
    return_weights : bool
        Also return the weights, shape (h, B, K) ((h, K) for one query).

    Returns
    -------
    out : (B, d_out) (or (B, h * d_value_head) without w_out)
    weights : (h, B, K), when asked

    Raises
    ------
    MemsimError
        If ``queries`` is not a finite 1-D or 2-D array or ``keys`` / ``values`` not finite
        2-D arrays; ``w_query``, ``w_key`` or ``w_value`` is not a finite 3-D array, has a
        different number of heads than ``w_query`` or a second axis that does not match the
        dimension of the inputs it projects; ``w_query`` and ``w_key`` project to different
        head dimensions for a score other than ``"general"`` / ``"additive"``; ``w_out`` is
        not a finite 2-D array with ``h * d_value_head`` rows; or :func:`attend` rejects a head
        (no keys, keys and values with different numbers of rows, ``score``, ``normaliser``,
        an option, ``mask``, or an overflowing score).

    References
    ----------
    Vaswani et al. (2017), "Attention is all you need", section 3.2.2 (multi-head attention)
    over the scaled dot-product attention of eq. 1.
    """
    q, single = _queries(queries)
    k = float_array(keys, "keys", (2,))
    v = float_array(values, "values", (2,))
    wq = _head_weights("w_query", w_query, None, q.shape[1])
    heads = wq.shape[0]
    wk = _head_weights("w_key", w_key, heads, k.shape[1])
    wv = _head_weights("w_value", w_value, heads, v.shape[1])
    if wq.shape[2] != wk.shape[2] and score not in ("general", "additive"):
        raise MemsimError(
            f"w_query projects to {wq.shape[2]} dimensions but w_key to {wk.shape[2]}; "
            f"score '{score}' needs the same head dimension"
        )
    reads, maps = [], []
    for i in range(heads):
        r, w = attend(
            q @ wq[i],
            k @ wk[i],
            v @ wv[i],
            score,
            normaliser,
            return_weights=True,
            mask=mask,
            **options,
        )
        reads.append(r)
        maps.append(w)
    out = np.concatenate(reads, axis=1)
    if w_out is not None:
        wo = float_array(w_out, "w_out", (2,))
        if wo.shape[0] != out.shape[1]:
            raise MemsimError(
                f"w_out must have {out.shape[1]} rows (heads x value head dimension), "
                f"got shape {wo.shape}"
            )
        out = out @ wo
    weights = np.stack(maps)
    if single:
        out, weights = out[0], weights[:, 0]
    return (out, weights) if return_weights else out


def random_multi_head_weights(
    d_model: int,
    heads: int,
    *,
    d_head: int | None = None,
    d_out: int | None = None,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Random projections for :func:`multi_head_attention` / :func:`self_attention`.

    Entries are normal with standard deviation ``1 / sqrt(fan_in)``; d_head defaults to
    ``d_model // heads`` (as in Vaswani et al. 2017), d_out to d_model. Returns a dict with
    ``w_query``, ``w_key``, ``w_value`` (each (heads, d_model, d_head)) and ``w_out``
    ((heads * d_head, d_out)), so ``multi_head_attention(q, k, v, **weights)`` works.

    Parameters
    ----------
    d_model : int >= 1
        Dimension of the inputs (queries, keys and values).
    heads : int >= 1
        Number of heads h.
    d_head : int >= 1, optional
        Head dimension; default ``max(d_model // heads, 1)``.
    d_out : int >= 1, optional
        Output dimension of ``w_out``; default d_model.
    seed : int >= 0
        Random seed.

    Returns
    -------
    dict of str to numpy.ndarray
        float64 ``w_query``, ``w_key``, ``w_value`` of shape (heads, d_model, d_head) and
        ``w_out`` of shape (heads * d_head, d_out).

    Raises
    ------
    MemsimError
        If ``d_model``, ``heads``, ``d_head`` or ``d_out`` is not an integer >= 1, or ``seed``
        not an integer >= 0.

    References
    ----------
    Vaswani et al. (2017), "Attention is all you need", section 3.2.2
    (``d_k = d_v = d_model / h``).
    """
    dm = integer(d_model, "d_model", low=1)
    h = integer(heads, "heads", low=1)
    dh = max(dm // h, 1) if d_head is None else integer(d_head, "d_head", low=1)
    do = dm if d_out is None else integer(d_out, "d_out", low=1)
    rng = generator(integer(seed, "seed"), 5)
    scale_in = 1.0 / math.sqrt(dm)
    return {
        "w_query": rng.standard_normal((h, dm, dh)) * scale_in,
        "w_key": rng.standard_normal((h, dm, dh)) * scale_in,
        "w_value": rng.standard_normal((h, dm, dh)) * scale_in,
        "w_out": rng.standard_normal((h * dh, do)) / math.sqrt(h * dh),
    }


def causal_mask(length: int) -> np.ndarray:
    """(T, T) bool mask with True where key j <= query i (no attention to the future).

    Parameters
    ----------
    length : int >= 1
        Sequence length T.

    Returns
    -------
    numpy.ndarray
        (T, T) bool, lower triangular including the diagonal.

    Raises
    ------
    MemsimError
        If ``length`` is not an integer >= 1.

    References
    ----------
    Vaswani et al. (2017), "Attention is all you need", section 3.2.3 (masking in the decoder
    self-attention).
    """
    t = integer(length, "length", low=1)
    return np.tril(np.ones((t, t), dtype=bool))


def self_attention(
    x: Any,
    w_query: Any = None,
    w_key: Any = None,
    w_value: Any = None,
    w_out: Any = None,
    *,
    causal: bool = False,
    score: str = "scaled_dot",
    normaliser: str = "softmax",
    return_weights: bool = False,
    **options: Any,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Self-attention in QKV form (Vaswani et al. 2017, eq. 1 and section 3.2.3).

    ``Q = X W^Q, K = X W^K, V = X W^V``, output ``normaliser(s(Q, K)) V``; every position of the
    sequence X (T x d) attends to the positions of X. ``causal=True`` masks the future
    (position i sees positions j <= i). 2-D projections (d, d_head) give one head (a None
    projection is the identity); 3-D projections (h, d, d_head) give multi-head self-attention
    with optional ``w_out`` (see :func:`multi_head_attention`).

    Parameters
    ----------
    x : array_like, (T, d)
        The sequence, one position per row.
    w_query, w_key, w_value : array_like, (d, d_head) or (h, d, d_head), optional
        Projections W^Q, W^K, W^V; None is the identity (one head only). All three 3-D gives
        multi-head self-attention.
    w_out : array_like, (d_value_head, d_out) or (h * d_value_head, d_out), optional
        Output projection W^O.
    causal : bool
        Mask the future: position i attends to positions j <= i (:func:`causal_mask`).
    score, normaliser : str
        As in :func:`attend` (default score ``"scaled_dot"``).
    return_weights : bool
        Also return the weights.
    **options
        Score and normaliser options, as in :func:`attend`.

    Returns
    -------
    out : (T, d_out)
    weights : (T, T) for one head, (h, T, T) for several, when ``return_weights``.

    Raises
    ------
    MemsimError
        If ``x`` is not a finite 2-D array with at least one row; some but
        not all of the projections are 3-D; a 2-D projection is not finite or its first axis
        is not d; ``w_out`` is not a finite 2-D array with as many rows as the read-out has
        columns; or :func:`multi_head_attention` / :func:`attend` rejects the projections,
        ``score``, ``normaliser``, an option, or an overflowing score (e.g. query and key
        projections of different widths with a dot score).

    References
    ----------
    Vaswani et al. (2017), "Attention is all you need", eq. 1, section 3.2.2 (multi-head) and
    section 3.2.3 (causal masking).
    """
    xs = float_array(x, "x", (2,))
    mask = causal_mask(xs.shape[0]) if causal else None
    ws = [w_query, w_key, w_value]
    three_d = [w is not None and np.ndim(w) == 3 for w in ws]
    if any(three_d):
        if not all(three_d):
            raise MemsimError(
                "self_attention: give all three projections as 3-D (heads, d, d_head) arrays "
                "for multi-head attention, or 2-D / None for one head"
            )
        return multi_head_attention(
            xs,
            xs,
            xs,
            w_query,
            w_key,
            w_value,
            w_out,
            score=score,
            normaliser=normaliser,
            mask=mask,
            return_weights=return_weights,
            **options,
        )
    proj = []
    for name, w in zip(("w_query", "w_key", "w_value"), ws, strict=True):
        if w is None:
            proj.append(xs)
            continue
        arr = float_array(w, name, (2,))
        if arr.shape[0] != xs.shape[1]:
            raise MemsimError(
                f"{name} must have shape ({xs.shape[1]}, d_head) to project x of dimension "
                f"{xs.shape[1]}, got {arr.shape}"
            )
        proj.append(xs @ arr)
    read, w = attend(
        proj[0],
        proj[1],
        proj[2],
        score,
        normaliser,
        return_weights=True,
        mask=mask,
        method="matrix",
        **options,
    )
    if w_out is not None:
        wo = float_array(w_out, "w_out", (2,))
        if wo.shape[0] != read.shape[1]:
            raise MemsimError(f"w_out must have {read.shape[1]} rows, got shape {wo.shape}")
        read = read @ wo
    return (read, w) if return_weights else read


def pointer_attention(
    queries: Any,
    inputs: Any,
    score: str = "dot",
    *,
    mask: Any = None,
    return_weights: bool = False,
    **score_options: Any,
) -> np.ndarray | int | tuple[Any, np.ndarray]:
    """Pointer attention (Vinyals et al. 2015, eq. 3): point at one of the inputs.

    ``u_j = s(d_i, e_j)``, ``p = softmax(u)``; the output is the index ``argmax_j u_j`` (ties:
    the first maximum). The paper's score is ``"additive"``: pass ``w_key`` = W1 (applied to
    the inputs e_j), ``w_query`` = W2 (applied to the decoder state d_i) and ``v``.
    Use ``mask`` to forbid inputs (e.g. ones already pointed at).

    Parameters
    ----------
    queries : array_like, (B, d_q) or (d_q,)
        Decoder states d_i.
    inputs : array_like, (K, d_k)
        Encoder states e_j, one per input that can be pointed at.
    score : str
        A name in :data:`memsim.attention.SCORES` (the paper: ``"additive"``).
    mask : bool array, (K,) or (B, K), optional
        True = input may be pointed at; every query needs one.
    return_weights : bool
        Also return the softmax weights.
    **score_options
        Score options only: beta, weight, w_query, w_key, v, eps.

    Returns
    -------
    index : (B,) int64 array, or an int for a single query
    weights : (B, K) softmax weights, when ``return_weights``

    Raises
    ------
    MemsimError
        If an option is not a score option; ``queries`` is not a finite 1-D or 2-D array or
        ``inputs`` not a finite 2-D array with at least one row; ``score`` is not a registered
        name or its options are missing, unknown or invalid (including queries and inputs of
        different dimensions for dot-type scores); ``mask`` is not a boolean array of shape
        (K,) or (B, K) or leaves a query with nothing to point at; or a score of an available
        input overflows.

    References
    ----------
    Vinyals, Fortunato & Jaitly (2015), "Pointer networks", eq. 3.
    """
    unknown = sorted(set(score_options) - set(SCORE_OPTIONS))
    if unknown:
        raise MemsimError(f"pointer_attention: unknown option(s) {unknown}")
    q, single = _queries(queries)
    e = float_array(inputs, "inputs", (2,))
    if e.shape[0] == 0:
        raise MemsimError("inputs must contain at least one row (got 0)")
    m = None if mask is None else bool_mask(mask, q.shape[0], e.shape[0], single)
    s = _masked_scores(_scores.checked_scores(q, e, score, **score_options), m, "pointer_attention")
    idx = np.argmax(s, axis=1).astype(np.int64)
    if not return_weights:
        return int(idx[0]) if single else idx
    w = normalise(s, "softmax")
    return (int(idx[0]), w[0]) if single else (idx, w)
