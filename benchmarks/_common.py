"""Set-up and output shared by the benchmark scripts: the argument parser, the side-by-side
table against a reference, the record of the environment (versions, threads, load average),
the CSV writer and the runner of child processes.

Standard library only at import time (numpy, numba and memsim are imported inside the
functions that need them): bench_dask.py sets the BLAS thread counts from its options, so after
building its parser but before numpy is imported, and peers_hopfield.py is imported by the
peers' interpreter, which has no memsim.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from _timing import best_of

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOCS = ROOT / "docs" / "benchmarks"


# ---- command line --------------------------------------------------------------------------------


def bench_parser(doc: str, **options: object) -> argparse.ArgumentParser:
    """An argument parser described by the first line of ``doc``, one ``--option`` per keyword.

    ``name=default`` or ``name=(default, help)``; ``name`` becomes ``--name`` with ``_`` as
    ``-``. A ``False`` default gives an on/off flag (``store_true``), ``None`` or a ``str`` a
    string option, an ``int`` or ``float`` an option of that type.
    """
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    for name, spec in options.items():
        default, help_ = spec if isinstance(spec, tuple) else (spec, None)
        flag = "--" + name.replace("_", "-")
        if default is False:
            ap.add_argument(flag, action="store_true", help=help_)
        elif default is None or isinstance(default, str):
            ap.add_argument(flag, default=default, help=help_)
        else:
            ap.add_argument(flag, type=type(default), default=default, help=help_)
    return ap


# ---- environment --------------------------------------------------------------------------------


def load_average() -> float:
    """The machine's 1-minute load average (the development machine has 2 shared cores)."""
    return os.getloadavg()[0]


def environment() -> dict[str, object]:
    """Versions of memsim, numpy and numba, numba's thread count and the load average now."""
    from importlib.metadata import version

    import numba
    import numpy as np

    return {
        "memsim": version("memsim"),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "threads": numba.get_num_threads(),
        "load1": load_average(),
    }


def environment_line(load: bool = True) -> str:
    """``memsim V, numpy V, numba V, numba threads T[; 1-minute load average L]``."""
    e = environment()
    line = (
        f"memsim {e['memsim']}, numpy {e['numpy']}, numba {e['numba']}, "
        f"numba threads {e['threads']}"
    )
    return line + (f"; 1-minute load average {e['load1']:.1f}" if load else "")


# ---- side by side with a reference ---------------------------------------------------------------


Row = tuple[str, float, float]


def print_speedups(
    rows: Iterable[Row], ref: str = "numpy ref", width: int = 10, digits: int = 2
) -> None:
    """A table of (case, reference seconds, memsim seconds) with the speed-up reference/memsim,
    then the environment (versions, threads, load average)."""
    print(f"{'case':<{width}} {ref + ' (ms)':>15} {'memsim (ms)':>12} {'speed-up':>9}")
    for name, tr, tm in rows:
        print(f"{name:<{width}} {tr * 1e3:>15.2f} {tm * 1e3:>12.{digits}f} {tr / tm:>8.1f}x")
    print(environment_line())


def side_by_side(
    cases: Sequence[tuple[str, Callable[[], object] | None, Callable[[], object]]],
    repeats: int,
    title: str,
    *,
    ref: str = "numpy ref",
    width: int = 10,
    digits: int = 2,
) -> list[Row]:
    """Time each case's reference and memsim (best of ``repeats``, reference first) and print
    ``title`` and the speed-up table.

    ``cases`` are ``(name, reference, memsim)``; a reference of ``None`` reuses the previous
    case's reference time (one reference for several memsim variants). Warm-up and equality
    checks are the caller's, before this call. Returns the rows (name, reference s, memsim s).
    """
    rows: list[Row] = []
    t_ref = float("nan")
    for name, reference, memsim in cases:
        if reference is not None:
            t_ref = best_of(reference, repeats)
        rows.append((name, t_ref, best_of(memsim, repeats)))
    print(title)
    print_speedups(rows, ref=ref, width=width, digits=digits)
    return rows


# ---- CSV -----------------------------------------------------------------------------------------


def write_csv(
    path: str | Path,
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[str] | None = None,
    float_format: str | None = None,
) -> Path:
    """Write ``rows`` (dicts) to ``path`` with a header line, creating its folder.

    ``columns`` defaults to the keys of the first row; keys not in ``columns`` are left out,
    missing ones written empty. With ``float_format`` (e.g. ``".4g"``) floats are written with
    it, otherwise as Python prints them. The rows carry their own load average, thread and
    version columns (see :func:`environment`): the docs pages read these files as they are.
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    cols = list(rows[0]) if columns is None else list(columns)
    with out.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, restval="", extrasaction="ignore")
        w.writeheader()
        for row in rows:
            if float_format is not None:
                row = {
                    k: (format(v, float_format) if isinstance(v, float) else v)
                    for k, v in row.items()
                }
            w.writerow(row)
    return out


# ---- child processes -----------------------------------------------------------------------------


def run_json(command: Sequence[str], env: Mapping[str, str] | None = None) -> dict:
    """Run ``command``; the JSON object on the last line of its output, or, when it fails,
    ``{"error": [the lines of its standard error]}``."""
    out = subprocess.run(
        list(command), capture_output=True, text=True, env=None if env is None else dict(env)
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()}
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_in_child(
    python: str, module: str, function: str, *args: object, env: Mapping[str, str] | None = None
) -> dict:
    """``module.function(*args)`` (a module of this folder; arguments and result plain JSON
    values) in a fresh ``python`` process, e.g. for its own peak memory or the peers' own
    interpreter. Returns the result or ``{"error": [standard error lines]}``."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import {module} as b; "
        f"print(json.dumps(b.{function}(*{list(args)!r})))"
    )
    return run_json([python, "-c", code], env)
