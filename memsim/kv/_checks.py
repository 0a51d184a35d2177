"""Input checks for memsim.kv (private).

Every check raises :class:`memsim.errors.MemsimError` naming the argument, the bad value and what
is allowed.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from memsim.errors import MemsimError


def float_array(x: Any, name: str, ndims: tuple[int, ...]) -> np.ndarray:
    """``x`` as a float64 array with ndim in ``ndims`` and only finite entries."""
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        arr = x
    else:
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
        arr = arr.astype(np.float64)
    if arr.ndim not in ndims:
        allowed = " or ".join(f"{n}-D" for n in ndims)
        raise MemsimError(f"{name} must be {allowed}, got an array of shape {arr.shape}")
    if arr.size and not np.isfinite(arr).all():
        raise MemsimError(f"{name} must contain only finite numbers (found NaN or inf)")
    return arr


def integer(value: Any, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """An integer (not bool) with optional bounds (inclusive)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise MemsimError(f"{name} must be an integer, got {value!r}")
    v = int(value)
    if low is not None and v < low:
        raise MemsimError(f"{name} must be >= {low}, got {value!r}")
    if high is not None and v > high:
        raise MemsimError(f"{name} must be <= {high}, got {value!r}")
    return v


def real(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    low_open: bool = False,
    high: float | None = None,
) -> float:
    """A finite real number with optional bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise MemsimError(f"{name} must be a real number, got {value!r}")
    v = float(value)
    if not np.isfinite(v):
        raise MemsimError(f"{name} must be finite, got {value!r}")
    if low is not None:
        if low_open and not v > low:
            raise MemsimError(f"{name} must be > {low}, got {value!r}")
        if not low_open and not v >= low:
            raise MemsimError(f"{name} must be >= {low}, got {value!r}")
    if high is not None and not v <= high:
        raise MemsimError(f"{name} must be <= {high}, got {value!r}")
    return v


def choice(value: Any, name: str, allowed: Sequence[str]) -> str:
    """One of the strings in ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        raise MemsimError(f"{name} must be one of {list(allowed)}, got {value!r}")
    return value


def boolean(value: Any, name: str) -> bool:
    """A bool (numpy bools accepted)."""
    if not isinstance(value, (bool, np.bool_)):
        raise MemsimError(f"{name} must be True or False, got {value!r}")
    return bool(value)


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


def read_only(*arrays: np.ndarray | None) -> None:
    """Mark arrays read-only (None skipped)."""
    for a in arrays:
        if a is not None:
            a.setflags(write=False)
