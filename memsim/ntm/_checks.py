"""Input validation shared by the public NTM/DNC functions (private)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from memsim.errors import MemsimError

#: tolerance used when checking that a vector sums to 1
SUM_TOL = 1e-6


def array(name: str, x, ndims: Sequence[int]) -> np.ndarray:
    """``x`` as a finite, C-contiguous float64 array with one of the allowed dimensions."""
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise MemsimError(f"{name} must be an array of real numbers, got {x!r}") from exc
    if a.ndim not in ndims:
        allowed = " or ".join(f"{d}-D" for d in ndims)
        raise MemsimError(f"{name} must be {allowed}, got shape {a.shape}")
    if not a.flags.c_contiguous:
        a = a.copy(order="C")
    if not np.all(np.isfinite(a)):
        raise MemsimError(f"{name} must be finite (no NaN or inf)")
    return a


def memory(x, name: str = "memory") -> np.ndarray:
    m = array(name, x, (2,))
    if m.shape[0] < 1 or m.shape[1] < 1:
        raise MemsimError(f"{name} must have at least one slot and width >= 1, got {m.shape}")
    return m


def in_range(name: str, a: np.ndarray, lo: float, hi: float) -> None:
    if a.size and (a.min() < lo or a.max() > hi):
        bad = a.min() if a.min() < lo else a.max()
        raise MemsimError(f"{name} must lie in [{lo}, {hi}], got {bad!r}")


def nonneg(name: str, a: np.ndarray) -> None:
    if a.size and a.min() < 0:
        raise MemsimError(f"{name} must be >= 0, got {a.min()!r}")


def distribution(name: str, a: np.ndarray, exact_sum: bool = True) -> None:
    """Non-negative along the last axis and summing to 1 (or to at most 1)."""
    nonneg(name, a)
    s = a.sum(axis=-1)
    if exact_sum:
        if np.any(np.abs(s - 1.0) > SUM_TOL):
            raise MemsimError(f"{name} must sum to 1 along its last axis, got sums {s!r}")
    elif np.any(s > 1.0 + SUM_TOL):
        raise MemsimError(f"{name} must sum to at most 1 along its last axis, got sums {s!r}")


def per_head(name: str, x, heads: int) -> np.ndarray:
    """A scalar or a (heads,) vector, returned as (heads,) float64."""
    a = array(name, x, (0, 1))
    if a.ndim == 0:
        return np.full(heads, float(a))
    if a.shape[0] != heads:
        raise MemsimError(f"{name} must be a scalar or have {heads} entries, got shape {a.shape}")
    return a


def positive_int(name: str, x, minimum: int = 1) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise MemsimError(f"{name} must be an integer >= {minimum}, got {x!r}")
    if x < minimum:
        raise MemsimError(f"{name} must be an integer >= {minimum}, got {x!r}")
    return int(x)


def real(name: str, x, lo: float = -np.inf, hi: float = np.inf) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not np.isfinite(x):
        raise MemsimError(f"{name} must be a finite number, got {x!r}")
    if x < lo or x > hi:
        raise MemsimError(f"{name} must lie in [{lo}, {hi}], got {x!r}")
    return float(x)


def choice(name: str, x, allowed: Sequence[str]) -> str:
    if x not in allowed:
        raise MemsimError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {x!r}")
    return x


def eps(x) -> float:
    return real("cosine_eps", x, 0.0)
