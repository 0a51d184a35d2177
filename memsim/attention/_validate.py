"""Input checks shared by the attention modules (private).

Every check raises :class:`memsim.errors.MemsimError` naming the argument, the bad value and what
is allowed.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from memsim.errors import MemsimError


def float_array(x: Any, name: str, ndims: tuple[int, ...] | None = None) -> np.ndarray:
    """``x`` as a float64 array whose entries are all finite, with ndim in ``ndims``."""
    arr = _as_float(x, name)
    if ndims is not None and arr.ndim not in ndims:
        allowed = " or ".join(f"{n}-D" for n in ndims)
        raise MemsimError(f"{name} must be {allowed}, got an array of shape {arr.shape}")
    if arr.size and not np.isfinite(arr).all():
        raise MemsimError(f"{name} must contain only finite numbers (found NaN or inf)")
    return arr


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


def _as_float(x: Any, name: str) -> np.ndarray:
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        return x
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise MemsimError(f"{name} must be a numeric array: {exc}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise MemsimError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise MemsimError(f"{name} must be real, got dtype {arr.dtype}")
    return arr.astype(np.float64)


def real(value: Any, name: str, *, low: float | None = None, low_open: bool = False) -> float:
    """A finite real number, optionally >= low (or > low when ``low_open``)."""
    if type(value) is float and low is None and math.isfinite(value):
        return value  # hot path of the read-outs: a plain float
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise MemsimError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise MemsimError(f"{name} must be finite, got {value!r}")
    if low is not None:
        if low_open and not v > low:
            raise MemsimError(f"{name} must be > {low}, got {value!r}")
        if not low_open and not v >= low:
            raise MemsimError(f"{name} must be >= {low}, got {value!r}")
    return v


def integer(value: Any, name: str, *, low: int | None = None) -> int:
    """An integer (not bool), optionally >= low."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise MemsimError(f"{name} must be an integer, got {value!r}")
    v = int(value)
    if low is not None and v < low:
        raise MemsimError(f"{name} must be >= {low}, got {value!r}")
    return v


def axis_index(axis: Any, ndim: int, name: str = "axis") -> int:
    """Normalise ``axis`` for an array of ``ndim`` dimensions."""
    a = integer(axis, name)
    if not -ndim <= a < ndim:
        raise MemsimError(f"{name}={axis} is out of range for an array with {ndim} dimension(s)")
    return a % ndim


def bool_mask(mask: Any, n_queries: int, n_keys: int, single: bool) -> np.ndarray:
    """Mask as a (M, K) bool array, M = 1 (shared) or n_queries; True = key available."""
    arr = np.asarray(mask)
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
