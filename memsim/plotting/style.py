"""The one look of every memsim plot: sizes, fonts, colour maps, titles, axes and legends.

Every kind's plot module draws through these helpers so that all plots share

* figure sizes (:data:`SINGLE`, :data:`WIDE`, :data:`TRIPLE`) and one resolution (:data:`DPI`);
* font sizes (:data:`RC`, applied by :func:`figure` and :func:`subplots`);
* colour maps by meaning: :data:`CMAP_BITS` (sequential, 0/1 bits), :data:`CMAP_PIXELS` (+-1
  pixels), :data:`CMAP_SIGNED` (diverging, values around 0), :data:`CMAP_WEIGHTS` (0..1 weights),
  :data:`CMAP_ERRORS` (counts of errors);
* titles that start with the scenario name (:func:`title`, :func:`suptitle`);
* plain tick labels on log axes ("20", not "2x10^1": :func:`plain_log`);
* y-ranges fitted to the data rather than to the possible range (:func:`fit_ylim`);
* legends outside the data (:func:`legend_outside`, :func:`legend_below`);
* no offset text colliding with titles: a "x1e13" multiplier moves into the axis label
  (:func:`finish`, called by :func:`save`).

Only matplotlib lives here: nothing in this module computes physics.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

#: figure sizes in inches (width, height)
SINGLE = (6.4, 4.2)
WIDE = (11.0, 4.4)
TRIPLE = (15.0, 4.4)
#: resolution of every PNG
DPI = 110

#: font sizes and line defaults for every figure
RC = {
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "legend.title_fontsize": 8,
    "figure.titlesize": 10.5,
    "lines.linewidth": 1.4,
    "lines.markersize": 4,
    "axes.grid": False,
    "axes.formatter.useoffset": False,
    "axes.formatter.limits": (-4, 5),
}

#: colour maps by what the colour means
CMAP_BITS = "Greys"  # 0/1 bits: white 0, black 1 (sequential)
CMAP_PIXELS = "gray_r"  # +-1 pixels: white -1, black +1
CMAP_SIGNED = "RdBu_r"  # values around 0 (memory contents, priorities)
CMAP_WEIGHTS = "viridis"  # weights and probabilities in [0, 1]
CMAP_HEADS = "magma"  # head weightings over time
CMAP_ERRORS = "Reds"  # error counts
#: colour of theory lines
THEORY = "k"


def cue_color(i: int, n: int):
    """Colour of line ``i`` of ``n`` named lines: the default cycle up to 10 lines, beyond that
    the 20 colours of tab20, so up to 20 lines never share a colour."""
    if n <= 10:
        return f"C{i % 10}"
    import matplotlib

    return matplotlib.colormaps["tab20"](i % 20)


def plt_module():
    """matplotlib.pyplot with the non-interactive Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def styled(fn):
    """Decorator of a plot function: draws it with the memsim rc settings (:data:`RC`) without
    changing matplotlib's global settings."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kw):
        import matplotlib as mpl

        plt_module()
        with mpl.rc_context(RC):
            return fn(*args, **kw)

    return wrapper


def subplots(nrows: int = 1, ncols: int = 1, figsize=SINGLE, **kw):
    """``plt.subplots`` with constrained layout (call inside a :func:`styled` function)."""
    kw.setdefault("layout", "constrained")
    return plt_module().subplots(nrows, ncols, figsize=figsize, **kw)


def figure(figsize=SINGLE, **kw):
    """``plt.figure`` with constrained layout (call inside a :func:`styled` function)."""
    kw.setdefault("layout", "constrained")
    return plt_module().figure(figsize=figsize, **kw)


def style_axes(ax) -> None:
    """Tick and label fonts of one axes (for axes added after :func:`subplots`)."""
    ax.tick_params(labelsize=RC["xtick.labelsize"])
    ax.xaxis.label.set_fontsize(RC["axes.labelsize"])
    ax.yaxis.label.set_fontsize(RC["axes.labelsize"])
    ax.title.set_fontsize(RC["axes.titlesize"])


def name(result) -> str:
    """The scenario name of a result (``"memsim"`` when a synthetic result has none)."""
    sc = getattr(result, "scenario", None)
    n = sc.get("name") if isinstance(sc, dict) else getattr(sc, "name", None)
    return str(n or "memsim")


def title(ax, result, text: str = "", **kw) -> None:
    """Axes title ``"<scenario>: text"`` (two lines when long)."""
    t = f"{name(result)}: {text}" if text else name(result)
    ax.set_title(_wrap(t, 70), fontsize=kw.pop("fontsize", RC["axes.titlesize"]), **kw)


def suptitle(fig, result, text: str = "", **kw) -> None:
    """Figure title ``"<scenario>: text"``."""
    t = f"{name(result)}: {text}" if text else name(result)
    width = fig.get_figwidth()
    fig.suptitle(_wrap(t, int(width * 13)), fontsize=kw.pop("fontsize", RC["figure.titlesize"]))


def _wrap(text: str, width: int) -> str:
    """Break a long one-line title at a space near the middle (explicit newlines kept)."""
    if "\n" in text or len(text) <= width:
        return text
    import textwrap

    return "\n".join(textwrap.wrap(text, width=max(width, len(text) // 2 + 8)))


def showing(k: int, n: int, what: str) -> str:
    """``"showing k of n <what>"`` when a grid or list is partial, else ``""``."""
    return f"showing {k} of {n} {what}" if k < n else ""


# -- axes ------------------------------------------------------------------------------------


def plain_log(ax, axis: str = "both") -> None:
    """Log axes with plain tick labels: 20, 50, 100, 0.01 (no 2x10^1); minor labels only when
    the axis spans less than about a decade and a half (else they crowd)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    def fmt(v, _pos=None):
        if v <= 0:
            return ""
        if 1e-4 <= v < 1e6:
            return f"{v:g}"
        e = int(np.floor(np.log10(v) + 1e-9))
        m = v / 10.0**e
        return f"$10^{{{e}}}$" if abs(m - 1) < 1e-6 else f"${m:g}\\times10^{{{e}}}$"

    for which in ("x", "y") if axis == "both" else (axis,):
        a = ax.xaxis if which == "x" else ax.yaxis
        if a.get_scale() != "log":
            continue
        lo, hi = sorted(ax.get_xlim() if which == "x" else ax.get_ylim())
        decades = np.log10(hi / lo) if lo > 0 else 99
        a.set_major_locator(LogLocator(base=10))
        a.set_major_formatter(FuncFormatter(fmt))
        if decades < 1.5:
            a.set_minor_locator(LogLocator(base=10, subs=(2, 3, 5)))
            a.set_minor_formatter(FuncFormatter(fmt))
        else:
            a.set_minor_formatter(NullFormatter())


def fit_ylim(ax, values, lo: float | None = None, hi: float | None = None, pad=0.08) -> None:
    """y-range fitted to the finite ``values`` (with ``pad`` of their span on each side),
    clipped to the possible range [lo, hi]; e.g. overlaps in 0.6..1 get 0.57..1.01, not -1..1."""
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v)]
    if not v.size:
        return
    a, b = float(v.min()), float(v.max())
    span = b - a
    if span <= 0:
        span = max(abs(a), 1.0) * 0.1
    y0, y1 = a - pad * span, b + pad * span
    if lo is not None:
        y0 = max(y0, lo - 0.02 * span)
    if hi is not None:
        y1 = min(y1, hi + 0.02 * span)
    ax.set_ylim(y0, y1)


def legend_outside(ax, handles=None, labels=None, **kw):
    """Legend to the right of the axes, outside the data (top aligned)."""
    kw.setdefault("loc", "upper left")
    kw.setdefault("bbox_to_anchor", (1.01, 1.0))
    kw.setdefault("borderaxespad", 0.0)
    kw.setdefault("frameon", False)
    args = () if handles is None else (handles, labels)
    return ax.legend(*args, **kw)


def legend_below(ax, handles=None, labels=None, ncol: int | None = None, **kw):
    """Legend below the axes and their x label (a figure legend placed outside by the
    constrained layout), away from the data."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    kw.setdefault("loc", "outside lower center")
    kw.setdefault("frameon", False)
    kw.setdefault("ncol", ncol or min(3, max(1, len(handles))))
    return ax.figure.legend(handles, labels, **kw)


def fig_legend(fig, axes, **kw):
    """One legend for several axes, below them (duplicate labels merged)."""
    seen: dict[str, object] = {}
    for ax in np.atleast_1d(axes).ravel():
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if not lab.startswith("_"):
                seen.setdefault(lab, h)
    if not seen:
        return None
    kw.setdefault("loc", "outside lower center")
    kw.setdefault("frameon", False)
    kw.setdefault("ncol", min(4, len(seen)))
    return fig.legend(list(seen.values()), list(seen.keys()), **kw)


def integer_ticks(ax, axis: str = "x") -> None:
    from matplotlib.ticker import MaxNLocator

    (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(MaxNLocator(integer=True))


def colorbar(fig, mappable, ax, label: str, **kw):
    """A labelled colour bar beside ``ax`` (a list of axes: beside all of them)."""
    kw.setdefault("shrink", 0.9)
    cb = fig.colorbar(mappable, ax=ax, **kw)
    cb.set_label(label, fontsize=RC["axes.labelsize"])
    cb.ax.tick_params(labelsize=RC["ytick.labelsize"])
    return cb


def bits_colorbar(fig, mappable, ax, label: str = "bit value", **kw):
    """Colour bar of a 0/1 bit map with ticks at 0 and 1 only."""
    cb = colorbar(fig, mappable, ax, label, **kw)
    cb.set_ticks([0, 1])
    return cb


def no_ticks(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


# -- finishing ---------------------------------------------------------------------------------


def _move_offsets(fig) -> None:
    """Move a scientific multiplier (the "1e13" above an axis) into that axis's label, where it
    cannot collide with a title."""
    fig.canvas.draw()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            off = axis.get_offset_text()
            txt = off.get_text()
            if not txt or not off.get_visible():
                continue
            label = axis.get_label().get_text()
            axis.set_label_text(f"{label} ({txt})" if label else txt)
            off.set_visible(False)


def finish(fig) -> None:
    """Last touches before saving: offset texts into labels, fonts of late artists."""
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>":
            continue
        for axis in (ax.xaxis, ax.yaxis):
            fmt = axis.get_major_formatter()
            if hasattr(fmt, "set_useOffset"):
                fmt.set_useOffset(False)
    _move_offsets(fig)


#: figures kept open (not closed after saving) while :func:`keep_figures` is active
_KEPT: list | None = None


@contextlib.contextmanager
def keep_figures():
    """Collect the figures that plot functions save (instead of closing them), for
    :meth:`memsim.results.Result.plot`."""
    global _KEPT
    outer, _KEPT = _KEPT, []
    try:
        yield _KEPT
    finally:
        _KEPT = outer


def save(fig, path, dpi: int = DPI) -> Path:
    """Finish, save as PNG and close the figure (keep it open under :func:`keep_figures`);
    return the path."""
    finish(fig)
    fig.savefig(path, dpi=dpi)
    if _KEPT is not None:
        _KEPT.append(fig)
    else:
        plt_module().close(fig)
    return Path(path)


def texts_of(fig) -> list:
    """Every label-like text artist of a figure that is drawn: figure titles, axes titles, axis
    labels, tick labels, offset texts and legends (whole legend boxes). Used by the tests that
    check for overlapping text."""
    out = []
    for t in (getattr(fig, "_suptitle", None), getattr(fig, "_supxlabel", None)):
        if t is not None and t.get_text() and t.get_visible():
            out.append(("suptitle", t))
    for lg in fig.legends:
        out.append(("figlegend", lg))
    for i, ax in enumerate(fig.axes):
        for key in ("left", "center", "right"):
            t = ax._left_title if key == "left" else ax.title if key == "center" else None
            if key == "right":
                t = ax._right_title
            if t.get_text() and t.get_visible():
                out.append((f"ax{i}.title", t))
        if ax.axison:
            for nm, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
                if not axis.get_visible():
                    continue
                lab = axis.label
                if lab.get_text() and lab.get_visible():
                    out.append((f"ax{i}.{nm}label", lab))
                off = axis.get_offset_text()
                if off.get_text() and off.get_visible():
                    out.append((f"ax{i}.{nm}offset", off))
                for tick in axis._update_ticks():
                    for lab in (tick.label1, tick.label2):
                        if lab.get_visible() and lab.get_text() and tick.get_visible():
                            out.append((f"ax{i}.{nm}tick", lab))
        lg = ax.get_legend()
        if lg is not None and lg.get_visible():
            out.append((f"ax{i}.legend", lg))
    return out


def overlapping_texts(fig, tolerance: float = 0.5) -> list[tuple[str, str, str, str]]:
    """Pairs of drawn label-like texts (see :func:`texts_of`) whose boxes intersect by more
    than ``tolerance`` pixels each way: [(name a, text a, name b, text b)]."""
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    items = []
    for nm, art in texts_of(fig):
        bb = art.get_window_extent(r)
        if bb.width > 0 and bb.height > 0:
            txt = art.get_text() if hasattr(art, "get_text") else "legend"
            items.append((nm, txt, bb))
    bad = []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            a, b = items[i][2], items[j][2]
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.y1, b.y1) - max(a.y0, b.y0)
            if w > tolerance and h > tolerance:
                bad.append((items[i][0], items[i][1], items[j][0], items[j][1]))
    return bad


def outside_figure(fig, margin: float = 1.0) -> list[str]:
    """Names of label-like texts that stick out of the figure canvas (cut off when saved)."""
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    W, H = fig.canvas.get_width_height()
    out = []
    for nm, art in texts_of(fig):
        bb = art.get_window_extent(r)
        if bb.x0 < -margin or bb.y0 < -margin or bb.x1 > W + margin or bb.y1 > H + margin:
            out.append(f"{nm}: {art.get_text() if hasattr(art, 'get_text') else 'legend'}")
    return out


def legend_covers_data(fig) -> list[str]:
    """Axes whose legend box hides data points of a line drawn in those axes."""
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    bad = []
    for i, ax in enumerate(fig.axes):
        lg = ax.get_legend()
        if lg is None or not lg.get_visible():
            continue
        bb = lg.get_window_extent(r)
        for line in ax.get_lines():
            if not line.get_visible():
                continue
            xy = np.column_stack(line.get_data()).astype(float)
            xy = xy[np.all(np.isfinite(xy), axis=1)]
            if not xy.size or line.get_marker() in (None, "None", "", " "):
                continue
            pts = line.get_transform().transform(xy)
            inside = (
                (pts[:, 0] > bb.x0)
                & (pts[:, 0] < bb.x1)
                & (pts[:, 1] > bb.y0)
                & (pts[:, 1] < bb.y1)
            )
            if inside.any():
                bad.append(f"ax{i}: legend covers points of {line.get_label()!r}")
                break
    return bad
