"""Result records and their results folder.

A :class:`Result` is plain, read-only data: a summary (numbers), tidy tables (one row per
observation, columns as 1-D arrays), arrays (for .npz) and metadata. :func:`save` writes::

    results.json      summary, resolved scenario, seed, package versions, file list
    <table>.csv       one tidy CSV per table (pandas.read_csv reads each in one line)
    arrays.npz        the arrays
    *.png             plots (written by memsim.plotting)

:func:`load` reads a folder back into a :class:`Result`.
"""

from __future__ import annotations

import csv
import json
import platform
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from memsim.errors import MemsimError


@dataclass(frozen=True)
class Result:
    """What one command produced.

    Attributes
    ----------
    command : str
        ``"recall"`` or ``"capacity"``.
    kind : str
        Model kind (``"hopfield"``, ...).
    scenario : dict
        The resolved scenario (every default filled in), as plain data.
    summary : dict
        Headline numbers.
    tables : dict of name -> dict of column -> 1-D array
        Tidy tables.
    arrays : dict of name -> ndarray
        Arrays for the .npz file and for plots.
    meta : dict
        Seed, versions, timing.
    """

    command: str
    kind: str
    scenario: dict
    summary: dict
    tables: dict[str, dict[str, np.ndarray]]
    arrays: dict[str, np.ndarray]
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        for cols in self.tables.values():
            for a in cols.values():
                if isinstance(a, np.ndarray):
                    a.setflags(write=False)
        for a in self.arrays.values():
            if isinstance(a, np.ndarray):
                a.setflags(write=False)

    def table(self, name: str):
        """A table as a pandas DataFrame if pandas is installed, else a dict of columns."""
        cols = self.tables[name]
        try:
            import pandas as pd
        except ImportError:
            return dict(cols)
        return pd.DataFrame(cols)


def versions() -> dict[str, str]:
    """Versions of memsim, Python and the numerical libraries (for results.json)."""
    import numba
    import scipy

    import memsim

    return {
        "memsim": memsim.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "scipy": scipy.__version__,
    }


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        v = float(x)
        return v if np.isfinite(v) else None
    if isinstance(x, float):
        return x if np.isfinite(x) else None
    if isinstance(x, np.bool_):
        return bool(x)
    return x


def prepare_out_dir(out: str | Path, force: bool = False) -> Path:
    """Check the results folder: an existing non-empty folder needs ``force`` (then it is emptied).

    Raises
    ------
    MemsimError
        If the folder exists and is not empty and ``force`` is false, or if it is a file.
    """
    p = Path(out)
    if p.exists() and not p.is_dir():
        raise MemsimError(f"the output path {p} exists and is a file, not a folder")
    if p.is_dir() and any(p.iterdir()):
        if not force:
            raise MemsimError(
                f"the results folder {p} already exists and is not empty; nothing was written. "
                "Use --force to replace it, or --out to choose another folder"
            )
        marker = p / "results.json"
        if not marker.exists():
            raise MemsimError(
                f"the folder {p} is not empty and does not look like a memsim results folder "
                "(no results.json); refusing to delete it even with --force. Choose another --out"
            )
        shutil.rmtree(p)
    p.mkdir(parents=True, exist_ok=True)
    return p


def write_csv(path: Path, cols: dict[str, np.ndarray]) -> None:
    names = list(cols)
    arrays = [np.asarray(cols[c]) for c in names]
    n = len(arrays[0]) if arrays else 0
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        for i in range(n):
            row = []
            for a in arrays:
                v = a[i]
                if isinstance(v, np.floating | float):
                    row.append("" if not np.isfinite(v) else format(float(v), ".12g"))
                elif isinstance(v, np.bool_ | bool):
                    row.append("true" if v else "false")
                elif isinstance(v, np.integer):
                    row.append(int(v))
                else:
                    row.append(v)
            w.writerow(row)


def save(result: Result, out: str | Path, force: bool = False, prepared: bool = False) -> Path:
    """Write a result to a folder (see the module docstring for the layout)."""
    p = Path(out) if prepared else prepare_out_dir(out, force)
    files = []
    for name, cols in result.tables.items():
        write_csv(p / f"{name}.csv", cols)
        files.append(f"{name}.csv")
    if result.arrays:
        np.savez_compressed(p / "arrays.npz", **result.arrays)
        files.append("arrays.npz")
    doc = {
        "command": result.command,
        "kind": result.kind,
        "summary": result.summary,
        "scenario": result.scenario,
        "meta": {**result.meta, "versions": versions()},
        "files": files + list(result.meta.get("plots", [])),
    }
    (p / "results.json").write_text(json.dumps(_jsonable(doc), indent=2) + "\n")
    return p


def load(folder: str | Path) -> Result:
    """Read a results folder written by :func:`save`."""
    p = Path(folder)
    if not (p / "results.json").exists():
        raise MemsimError(f"{p} is not a memsim results folder (no results.json)")
    doc = json.loads((p / "results.json").read_text())
    tables: dict[str, dict[str, np.ndarray]] = {}
    for f in doc.get("files", []):
        if f.endswith(".csv"):
            with open(p / f, newline="") as fh:
                rows = list(csv.reader(fh))
            header, body = rows[0], rows[1:]
            cols = {}
            for j, name in enumerate(header):
                vals = [r[j] for r in body]
                cols[name] = _parse_column(vals)
            tables[f[:-4]] = cols
    arrays = {}
    if (p / "arrays.npz").exists():
        with np.load(p / "arrays.npz") as z:
            arrays = {k: z[k] for k in z.files}
    return Result(
        command=doc["command"],
        kind=doc["kind"],
        scenario=doc["scenario"],
        summary=doc["summary"],
        tables=tables,
        arrays=arrays,
        meta=doc.get("meta", {}),
    )


def _parse_column(vals: list[str]) -> np.ndarray:
    if all(v in ("true", "false") for v in vals) and vals:
        return np.array([v == "true" for v in vals])
    try:
        return np.array([int(v) for v in vals], dtype=np.int64)
    except ValueError:
        pass
    try:
        return np.array([float(v) if v != "" else np.nan for v in vals])
    except ValueError:
        return np.array(vals)
