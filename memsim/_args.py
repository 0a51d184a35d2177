"""Checks of public-API arguments that name the argument in their MemsimError.

``recall(W, cues, seed=-1)`` must say ``seed`` (issue 14): the shared checks of seeds, counts and
sizes live here so every engine words them the same way.
"""

from __future__ import annotations

import math
import numbers

from memsim.errors import MemsimError


def integer(value, name: str, minimum: int | None = 0) -> int:
    """``value`` as an int (integral floats allowed, bools and text refused), ``>= minimum``."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok and isinstance(value, numbers.Real) and not isinstance(value, bool):
        ok = math.isfinite(value) and float(value).is_integer()
    if not ok:
        raise MemsimError(f"{name} must be an integer, got {value!r}")
    v = int(value)
    if minimum is not None and v < minimum:
        raise MemsimError(f"{name} must be an integer >= {minimum}, got {v}")
    return v


def seed(value, name: str = "seed") -> int:
    """A random seed: an integer >= 0."""
    return integer(value, name, 0)


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
