"""Argument checks shared by the issue-20 engines (sequence, BAM, continuous, Willshaw, SDM).

Each check raises :class:`~memsim.errors.MemsimError` naming the argument and saying what is
allowed; each returns the value converted to the type the engine computes with.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from memsim.errors import MemsimError


def no_options(options: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    """Refuse unknown keyword options, naming them and listing the allowed ones."""
    bad = sorted(set(options) - set(allowed))
    if bad:
        ok = ", ".join(allowed) if allowed else "none"
        raise MemsimError(f"{where}: unknown option(s) {', '.join(bad)}; allowed: {ok}")


def array(value: Any, name: str) -> np.ndarray:
    try:
        a = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise MemsimError(f"{name} must be an array, got {type(value).__name__}") from exc
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
        raise MemsimError(f"{name} must contain only -1 and +1 (for 0/1 data use 2 * x - 1)")
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


def integer(value: Any, name: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise MemsimError(f"{name} must be an integer, got {value!r}")
    v = int(value)
    if low is not None and v < low:
        raise MemsimError(f"{name} must be >= {low}, got {v}")
    if high is not None and v > high:
        raise MemsimError(f"{name} must be <= {high}, got {v}")
    return v


def real(
    value: Any,
    name: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    if isinstance(value, bool):
        raise MemsimError(f"{name} must be a real number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise MemsimError(f"{name} must be a real number, got {value!r}") from exc
    if not math.isfinite(v):
        raise MemsimError(f"{name} must be finite, got {v}")
    if low is not None and (v < low or (low_open and v == low)):
        raise MemsimError(f"{name} must be {'>' if low_open else '>='} {low}, got {v}")
    if high is not None and (v > high or (high_open and v == high)):
        raise MemsimError(f"{name} must be {'<' if high_open else '<='} {high}, got {v}")
    return v


def choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise MemsimError(f"unknown {name} {value!r}; allowed: {', '.join(allowed)}")
    return value


def readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a
