"""Helpers shared by the plotting modules of several kinds (the style itself lives in
:mod:`memsim.plotting.style`): the default plot list, +-1 pictures, per-cue lines, error bars
and legends that every kind draws the same way."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from memsim.plotting.style import plt_module
from memsim.results import Result

__all__ = [
    "cue_lines",
    "default_plots",
    "errorbar_sem",
    "first_cue_rows",
    "label_axes",
    "legend_right",
    "legend_under",
    "line_alpha",
    "plotters",
    "plt_module",
    "pm_picture",
    "save_titled",
    "theory_line",
]


def default_plots(
    result: Result,
    recall: Sequence[str],
    capacity: Sequence[str],
    pictures: bool | None = None,
    animation: bool = False,
) -> list[str]:
    """The plots a kind draws by default: ``capacity`` for a capacity run; else ``recall``, then
    ``"pictures"`` when the patterns have a picture shape (or when ``pictures`` is True), then
    ``"animation"`` when ``animation`` is asked for and the run recorded ``frames_trial0``."""
    if result.command == "capacity":
        return list(capacity)
    out = list(recall)
    if pictures is None:
        pictures = bool(result.meta.get("picture_shape"))
    if pictures:
        out.append("pictures")
        if animation and "frames_trial0" in result.arrays:
            out.append("animation")
    return out


def first_cue_rows(result: Result, most: int = 8) -> np.ndarray:
    """Rows of the cues table of the first trial, at most ``most``."""
    c = result.tables["cues"]
    return np.flatnonzero(c["trial"] == c["trial"][0])[:most]


def pm_picture(ax, img, shape, title: str | None = None, fontsize: float = 8) -> None:
    """Draw a -1/+1 state as a picture of ``shape`` (white -1, black +1), without ticks; with a
    title when ``title`` is given."""
    ax.imshow(np.asarray(img, float).reshape(shape), cmap="gray_r", vmin=-1, vmax=1)
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=fontsize)


def line_alpha(lines: int, floor: float) -> float:
    """Opacity of one of ``lines`` overlaid lines: 0.9 for up to 10, fading to ``floor``."""
    return 0.9 if lines <= 10 else max(floor, 6.0 / lines)


def errorbar_sem(ax, x, y, sem, **kw):
    """``ax.errorbar`` with standard errors as bars (a NaN error, from one trial, draws none)."""
    return ax.errorbar(x, y, yerr=np.nan_to_num(sem), **kw)


def legend_under(ax, fontsize: float = 7, ncol: int = 1, **kw):
    """Axes legend centred under the axes (below the x label)."""
    return ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=fontsize, ncol=ncol, **kw
    )


def legend_right(ax, fontsize: float = 8, **kw):
    """Axes legend to the right of the axes, top aligned (with the axes' frame settings)."""
    return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=fontsize, **kw)


def save_titled(fig, path, result: Result, text: str, fontsize: float = 9, ax=None):
    """Title ``"<scenario name>: text"`` (on ``ax``, else the figure's suptitle) and save the
    figure (:func:`memsim.plotting.style.save`); return the path."""
    from memsim.plotting import style

    where = fig.suptitle if ax is None else ax.set_title
    where(f"{result.scenario.name}: {text}", fontsize=fontsize)
    return style.save(fig, path)


def plotters(*functions) -> dict:
    """The ``PLOTTERS`` table of a plot module: ``plot_<name>`` functions by ``<name>``."""
    return {f.__name__.removeprefix("plot_"): f for f in functions}


def label_axes(ax, xlabel: str, ylabel: str, title: str | None = None, fontsize: float = 9):
    """Axis labels and (optionally) a panel title of ``fontsize``."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title, fontsize=fontsize)


def theory_line(ax, x, y, label: str, fmt: str = "-", lw: float = 1, **kw):
    """A theory curve: thin, in the theory colour (:data:`memsim.plotting.style.THEORY`)."""
    from memsim.plotting.style import THEORY

    return ax.plot(x, y, fmt, color=THEORY, lw=lw, label=label, **kw)


def cue_lines(result: Result, path, lines, labels: tuple[str, str], what: str, floor: float,
              fmt: str = "-", integer_x: bool = False, **kw):  # fmt: skip
    """A figure of one thin line per cue (``lines``: (x, y) pairs), fading to opacity ``floor``
    when there are many (:func:`line_alpha`); axis ``labels`` (x, y), title ``what``; saved."""
    from memsim.plotting import style

    fig, ax = style.subplots(figsize=(6.4, 4))
    alpha = line_alpha(len(lines), floor)
    for x, y in lines:
        ax.plot(x, y, fmt, lw=1, alpha=alpha, **kw)
    label_axes(ax, *labels)
    if integer_x:
        ax.xaxis.get_major_locator().set_params(integer=True)
    return save_titled(fig, path, result, what, ax=ax)
