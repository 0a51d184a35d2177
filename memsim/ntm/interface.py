"""Maps from raw (unbounded) controller outputs to head parameters.

A trained controller emits unbounded numbers; these maps give them the ranges the papers require
(Graves, Wayne & Danihelka 2014, "Neural Turing Machines", section 3.3, and Graves et al. 2016,
"Hybrid computing using a neural network with dynamic external memory", Methods, "interface
parameters"):

======================  ==================  ==========================
parameter               map                 range
======================  ==================  ==========================
key strength beta       softplus            [0, inf)   (NTM)
key strength beta       oneplus             [1, inf)   (DNC)
interpolation gate g    sigmoid             (0, 1)
shift weighting s       softmax             distribution over -R..R
sharpening gamma        oneplus             [1, inf)
erase vector e          sigmoid             (0, 1)^M
DNC gates f, g^a, g^w   sigmoid             (0, 1)
DNC read modes pi       softmax (per head)  distribution (b, c, f)
======================  ==================  ==========================

``softplus(x) = log(1 + e^x)``, ``oneplus(x) = 1 + softplus(x)``. Scripted controllers in
:mod:`memsim.ntm.tasks` emit the bounded parameters directly; these helpers let a user drive the
heads from raw numbers (e.g. from their own network).
"""

from __future__ import annotations

import numpy as np

from memsim import _checks as C
from memsim._docstrings import fill_doc
from memsim.errors import MemsimError


def _finite(x, name: str = "x") -> np.ndarray:
    """``x`` as float64; NaN and +-inf refused (a raw controller output is a finite number)."""
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MemsimError(f"{name} must be an array of real numbers, got {x!r}") from exc
    if not np.isfinite(a).all():
        raise MemsimError(
            f"{name} must be finite (found NaN or inf); raw controller outputs are finite numbers"
        )
    return a


def _raw_map(result: str) -> str:
    """The Parameters, Returns and Raises sections of an elementwise map of raw outputs whose
    value is ``result``."""
    return f"""Parameters
----------
x : float or array_like of float, any shape
    Raw controller output(s); finite.

Returns
-------
numpy.ndarray of float64 (a numpy scalar for scalar x)
    {result}, same shape as ``x``.

Raises
------
MemsimError
    If ``x`` is not an array of real numbers or contains NaN or +-inf."""


@fill_doc(raw_map=_raw_map("softplus(x), in [0, inf)"))
def softplus(x) -> np.ndarray:
    """``log(1 + exp(x))``, computed without overflow (``logaddexp(0, x)``).

    Any finite x is handled (large x gives x, very negative x gives ``exp(x)``, 0 below about
    -745); NaN and +-inf raise :class:`memsim.errors.MemsimError`.

    {raw_map}

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3.3 (key strength beta >= 0).
    """
    return np.logaddexp(0.0, _finite(x))


@fill_doc(raw_map=_raw_map("oneplus(x), in [1, inf)"))
def oneplus(x) -> np.ndarray:
    """``1 + softplus(x)`` (range [1, inf)): the sharpening map and the DNC strength map.

    Finite x only (NaN and +-inf raise MemsimError).

    {raw_map}

    References
    ----------
    Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
    memory. Nature 538, 471-476. Methods, "Interface parameters" (oneplus).
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3.3, eq. 9 (gamma >= 1).
    """
    return 1.0 + softplus(x)


@fill_doc(raw_map=_raw_map("sigmoid(x), in [0, 1] (0 or 1 only where it rounds)"))
def sigmoid(x) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-x))``, computed as ``exp(-logaddexp(0, -x))``.

    No overflow for any finite x; NaN and +-inf raise :class:`memsim.errors.MemsimError`.

    {raw_map}

    References
    ----------
    Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
    memory. Nature 538, 471-476. Methods, "Interface parameters"
    (gates and erase vector).
    """
    return np.exp(-np.logaddexp(0.0, -_finite(x)))


def softmax(x, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``: ``exp(x_i - max x) / sum_j exp(x_j - max x)``.

    Shifted by the maximum, so any finite x is handled and adding a constant changes nothing.
    ``-inf`` entries are masked (weight exactly 0). NaN or ``+inf`` entries, and a slice whose
    entries are all ``-inf``, raise :class:`memsim.errors.MemsimError`.

    Parameters
    ----------
    x : array_like of float, at least 1-D, non-empty
        Raw controller outputs; finite or -inf (masked).
    axis : int, default -1
        Axis along which the result sums to 1.

    Returns
    -------
    numpy.ndarray of float64, same shape as ``x``
        Distribution(s) along ``axis``.

    Raises
    ------
    MemsimError
        If ``x`` is not an array of real numbers, is a scalar or empty, contains NaN or +inf, or
        has a slice along ``axis`` whose entries are all -inf; or if ``axis`` is not an integer
        in [-x.ndim, x.ndim).

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    section 3.3, eq. 8 (shift weighting).
    Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
    memory. Nature 538, 471-476. Methods, "Interface parameters"
    (read modes).
    """
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MemsimError(f"x must be an array of real numbers, got {x!r}") from exc
    if a.ndim == 0:
        raise MemsimError("x must have at least one dimension, got a scalar")
    if a.size == 0:
        raise MemsimError(
            f"x must not be empty (a softmax needs at least one entry), got {a.shape}"
        )
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise MemsimError(f"axis must be an integer, got {axis!r}")
    if not -a.ndim <= axis < a.ndim:
        raise MemsimError(f"axis={axis} is out of range for an array with {a.ndim} dimension(s)")
    if np.isnan(a).any() or np.isposinf(a).any():
        raise MemsimError("x contains NaN or +inf; entries must be finite or -inf (masked)")
    top = np.max(a, axis=axis, keepdims=True)
    if a.size and (top == -np.inf).any():
        raise MemsimError(
            "x has a slice whose entries are all -inf (everything masked); at least one entry "
            "along the softmax axis must be finite"
        )
    e = np.exp(a - top)
    return e / e.sum(axis=axis, keepdims=True)


def ntm_head_size(memory_width: int, shift_range: int = 1, write: bool = False) -> int:
    """Length of the raw vector one NTM head reads from the controller.

    ``M + 3 + (2R + 1)``, plus ``2 M`` for a write head (erase and add vectors).

    Parameters
    ----------
    memory_width : int, >= 1
        M.
    shift_range : int, >= 0, default 1
        R (shifts over offsets -R..R).
    write : bool, default False
        Whether the head also writes.

    Returns
    -------
    int
        The raw vector length.

    Raises
    ------
    MemsimError
        If ``memory_width`` is not an integer >= 1 or ``shift_range`` not an integer >= 0.

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    sections 3.2-3.3
    (head parameters k, beta, g, s, gamma, e, a).
    """
    return _ntm_sizes(memory_width, shift_range, write)[2]


def _ntm_sizes(memory_width, shift_range, write: bool) -> tuple[int, int, int]:
    """(M, R, raw vector length) of an NTM head, M and R checked."""
    m = C.integer(memory_width, "memory_width", 1)
    r = C.integer(shift_range, "shift_range", 0)
    return m, r, m + 3 + (2 * r + 1) + (2 * m if write else 0)


def ntm_head_params(
    raw, memory_width: int, shift_range: int = 1, *, write: bool = False
) -> dict[str, np.ndarray]:
    """Split and map one NTM head's raw controller output.

    Layout (memsim's; the paper fixes none): ``[key (M), beta, g, s (2R+1), gamma]`` and for a
    write head also ``[erase (M), add (M)]``. Maps: key and add unchanged, beta = softplus,
    g = sigmoid, s = softmax (returned in -R..R order), gamma = 1 + softplus, erase = sigmoid.
    A leading batch axis is allowed: ``raw`` of shape (..., size).

    Parameters
    ----------
    raw : (..., size) array_like of float
        Raw controller output, finite; ``size = ntm_head_size(memory_width, shift_range, write)``.
    memory_width : int, >= 1
        M.
    shift_range : int, >= 0, default 1
        R.
    write : bool, default False
        Whether ``raw`` also holds the erase and add vectors.

    Returns
    -------
    dict of str to numpy.ndarray of float64
        Keys ``key`` (..., M), ``beta`` (...) >= 0, ``gate`` (...) in [0, 1], ``shift``
        (..., 2R+1), ``gamma`` (...) >= 1, and for a write head ``erase`` (..., M) in [0, 1] and
        ``add`` (..., M); ready for :func:`memsim.ntm.address` and :func:`memsim.ntm.write`.

    Raises
    ------
    MemsimError
        If ``memory_width`` is not an integer >= 1, ``shift_range`` not an integer >= 0, or
        ``raw`` is not a finite array of real numbers whose last dimension is ``size``.

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    sections 3.2-3.3, eqs. 3-9.
    """
    m, r, size = _ntm_sizes(memory_width, shift_range, write)
    x = _finite(raw, "raw")
    if x.ndim < 1 or x.shape[-1] != size:
        raise MemsimError(
            f"raw must have last dimension {size} for memory_width={m}, shift_range={r}, "
            f"write={write}; got shape {x.shape}"
        )
    ns = 2 * r + 1
    out = {
        "key": x[..., :m].copy(),
        "beta": softplus(x[..., m]),
        "gate": sigmoid(x[..., m + 1]),
        "shift": softmax(x[..., m + 2 : m + 2 + ns]),
        "gamma": oneplus(x[..., m + 2 + ns]),
    }
    if write:
        o = m + 3 + ns
        out["erase"] = sigmoid(x[..., o : o + m])
        out["add"] = x[..., o + m : o + 2 * m].copy()
    return out


def dnc_interface_size(memory_width: int, n_reads: int) -> int:
    """Length of the DNC interface vector: ``R W + 3 W + 5 R + 3`` (Graves et al. 2016, Methods).

    Parameters
    ----------
    memory_width : int, >= 1
        W.
    n_reads : int, >= 1
        R, the number of read heads.

    Returns
    -------
    int
        The interface vector length.

    Raises
    ------
    MemsimError
        If ``memory_width`` or ``n_reads`` is not an integer >= 1.

    References
    ----------
    Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
    memory. Nature 538, 471-476. Methods, "Interface parameters".
    """
    return _dnc_sizes(memory_width, n_reads)[2]


def _dnc_sizes(memory_width, n_reads) -> tuple[int, int, int]:
    """(W, R, interface vector length) of a DNC, W and R checked."""
    w = C.integer(memory_width, "memory_width", 1)
    r = C.integer(n_reads, "n_reads", 1)
    return w, r, r * w + 3 * w + 5 * r + 3


def dnc_interface(raw, memory_width: int, n_reads: int) -> dict[str, np.ndarray]:
    """Split and map a DNC interface vector (Graves et al. 2016, Methods, "interface parameters").

    Layout as in the paper: read keys (R x W), read strengths (R), write key (W), write strength,
    erase vector (W), write vector (W), free gates (R), allocation gate, write gate, read modes
    (3 R). Maps: strengths oneplus; erase, free, allocation and write gates sigmoid; read modes
    softmax per head, in the paper's order (backward, content, forward).

    Parameters
    ----------
    raw : (size,) array_like of float
        Interface vector, finite; ``size = dnc_interface_size(memory_width, n_reads)``.
    memory_width : int, >= 1
        W.
    n_reads : int, >= 1
        R.

    Returns
    -------
    dict of str to numpy.ndarray or float
        ``read_keys`` (R, W), ``read_betas`` (R,) >= 1, ``write_key`` (W,), ``write_beta``
        float >= 1, ``erase`` (W,) in [0, 1], ``write_vector`` (W,), ``free_gates`` (R,) in
        [0, 1], ``alloc_gate`` and ``write_gate`` floats in [0, 1], ``read_modes`` (R, 3)
        distributions (backward, content, forward); all float64.

    Raises
    ------
    MemsimError
        If ``memory_width`` or ``n_reads`` is not an integer >= 1, or ``raw`` is not a finite
        1-D array of real numbers of length ``size``.

    References
    ----------
    Graves, A. et al. (2016). Hybrid computing using a neural network with dynamic external
    memory. Nature 538, 471-476. Methods, "Interface parameters".
    """
    w, r, size = _dnc_sizes(memory_width, n_reads)
    x = _finite(raw, "raw")
    if x.ndim != 1 or x.shape[0] != size:
        raise MemsimError(
            f"raw must be 1-D of length {size} for memory_width={w}, n_reads={r}; "
            f"got shape {x.shape}"
        )
    o = 0

    def take(k: int) -> np.ndarray:
        nonlocal o
        v = x[o : o + k]
        o += k
        return v.copy()

    return {
        "read_keys": take(r * w).reshape(r, w),
        "read_betas": oneplus(take(r)),
        "write_key": take(w),
        "write_beta": oneplus(take(1))[0],
        "erase": sigmoid(take(w)),
        "write_vector": take(w),
        "free_gates": sigmoid(take(r)),
        "alloc_gate": sigmoid(take(1))[0],
        "write_gate": sigmoid(take(1))[0],
        "read_modes": softmax(take(3 * r).reshape(r, 3)),
    }
