"""Result records and their results folder.

A :class:`Result` is plain, read-only data: a summary (numbers), tidy tables (one row per
observation, columns as 1-D arrays), arrays (for .npz) and metadata. :func:`save` writes::

    results.json      summary, resolved scenario, seed, package versions, file list
    <table>.csv       one tidy CSV per table (pandas.read_csv reads each in one line)
    arrays.npz        the arrays
    *.png             plots (written by memsim.plotting)
    index.html        the folder's page, plots embedded (written by memsim.report)
    memsim-manifest.json   every file memsim wrote (see :mod:`memsim.folders`)

The folder is written through memsim's results-folder contract (:mod:`memsim.folders`): staged
beside the target, moved into place when complete, and never replacing anything memsim did not
write. :func:`load` reads a folder back into a :class:`Result`.
"""

from __future__ import annotations

import csv
import itertools
import json
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from memsim.errors import MemsimError

if TYPE_CHECKING:
    from memsim.scenario.schema import Scenario


@dataclass(frozen=True)
class Result:
    """What one command produced.

    Attributes
    ----------
    command : str
        ``"recall"`` or ``"capacity"``.
    kind : str
        Model kind (``"hopfield"``, ...).
    scenario : memsim.scenario.Scenario
        The resolved scenario (every default filled in), typed and frozen: plots read its
        fields (``result.scenario.model.beta``). A plain dict (a plugin's runner, an old
        results.json) is validated into a Scenario when the Result is made.
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
    scenario: Scenario
    summary: dict
    tables: dict[str, dict[str, np.ndarray]]
    arrays: dict[str, np.ndarray]
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        if isinstance(self.scenario, dict):
            from pydantic import ValidationError

            from memsim.scenario.schema import Scenario

            try:
                typed = Scenario.model_validate(self.scenario)
            except ValidationError as exc:
                raise MemsimError(
                    f"Result: the scenario does not validate as a memsim scenario "
                    f"({exc.error_count()} problem(s), first: {exc.errors()[0]['msg']})"
                ) from None
            object.__setattr__(self, "scenario", typed)  # still being made: __init__'s last step
        for cols in self.tables.values():
            for a in cols.values():
                if isinstance(a, np.ndarray):
                    a.setflags(write=False)
        for a in self.arrays.values():
            if isinstance(a, np.ndarray):
                a.setflags(write=False)

    def save(self, folder: str | Path, force: bool = False, plots=True) -> Path:
        """Write this result to a results folder, with its plots, as the command line does;
        see :func:`memsim.results.save`.

        Parameters
        ----------
        folder : str or Path
            The results folder (created; an existing one only with ``force``, and only when it
            holds nothing but memsim's files).
        force : bool
            Replace an existing memsim results folder.
        plots : bool or sequence of str
            ``True`` (default): the scenario's ``output.plots`` (else the kind's defaults);
            ``False``: none; or the names to draw (e.g. ``["energy", "overlap"]``).

        Returns
        -------
        Path
            The absolute results folder.

        Raises
        ------
        MemsimError
            See :func:`memsim.results.save`.
        """
        return save(self, folder, force=force, plots=plots)

    def plot(self, folder: str | Path | None = None, plots=True) -> list:
        """Draw this result's plots and return the matplotlib figures.

        Parameters
        ----------
        folder : str or Path, optional
            Where to write the PNGs too (an existing folder, or one to create); ``None``: only
            return the figures (for a notebook).
        plots : bool or sequence of str
            ``True``: the scenario's ``output.plots`` (else the kind's defaults); or names.

        Returns
        -------
        list of matplotlib.figure.Figure
            One per drawn plot (animated GIFs are written to ``folder`` but not returned).
            Close them with ``matplotlib.pyplot.close`` when done.

        Raises
        ------
        MemsimError
            An unknown plot name, or a folder that cannot be written.
        """
        import tempfile

        from memsim.plotting import make_plots
        from memsim.plotting.style import keep_figures

        which = _requested_plots(self, plots)
        with keep_figures() as figs:
            if folder is None:
                with tempfile.TemporaryDirectory() as tmp:
                    make_plots(self, tmp, which)
            else:
                from memsim.folders import check_target

                target = check_target(folder, what="plot folder")
                target.mkdir(parents=True, exist_ok=True)
                make_plots(self, target, which)
        return list(figs)

    def to_pandas(self, table: str):
        """One table as a pandas DataFrame.

        Parameters
        ----------
        table : str
            A name in ``tables`` (e.g. ``"cues"``, ``"capacity"``).

        Returns
        -------
        pandas.DataFrame

        Raises
        ------
        MemsimError
            Unknown table (the message lists the tables), or pandas is not installed.
        """
        if table not in self.tables:
            raise MemsimError(
                f"table: this result has no table {table!r}; its tables: " + ", ".join(self.tables)
            )
        try:
            import pandas as pd
        except ImportError:
            raise MemsimError(
                "Result.to_pandas needs pandas, which is not installed (pip install pandas); "
                f"result.tables[{table!r}] holds the same columns as numpy arrays"
            ) from None
        return pd.DataFrame({k: np.asarray(v) for k, v in self.tables[table].items()})

    def table(self, name: str):
        """A table as a pandas DataFrame if pandas is installed, else a dict of columns."""
        cols = self.tables[name]
        try:
            import pandas as pd
        except ImportError:
            return dict(cols)
        return pd.DataFrame(cols)


def versions() -> dict[str, str]:
    """Versions of memsim, Python and the numerical libraries (for results.json).

    Returns
    -------
    dict of str to str
        Versions of memsim, Python, numpy, numba and scipy.
    """
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


def write_csv(path: Path, cols: dict[str, np.ndarray]) -> None:
    """Write a tidy table (one column per key) as CSV: floats with 12 significant digits, NaN and
    inf as empty cells, booleans as true/false.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file to write.
    cols : dict of str to 1-D array
        Columns of equal length.

    Raises
    ------
    OSError
        The file cannot be written (disk full, permissions).
    """
    names = list(cols)
    arrays = [np.asarray(cols[c]) for c in names]
    n = len(arrays[0]) if arrays else 0
    rows = ([_cell(a[i]) for a in arrays] for i in range(n))
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows(itertools.chain([names], rows))


def _cell(v: Any) -> Any:
    """One CSV cell: floats with 12 significant digits (NaN and inf empty), true/false."""
    if isinstance(v, np.floating | float):
        return "" if not np.isfinite(v) else format(float(v), ".12g")
    if isinstance(v, np.bool_ | bool):
        return "true" if v else "false"
    if isinstance(v, np.integer):
        return int(v)
    return v


def output_bytes(result: Result) -> int:
    """An upper bound of what :func:`save` writes for ``result`` (arrays uncompressed, tables
    at 24 bytes a cell), for the disk-space check.

    Parameters
    ----------
    result : Result

    Returns
    -------
    int
        Bytes (an upper bound).

    Raises
    ------
    Nothing.
    """
    arrays = sum(int(np.asarray(a).nbytes) for a in result.arrays.values())
    cells = sum(len(np.asarray(c)) for cols in result.tables.values() for c in cols.values())
    return arrays + 24 * cells + 2**16


def write_into(result: Result, folder: str | Path, plots: Sequence[str] = ()) -> Path:
    """Write a result's files into an existing folder (no results-folder checks: the folder is
    a staging folder made by :func:`memsim.folders.staged`); ``plots`` are the PNG files
    already drawn there (listed in results.json). Returns the folder. The Result itself is not
    changed.

    Parameters
    ----------
    result : Result
    folder : str or Path
        An existing folder.
    plots : sequence of str
        PNG or GIF files already drawn into the folder.

    Returns
    -------
    pathlib.Path
        ``folder``.

    Raises
    ------
    OSError
        A file cannot be written (the staging contract removes the folder).
    """
    from memsim.report import utc_date, write_page

    p = Path(folder)
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
        "scenario": result.scenario.model_dump(mode="json"),
        "meta": {**result.meta, "plots": list(plots), "versions": versions(), "date": utc_date()},
        "files": files + list(plots),
    }
    (p / "results.json").write_text(json.dumps(_jsonable(doc), indent=2) + "\n")
    write_page(p)  # index.html, the folder's page (memsim.report)
    return p


def _requested_plots(result: Result, plots) -> list[str] | None:
    """The plot names asked for (None: the kind's defaults): ``True`` means the scenario's
    ``output.plots``; a name or a list of names is checked against the kind's plots of the
    result's command (MemsimError naming the first unknown one)."""
    if plots is True:
        return result.scenario.output.plots or None
    from memsim.plotting import allowed_plots

    which = [plots] if isinstance(plots, str) else list(plots)
    known = allowed_plots(result.kind, result.command)
    bad = [n for n in which if n not in known]
    if bad:
        raise MemsimError(
            f"plots: {bad[0]!r} is not a plot of a {result.kind} {result.command} result; "
            f"its plots: {', '.join(known)}"
        )
    return which or None


def save(
    result: Result, out: str | Path, force: bool = False, prepared: bool = False, plots=None
) -> Path:
    """Write a result to a results folder (see the module docstring for the layout).

    The folder follows memsim's results-folder contract (:mod:`memsim.folders`): the target is
    checked, the files are written into a staging folder beside it and moved into place only
    when everything was written; an existing folder is replaced only with ``force`` and only
    when it holds nothing but memsim's files (listed in its ``memsim-manifest.json``).

    Parameters
    ----------
    result : Result
        What a runner returned.
    out : str or Path
        The results folder.
    force : bool
        Replace an existing memsim results folder.
    prepared : bool
        ``out`` is a folder memsim has prepared already (a staging folder): write into it
        directly, without the contract.
    plots : bool or sequence of str, optional
        Plots to draw into the folder as well: ``None``/``False`` none, ``True`` the scenario's
        ``output.plots`` (else the kind's defaults), or a list of names (see
        :func:`memsim.plotting.make_plots`).

    Returns
    -------
    Path
        The results folder.

    Raises
    ------
    MemsimError
        A refused target (empty path, current or home folder, a link, a file, ...), an existing
        folder without ``force``, foreign files in it, too little disk space, a failed write.
    """
    if prepared:
        return write_into(result, out)
    from memsim.folders import check_target, staged

    target = check_target(out)
    with staged(target, force, expected_bytes=output_bytes(result)) as tmp:
        drawn: list[str] = []
        if plots:
            from memsim.plotting import make_plots

            drawn = make_plots(result, tmp, _requested_plots(result, plots))
        write_into(result, tmp, drawn)
    return target


def load(folder: str | Path) -> Result:
    """Read a results folder written by :func:`save`.

    Parameters
    ----------
    folder : str or Path
        A results folder written by memsim.

    Returns
    -------
    Result
        With the typed ``scenario`` and the tables read back from the CSV files.

    Raises
    ------
    MemsimError
        The folder holds no ``results.json``, or its scenario does not validate (a model kind
        that is not installed).
    """
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
