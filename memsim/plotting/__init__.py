"""Plots of results: the only package that imports matplotlib.

Plotting reads a :class:`memsim.results.Result` and never computes physics; theory curves come from
:mod:`memsim.theory`. Each model kind names its plots module in its registry entry
(:mod:`memsim.registry`; for the built-in kinds ``memsim.plotting.<kind>``), with ``PLOTTERS``
(name -> function(result, path) -> path), ``RECALL_PLOTS``, ``CAPACITY_PLOTS`` and
``default_plots(result)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from memsim.results import Result


def kind_module(kind: str) -> ModuleType:
    """The plotting module of a model kind (from the registry)."""
    from memsim.registry import get

    return get(kind).plots_module()


def allowed_plots(kind: str, command: str) -> tuple[str, ...]:
    """Plot names a command of a model kind can draw."""
    from memsim.registry import get

    return get(kind).plot_names(command)


def plot_names(result: Result, which: Sequence[str] | None = None) -> list[str]:
    """The plots :func:`make_plots` draws for ``result``: the requested ones that belong to its
    command, else the kind's defaults."""
    allowed = allowed_plots(result.kind, result.command)
    names = [n for n in which if n in allowed] if which else []
    return names or list(kind_module(result.kind).default_plots(result))


def make_plots(
    result: Result,
    folder: str | Path,
    which: Sequence[str] | None = None,
    on_plot: Callable[[str, int, int], None] | None = None,
) -> list[str]:
    """Draw the requested plots (default: all that apply) into ``folder``; return file names.

    Names that belong to the other command (a capacity plot listed in a scenario run with
    ``memsim recall``) are skipped. ``on_plot(name, index, total)`` is called before each plot
    (the command line shows it as progress).
    """
    folder = Path(folder)
    mod = kind_module(result.kind)
    names = plot_names(result, which)
    written = []
    for i, name in enumerate(names):
        if on_plot is not None:
            on_plot(name, i, len(names))
        out = mod.PLOTTERS[name](result, folder / f"{name}.png")
        if out is not None:
            written.append(Path(out).name)
    return written
