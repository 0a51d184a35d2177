"""What the studies share: parameter grids, the bisection of a capacity search and docstring
sections written once for several functions (:func:`memsim._docstrings.fill_doc`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from memsim._docstrings import fill_doc
from memsim.errors import MemsimError

__all__ = ["bisect_largest", "fill_doc", "grid_points"]


def grid_points(
    grid: Any,
    fixed: Mapping[str, Any],
    entry_error: Callable[[str, Any], str | None],
    both_error: Callable[[list[str]], str],
) -> list[dict[str, Any]]:
    """Every point of a parameter grid (the product of its lists, the first parameter varying
    slowest), each merged with the ``fixed`` parameters.

    ``entry_error(name, values)`` is the message for a grid entry that is not an acceptable list
    (None when it is), ``both_error(names)`` the message for parameters given in both ``grid``
    and ``fixed``.
    """
    if not isinstance(grid, Mapping):
        raise MemsimError(f"grid must be a mapping of parameter -> values, got {grid!r}")
    both = sorted(set(grid) & set(fixed))
    if both:
        raise MemsimError(both_error(both))
    names = list(grid)
    values = []
    for k in names:
        why = entry_error(k, grid[k])
        if why:
            raise MemsimError(why)
        values.append(list(grid[k]))
    return [
        {**fixed, **dict(zip(names, combo, strict=True))} for combo in itertools.product(*values)
    ]


def bisect_largest(ok: Callable[[int], bool], lo: int, hi: int) -> int:
    """The largest k in [lo, hi) with ``ok(k)``, given ``ok(lo)`` (or lo = 0) and not ``ok(hi)``
    and a monotone ``ok`` (true up to the answer, false after it)."""
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return lo
