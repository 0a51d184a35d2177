"""Grid sweeps of the scripted NTM/DNC tasks (:mod:`memsim.ntm.tasks`).

:func:`sweep` runs every point of a parameter grid through :func:`memsim.ntm.tasks.run_trials`
(the trials of one point as one batch); :func:`capacity_sweep` is the sequence length x memory
size x shift blur x sharpening grid of ``memsim capacity``. Still importable from
:mod:`memsim.ntm.tasks` and :mod:`memsim.ntm`.

References
----------
Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
sections 4.1-4.5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from memsim import _checks
from memsim.errors import MemsimError
from memsim.experiments.studies._common import grid_points
from memsim.ntm.tasks import run_trials, task_spec

__all__ = ["capacity_sweep", "sweep"]


def sweep(
    task: str,
    grid: Mapping[str, Sequence[Any]],
    *,
    trials: int = 8,
    seed: int = 0,
    threads: int | None = None,
    **fixed: Any,
) -> list[dict[str, Any]]:
    """Bit errors over a grid of task parameters: one tidy row per (grid point, trial).

    Every grid point runs ``trials`` independent trials in parallel (one thread per trial, inputs
    from the streams (seed, task, trial), so trial i sees the same random stream at every grid
    point and the result does not depend on the thread count).

    Parameters
    ----------
    task : str
        A key of :data:`memsim.ntm.tasks.TASKS`.
    grid : mapping of parameter name -> sequence of values
        E.g. ``{"length": [10, 20, 40], "memory_slots": [16, 128], "shift_blur": [0, 0.1]}``.
    trials : int, >= 1, default 8
        Trials per grid point.
    seed : int, >= 0, default 0
        Random seed shared by every grid point.
    threads : int >= 1, optional
        Number of Numba threads; None keeps the current setting.
    **fixed
        Other task parameters, the same at every grid point.

    Returns
    -------
    list of dict
        Keys: ``task``, every resolved parameter, ``seed``, ``trial``, ``steps``, ``bit_errors``,
        ``scored_bits``, ``bit_error_rate``, ``exact``. ``pandas.DataFrame(rows)`` gives a tidy
        table.

    Raises
    ------
    MemsimError
        If ``task`` is not a registered task, ``trials`` is not an integer >= 1, ``seed`` is not
        an integer >= 0, ``grid`` is not a mapping, a grid entry is not a non-empty sequence (a
        string is refused), a parameter is given both in ``grid`` and in ``fixed`` or is not a
        parameter of the task, ``threads`` is not an integer >= 1, or at some grid point
        :func:`memsim.ntm.tasks.run_task` refuses a task parameter (see its Raises section: a
        size or count that is not an integer >= 1, a memory too narrow for the task's columns,
        ``shift_blur``, ``gamma``, ``beta``, ``cosine_eps`` or ``occupied`` out of range, an
        unknown ``memory_init`` or ``step_order``).

    Warns
    -----
    MemsimWarning
        As :func:`memsim.ntm.tasks.run_task`: for DNC tasks whose ``occupied`` leaves fewer
        free slots than the task writes vectors.

    References
    ----------
    The tasks of :func:`memsim.ntm.tasks.run_task`: Graves, Wayne & Danihelka (2014), Neural
    Turing Machines, arXiv:1410.5401, sections 4.1-4.5; Graves et al. (2016), Nature 538,
    471-476, Methods (DNC allocation and temporal links).
    """
    task_spec(task)
    trials = _checks.integer(trials, "trials", 1)
    seed = _checks.seed(seed)
    points = grid_points(grid, fixed, _grid_entry_error, _grid_both_error)
    rows: list[dict[str, Any]] = []
    for point in points:
        rows += run_trials(task, trials=trials, seed=seed, threads=threads, **point)
    return rows


def _grid_entry_error(k: str, v: Any) -> str | None:
    if isinstance(v, (str, bytes)) or not isinstance(v, Sequence | np.ndarray) or len(v) == 0:
        return f"grid[{k!r}] must be a non-empty list of values, got {v!r}"
    return None


def _grid_both_error(both: list[str]) -> str:
    return f"parameter(s) {', '.join(both)} given both in grid and as fixed"


def capacity_sweep(
    task: str = "copy",
    *,
    lengths: Sequence[int] = (5, 10, 20, 40),
    memory_slots: Sequence[int] = (16, 32, 128),
    shift_blurs: Sequence[float] = (0.0, 0.05, 0.1),
    gammas: Sequence[float] = (1.0, 2.0),
    trials: int = 8,
    seed: int = 0,
    threads: int | None = None,
    **fixed: Any,
) -> list[dict[str, Any]]:
    """Sequence length x memory size x shift blur (x gamma) for ``copy`` or ``repeat_copy``.

    A thin wrapper of :func:`sweep` for the ``memsim capacity`` view: bit errors appear when the
    sequence is longer than the memory (wrap-around) or the shift is blurred and not re-sharpened.

    Parameters
    ----------
    task : {"copy", "repeat_copy"}, default "copy"
    lengths : sequence of int >= 1, default (5, 10, 20, 40)
        Sequence lengths.
    memory_slots : sequence of int >= 1, default (16, 32, 128)
        Memory sizes N.
    shift_blurs : sequence of float in [0, 0.5], default (0.0, 0.05, 0.1)
        Shift blur eps (mass on offsets 0 and +2).
    gammas : sequence of float >= 1, default (1.0, 2.0)
        Sharpening exponents.
    trials : int, >= 1, default 8
    seed : int, >= 0, default 0
    threads : int >= 1, optional
    **fixed
        Other task parameters (not ``length``, ``memory_slots``, ``shift_blur`` or ``gamma``).

    Returns
    -------
    list of dict
        One row per (grid point, trial), as :func:`sweep` returns.

    Raises
    ------
    MemsimError
        If ``task`` is not "copy" or "repeat_copy", a grid sequence is empty, ``fixed`` repeats
        a grid parameter, or :func:`sweep` refuses the arguments (invalid ``trials``, ``seed``,
        ``threads`` or parameter values).

    References
    ----------
    Graves, A., Wayne, G. & Danihelka, I. (2014). Neural Turing Machines. arXiv:1410.5401,
    sections 4.1 (copy) and 4.2 (repeat copy).
    """
    if task not in ("copy", "repeat_copy"):
        raise MemsimError(f"capacity_sweep supports 'copy' and 'repeat_copy', got {task!r}")
    grid = {
        "length": list(lengths),
        "memory_slots": list(memory_slots),
        "shift_blur": list(shift_blurs),
        "gamma": list(gammas),
    }
    return sweep(task, grid, trials=trials, seed=seed, threads=threads, **fixed)
