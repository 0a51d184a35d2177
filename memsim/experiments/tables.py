"""Tidy tables (column name -> 1-D array) built row by row, grouped and summarised: the table
plumbing shared by the scenario runners and the studies of :mod:`memsim.experiments`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np


class Columns:
    """The columns of a tidy table, filled a row (:meth:`add`) or a block (:meth:`extend`) at a
    time; :meth:`arrays` gives the table (column -> 1-D array, in the order of ``names``)."""

    def __init__(self, *names: str):
        self.data: dict[str, list] = {n: [] for n in names}

    def add(self, **row: Any) -> None:
        """Append one value to each named column."""
        for k, v in row.items():
            self.data[k].append(v)

    def extend(self, **block: Iterable) -> None:
        """Append several values to each named column."""
        for k, v in block.items():
            self.data[k].extend(v)

    def arrays(self, dtype=None) -> dict[str, np.ndarray]:
        """The table: column name -> ``np.asarray`` of its values (of ``dtype`` if given)."""
        return {k: np.asarray(v, dtype=dtype) for k, v in self.data.items()}


def from_rows(rows: Sequence[dict], columns: Sequence[str]) -> dict[str, np.ndarray]:
    """Tidy table of the named columns of task rows (one dict per row)."""
    return {c: np.asarray([r[c] for r in rows]) for c in columns}


def concat(parts: Sequence[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """One table from tables with the same columns (those of the first), rows in order."""
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def groups(
    table: dict[str, np.ndarray], keys: Sequence[str], combos: Iterable[tuple] | None = None
) -> Iterator[tuple[tuple, np.ndarray]]:
    """``(values, selection)`` for each combination of the ``keys`` columns: the given
    ``combos``, or those in the table in order of first appearance; ``selection`` is the boolean
    mask of its rows."""
    n = len(table[keys[0]])
    if combos is None:
        combos = list(dict.fromkeys(zip(*(table[k].tolist() for k in keys), strict=True)))
    for combo in combos:
        sel = np.ones(n, dtype=bool)
        for k, v in zip(keys, combo, strict=True):
            sel &= table[k] == v
        yield combo, sel


def sem(x: np.ndarray, single: float = float("nan")) -> float:
    """Standard error of the mean of ``x`` (``single`` for fewer than two values)."""
    return float(x.std(ddof=1) / np.sqrt(x.size)) if x.size > 1 else single


__all__ = ["Columns", "concat", "from_rows", "groups", "sem"]
