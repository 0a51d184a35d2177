"""The one module of argument checks used at the public edge of every engine.

Every check raises :class:`~memsim.errors.MemsimError` naming the argument, the bad value and
what is allowed (``recall(W, cues, seed=-1)`` says ``seed``), and returns the value converted to
the type the engine computes with. Kernels never validate: the public wrappers call these first.

The attention library uses the same checks in their strict form (``strict=True``: only real /
integral number types, the offending value shown as its ``repr``) and the attention-only checks at
the end of this module (scores that may be ``-inf``, axes, masks, registry names and options),
written for one scan of each input on the hot path.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

from memsim.errors import MemsimError


# ------------------------------------------------------------------------ numbers and names --
def integer(
    value: Any,
    name: str,
    low: int | None = None,
    high: int | None = None,
    *,
    strict: bool = False,
) -> int:
    """``value`` as an int (integral floats allowed; bools, text and other floats refused),
    within ``[low, high]`` where given. ``strict``: integer types only (no integral floats), and
    a value below ``low`` is reported as ``"{name} must be >= {low}, got {value!r}"``."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok and not strict and isinstance(value, numbers.Real) and not isinstance(value, bool):
        ok = math.isfinite(value) and float(value).is_integer()
    if not ok:
        raise MemsimError(f"{name} must be an integer, got {value!r}")
    v = int(value)
    if low is not None and v < low:
        if strict:
            raise MemsimError(f"{name} must be >= {low}, got {value!r}")
        raise MemsimError(f"{name} must be an integer >= {low}, got {v}")
    if high is not None and v > high:
        raise MemsimError(f"{name} must be an integer <= {high}, got {v}")
    return v


def seed(value: Any, name: str = "seed") -> int:
    """A random seed: an integer >= 0."""
    return integer(value, name, 0)


def real(
    value: Any,
    name: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    *,
    strict: bool = False,
) -> float:
    """A finite real number (bools and text refused) within the given bounds (``low_open`` /
    ``high_open``: the bound itself is excluded). ``strict``: real number types only (no 0-d
    arrays or other objects that convert to float), the value shown as its ``repr``."""
    if strict:
        if type(value) is float and low is None and high is None and math.isfinite(value):
            return value  # hot path of the attention read-outs: a plain float
        bad = isinstance(value, bool) or not isinstance(value, numbers.Real)
    else:
        bad = isinstance(value, (bool, np.bool_, str, bytes))
    if bad:
        raise MemsimError(f"{name} must be a real number, got {value!r}")
    try:
        v = float(value)
    except OverflowError:  # an integer (or fraction) beyond the float range
        raise MemsimError(f"{name} must be finite, got a number beyond the float range") from None
    except (TypeError, ValueError) as exc:
        raise MemsimError(f"{name} must be a real number, got {value!r}") from exc
    shown = repr(value) if strict else v
    if not math.isfinite(v):
        raise MemsimError(f"{name} must be finite, got {shown}")
    if low is not None and (v < low or (low_open and v == low)):
        raise MemsimError(f"{name} must be {'>' if low_open else '>='} {low}, got {shown}")
    if high is not None and (v > high or (high_open and v == high)):
        raise MemsimError(f"{name} must be {'<' if high_open else '<='} {high}, got {shown}")
    return v


def choice(value: Any, name: str, allowed: Sequence[str], hint: str = "") -> str:
    """One of the strings in ``allowed`` (``hint`` is added to the error)."""
    if not isinstance(value, str) or value not in allowed:
        raise MemsimError(f"unknown {name} {value!r}; allowed: {', '.join(allowed)}{hint}")
    return value


def boolean(value: Any, name: str) -> bool:
    """A bool (numpy bools accepted)."""
    if not isinstance(value, (bool, np.bool_)):
        raise MemsimError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def no_options(options: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    """Refuse unknown keyword options, naming them and listing the allowed ones."""
    bad = sorted(set(options) - set(allowed))
    if bad:
        ok = ", ".join(allowed) if allowed else "none"
        raise MemsimError(f"{where}: unknown option(s) {', '.join(bad)}; allowed: {ok}")


# ----------------------------------------------------------------------------------- arrays --
def _as_array(value: Any, name: str) -> np.ndarray:
    """``np.asarray(value)``; a value numpy cannot make an array of (ragged lists) raises
    MemsimError naming ``name``."""
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise MemsimError(
            f"{name} must be a numeric array (numpy could not convert the {type(value).__name__} "
            f"given: {exc})"
        ) from None


def array(value: Any, name: str) -> np.ndarray:
    """A numeric (bool, integer or float) array without NaN or inf."""
    a = _as_array(value, name)
    if a.dtype.kind not in "biuf":
        raise MemsimError(f"{name} must be a numeric array, got dtype {a.dtype}")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise MemsimError(f"{name} contains NaN or inf")
    return a


def spins(value: Any, name: str, ndim: int = 2, n: int | None = None) -> np.ndarray:
    """A C-contiguous int8 array of -1/+1 with ``ndim`` dimensions (and ``n`` columns)."""
    a = array(value, name)
    if a.ndim != ndim:
        what = "(rows x N)" if ndim == 2 else ""
        raise MemsimError(f"{name} must be a {ndim}-D array {what}, got shape {a.shape}")
    if a.size == 0:
        raise MemsimError(f"{name} must not be empty, got shape {a.shape}")
    if n is not None and a.shape[-1] != n:
        raise MemsimError(f"{name} must have {n} columns, got shape {a.shape}")
    if not np.isin(a, (-1, 1)).all():
        raise MemsimError(f"{name} {PM1_ONLY}")
    return np.ascontiguousarray(a, dtype=np.int8)


def bits(value: Any, name: str, ndim: int = 2, n: int | None = None) -> np.ndarray:
    """A C-contiguous uint8 array of 0/1 with ``ndim`` dimensions (and ``n`` columns)."""
    a = array(value, name)
    if a.ndim != ndim:
        raise MemsimError(f"{name} must be a {ndim}-D array of 0/1, got shape {a.shape}")
    if a.size == 0:
        raise MemsimError(f"{name} must not be empty, got shape {a.shape}")
    if n is not None and a.shape[-1] != n:
        raise MemsimError(f"{name} must have {n} columns, got shape {a.shape}")
    ok = (a <= 1).all() if a.dtype.kind in "ub" else np.isin(a, (0, 1)).all()
    if not ok:
        raise MemsimError(f"{name} must contain only 0 and 1")
    return np.ascontiguousarray(a, dtype=np.uint8)


#: what the pattern checks say to a user holding 0/1 data
PM1_ONLY = "must contain only -1 and +1 (for 0/1 data use 2 * x - 1)"


def pattern_matrix(
    value: Any, name: str, unit: str = "N neurons", min_width: int = 2
) -> np.ndarray:
    """``value`` as an array of P >= 1 stored patterns of N >= 2 neurons (the rows), its dtype
    and values not yet checked (the Hopfield engines check -1/+1 their own way).

    Parameters
    ----------
    value : array_like, (P, N)
        The patterns.
    name : str
        The argument's name, for the errors.
    unit : str, default "N neurons"
        What a pattern's entries are, symbol and plural noun, for the errors ("d dimensions").
    min_width : int, default 2
        The fewest entries a pattern may have.

    Returns
    -------
    numpy.ndarray
        ``np.asarray(value)``.

    Raises
    ------
    MemsimError
        Not 2-D, or fewer than 1 pattern or ``min_width`` entries.
    """
    a = _as_array(value, name)
    if a.ndim != 2:
        raise MemsimError(f"{name} must be a 2-D array (P patterns x {unit}), got shape {a.shape}")
    if a.shape[0] < 1 or a.shape[1] < min_width:
        noun = unit.split()[-1] if min_width > 1 else unit.split()[-1].removesuffix("s")
        raise MemsimError(
            f"{name} needs at least 1 pattern and {min_width} {noun}, got shape {a.shape}"
        )
    return a


def state_rows(
    value: Any, width: int, name: str, against: str = "stored"
) -> tuple[np.ndarray, bool]:
    """A batch of B states (or one) of ``width`` entries each, matched against the stored
    patterns (or the weights), as a 2-D array (B may still be 0; dtype and values not yet
    checked).

    Parameters
    ----------
    value : array_like, (B, width) or (width,)
        The states (cues, queries).
    width : int
        N (or d), the size of a stored pattern.
    name : str
        The argument's name, for the error.
    against : str, default "stored"
        What fixes the width, for the error ("stored", "the weights").

    Returns
    -------
    rows : numpy.ndarray, (B, width)
        ``np.asarray(value)``, a single state as one row.
    single : bool
        Whether ``value`` was one state (1-D).

    Raises
    ------
    MemsimError
        Neither (B, width) nor (width,).
    """
    a = _as_array(value, name)
    single = a.ndim == 1
    if single:
        a = a[None, :]
    if a.ndim != 2 or a.shape[1] != width:
        raise MemsimError(
            f"{name} must have shape (B, {width}) or ({width},) to match {against}, got "
            f"{np.shape(value)}"
        )
    return a, single


def _as_float(x: Any, name: str) -> np.ndarray:
    """``x`` as a float64 array (no copy when it already is one); real numeric dtypes only."""
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        return x
    arr = _as_array(x, name)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise MemsimError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise MemsimError(f"{name} must be real, got dtype {arr.dtype}")
    return arr.astype(np.float64)


def float_array(
    x: Any, name: str, ndims: Sequence[int] | None, contiguous: bool = True
) -> np.ndarray:
    """``x`` as a float64 array with ndim in ``ndims`` (None: any) and only finite entries, made
    C-contiguous when ``contiguous`` (no copy when it already is one)."""
    arr = _as_float(x, name)
    if ndims is not None and arr.ndim not in ndims:
        allowed = " or ".join(f"{n}-D" for n in ndims)
        raise MemsimError(f"{name} must be {allowed}, got an array of shape {arr.shape}")
    if arr.size and not np.isfinite(arr).all():
        raise MemsimError(f"{name} must contain only finite numbers (found NaN or inf)")
    if contiguous and not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr)
    return arr


def id_lists(x: Any, name: str, rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Lists of non-negative integer ids as CSR ``(indptr, ids)`` (int64).

    Accepts a sequence of integer sequences (one per row, any lengths) or a 2-D integer array
    where ``-1`` marks padding. ``rows`` (optional) is the required number of rows.
    """
    if isinstance(x, np.ndarray) and x.ndim == 2:
        if not np.issubdtype(x.dtype, np.integer):
            raise MemsimError(f"{name} must hold integer ids, got dtype {x.dtype}")
        if (x < -1).any():
            raise MemsimError(f"{name}: ids must be >= 0 (-1 marks padding), found {x.min()}")
        keep = x >= 0
        counts = keep.sum(axis=1)
        ids = x[keep].astype(np.int64)
    else:
        if isinstance(x, (str, bytes)) or not isinstance(x, (Sequence, np.ndarray)):
            raise MemsimError(
                f"{name} must be a list of id lists or a 2-D integer array, got {type(x).__name__}"
            )
        parts = []
        counts_l = []
        for i, row in enumerate(x):
            arr = np.asarray(row)
            if arr.ndim == 0:
                arr = arr[None]
            if arr.size and (arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer)):
                raise MemsimError(f"{name}[{i}] must be a list of integer ids, got {row!r}")
            if arr.size and arr.min() < 0:
                raise MemsimError(f"{name}[{i}]: ids must be >= 0, got {arr.min()}")
            parts.append(arr.astype(np.int64).ravel())
            counts_l.append(arr.size)
        counts = np.asarray(counts_l, dtype=np.int64)
        ids = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    if rows is not None and counts.shape[0] != rows:
        raise MemsimError(f"{name} must have {rows} rows (one per item), got {counts.shape[0]}")
    indptr = np.zeros(counts.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr, np.ascontiguousarray(ids, dtype=np.int64)


def readonly(*arrays: np.ndarray | None) -> Any:
    """Mark arrays read-only (None skipped); returns the array when given one."""
    for a in arrays:
        if a is not None:
            a.setflags(write=False)
    return arrays[0] if len(arrays) == 1 else None


# ----------------------------------------------------------------- memory, weightings (NTM) --
#: tolerance used when checking that a weighting sums to 1
SUM_TOL = 1e-6


def memory(x: Any, name: str = "memory") -> np.ndarray:
    """A finite N x W float64 memory (C-contiguous) with N, W >= 1."""
    m = float_array(x, name, (2,))
    if m.shape[0] < 1 or m.shape[1] < 1:
        raise MemsimError(f"{name} must have at least one slot and width >= 1, got {m.shape}")
    return m


def in_range(a: np.ndarray, name: str, lo: float, hi: float) -> None:
    """Every entry of ``a`` within ``[lo, hi]``."""
    if a.size and (a.min() < lo or a.max() > hi):
        bad = a.min() if a.min() < lo else a.max()
        raise MemsimError(f"{name} must lie in [{lo}, {hi}], got {bad!r}")


def nonneg(a: np.ndarray, name: str) -> None:
    """Every entry of ``a`` >= 0."""
    if a.size and a.min() < 0:
        raise MemsimError(f"{name} must be >= 0, got {a.min()!r}")


def distribution(a: np.ndarray, name: str, exact_sum: bool = True) -> None:
    """Non-negative along the last axis and summing to 1 (or to at most 1)."""
    nonneg(a, name)
    s = a.sum(axis=-1)
    if exact_sum:
        if np.any(np.abs(s - 1.0) > SUM_TOL):
            raise MemsimError(f"{name} must sum to 1 along its last axis, got sums {s!r}")
    elif np.any(s > 1.0 + SUM_TOL):
        raise MemsimError(f"{name} must sum to at most 1 along its last axis, got sums {s!r}")


def per_head(x: Any, name: str, heads: int) -> np.ndarray:
    """A scalar or a (heads,) vector, returned as (heads,) float64."""
    a = float_array(x, name, (0, 1))
    if a.ndim == 0:
        return np.full(heads, float(a))
    if a.shape[0] != heads:
        raise MemsimError(f"{name} must be a scalar or have {heads} entries, got shape {a.shape}")
    return a


def eps(x: Any) -> float:
    """The cosine-similarity epsilon (a finite real >= 0)."""
    return real(x, "cosine_eps", 0.0)


# ------------------------------------------------------------------------- random streams --
def stream_keys(keys) -> tuple[int, ...]:
    """Keys of a random stream (sizes, counts, indices): integers >= 0."""
    out = []
    for k in keys:
        try:
            out.append(integer(k, "random stream key", 0))
        except MemsimError:
            raise MemsimError(
                f"a size, count or index used to derive a random stream is {k!r}; they must be "
                "integers >= 0"
            ) from None
    return tuple(out)


# ------------------------------------------------------------------------------- resources --
def available_memory() -> int:
    """Bytes this process may still allocate: the free physical memory, capped by the process's
    address-space and data limits (``ulimit -v``/``-d``) where they are set."""
    import os

    try:
        avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        avail = 8 * 2**30
    try:
        import resource

        for lim in (resource.RLIMIT_AS, getattr(resource, "RLIMIT_DATA", None)):
            if lim is None:
                continue
            soft, _ = resource.getrlimit(lim)
            if soft != resource.RLIM_INFINITY and soft > 0:
                # the limit covers what is mapped already (libraries, numba, numpy)
                used = _mapped_bytes() if lim == resource.RLIMIT_AS else 0
                avail = min(avail, max(soft - used, 0))
    except (ImportError, ValueError, OSError):  # pragma: no cover - non-POSIX
        pass
    return int(avail)


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            import os

            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return 0


def check_fits(nbytes: int, name: str, what: str) -> None:
    """Refuse an allocation of ``nbytes`` that would not fit in memory, naming the argument
    ``name`` that sets its size (``what`` says what would be allocated)."""
    avail = available_memory()
    if nbytes > 0.8 * avail:
        raise MemsimError(
            f"{name}: {what} would need about {nbytes / 2**30:.3g} GiB of memory but only "
            f"{avail / 2**30:.2f} GiB are available; make {name} smaller"
        )


# ------------------------------------------------------------------------- renamed keywords --
_F = TypeVar("_F", bound=Callable[..., Any])


def renamed_keywords(**renames: str) -> Callable[[_F], _F]:
    """Decorator keeping old keyword names of a public function working after a rename.

    ``@renamed_keywords(size="n_neurons")`` lets ``f(size=100)`` call ``f(n_neurons=100)`` with
    a :class:`DeprecationWarning` naming both; giving both names is a MemsimError. Positional
    calls are untouched, so the numbers never change.
    """

    def wrap(func: _F) -> _F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise MemsimError(
                            f"{func.__name__}: give {new} only ({old} is its deprecated old name)"
                        )
                    warnings.warn(
                        f"{func.__name__}: the keyword {old}= is deprecated; use {new}=",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap


# ------------------------------------------------------------------------------- attention --
#: :func:`real` and :func:`integer` in their strict form (the attention library's checks)
strict_real = functools.partial(real, strict=True)
strict_integer = functools.partial(integer, strict=True)


def attention_array(x: Any, name: str, ndims: tuple[int, ...] | None = None) -> np.ndarray:
    """:func:`float_array` as the attention library calls it: layout kept (no contiguous copy)."""
    return float_array(x, name, ndims, contiguous=False)


def score_array(z: Any, name: str = "z") -> np.ndarray:
    """Scores: float64, at least 1-D, finite or -inf (masked); NaN and +inf refused."""
    arr = _as_float(z, name)
    if arr.ndim == 0:
        raise MemsimError(f"{name} must be an array with at least one dimension, got a scalar")
    if np.isnan(arr).any():
        raise MemsimError(f"{name} contains NaN; scores must be finite or -inf (masked key)")
    if np.isposinf(arr).any():
        raise MemsimError(
            f"{name} contains +inf; scores must be finite or -inf (masked key). "
            "Overflowing scores usually mean a too large beta or unnormalised vectors"
        )
    return arr


def axis_index(axis: Any, ndim: int, name: str = "axis") -> int:
    """Normalise ``axis`` for an array of ``ndim`` dimensions."""
    a = integer(axis, name, strict=True)
    if not -ndim <= a < ndim:
        raise MemsimError(f"{name}={axis} is out of range for an array with {ndim} dimension(s)")
    return a % ndim


def bool_mask(mask: Any, n_queries: int, n_keys: int, single: bool) -> np.ndarray:
    """Mask as a (M, K) bool array, M = 1 (shared) or n_queries; True = key available."""
    try:
        arr = np.asarray(mask)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise MemsimError(
            f"mask must be a boolean array of shape ({n_keys},) or ({n_queries}, {n_keys}) "
            f"(True = key available); it could not be read as an array ({exc})"
        ) from None
    if arr.dtype != np.bool_:
        raise MemsimError(
            f"mask must be a boolean array (True = key available), got dtype {arr.dtype}"
        )
    if arr.ndim == 1:
        if arr.shape[0] != n_keys:
            raise MemsimError(f"mask has {arr.shape[0]} entries but there are {n_keys} keys")
        arr = arr[None, :]
    elif arr.ndim == 2 and not single:
        if arr.shape != (n_queries, n_keys):
            raise MemsimError(
                f"mask must have shape ({n_keys},) or ({n_queries}, {n_keys}), got {arr.shape}"
            )
    else:
        want = f"({n_keys},)" if single else f"({n_keys},) or ({n_queries}, {n_keys})"
        raise MemsimError(f"mask must have shape {want}, got {arr.shape}")
    empty = ~arr.any(axis=1)
    if empty.any():
        row = int(np.flatnonzero(empty)[0])
        who = "the mask" if arr.shape[0] == 1 else f"mask row {row}"
        raise MemsimError(f"{who} leaves no available key (all False); at least one must be True")
    return np.ascontiguousarray(arr)


def registry_options(
    func: Callable, skip: int, kind: str, what: str, options: Mapping[str, Any]
) -> dict:
    """Check ``options`` against the keyword parameters of a registry entry ``func``.

    ``skip`` positional parameters (the data) are not options. Unknown options and missing
    required ones raise MemsimError.
    """
    params = list(inspect.signature(func).parameters.values())[skip:]
    allowed = {
        p.name
        for p in params
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name not in ("axis",)
    }
    unknown = sorted(set(options) - allowed)
    if unknown:
        takes = ", ".join(sorted(allowed)) if allowed else "no options"
        raise MemsimError(f"{what} '{kind}' does not take option(s) {unknown}; it takes: {takes}")
    missing = [
        p.name
        for p in params
        if p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and p.name not in options
    ]
    if missing:
        raise MemsimError(f"{what} '{kind}' needs option(s) {missing}")
    return dict(options)


def lookup(
    registry: Mapping[str, Callable], kind: Any, what: str, arg: str | None = None
) -> Callable:
    """Registry entry for ``kind`` with a helpful error listing the names (and naming the
    argument ``arg`` when given)."""
    if not isinstance(kind, str) or kind not in registry:
        where = f"{arg}: " if arg else ""
        raise MemsimError(f"{where}unknown {what} {kind!r}; choose one of {sorted(registry)}")
    return registry[kind]
