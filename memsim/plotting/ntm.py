"""Plots of NTM / DNC task results (recall: weightings, memory, sequences, links; capacity:
capacity_heatmap, capacity_lines)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from memsim.plotting import common, style
from memsim.results import Result


def _title(result: Result) -> str:
    s = result.summary
    return f"{s.get('task', '')}, trial 0"


def _used_slots(result: Result) -> int:
    """Number of leading slots worth showing: every slot touched by a head or holding data."""
    a = result.arrays
    w = np.concatenate(
        [a["write_weightings"].max(axis=(0, 1)), a["read_weightings"].max(axis=(0, 1))]
    )
    n = a["memory_before"].shape[0]
    touched = np.flatnonzero(w.reshape(2, n).max(axis=0) > 1e-3)
    changed = np.flatnonzero(np.abs(a["memory_after"] - a["memory_before"]).max(axis=1) > 1e-6)
    last = max(touched.max(initial=0), changed.max(initial=0))
    return int(min(n, last + 3))


def _phase_ticks(ax, result: Result) -> None:
    """Mark phase boundaries (write / delimiter / read ...) along the time axis."""
    ph = result.arrays.get("step_phase")
    if ph is None:
        return
    ph = [str(p) for p in ph]
    starts = [0] + [t for t in range(1, len(ph)) if ph[t] != ph[t - 1]]
    for t in starts[1:]:
        ax.axvline(t - 0.5, color="w", lw=0.6, ls=":")


@style.styled
def plot_weightings(result: Result, path: Path) -> Path:
    """Write and read weightings over time (slots x time heat maps, one panel per head)."""
    a = result.arrays
    ww, rw = a["write_weightings"], a["read_weightings"]
    heads = [(f"write head {h}", ww[h]) for h in range(ww.shape[0])]
    heads += [(f"read head {h}", rw[h]) for h in range(rw.shape[0])]
    n = _used_slots(result)
    T = ww.shape[1]
    fig, axes = style.subplots(
        1, len(heads), figsize=(min(4.2 * len(heads) + 1.2, 16), 4.2), squeeze=False
    )
    for ax, (label, w) in zip(axes[0], heads, strict=True):
        im = ax.imshow(
            w[:, :n].T, aspect="auto", origin="lower", cmap=style.CMAP_HEADS, vmin=0, vmax=1,
            interpolation="nearest", extent=(-0.5, T - 0.5, -0.5, n - 0.5),
        )  # fmt: skip
        _phase_ticks(ax, result)
        ax.set_title(label)
        ax.set_xlabel("time step")
        ax.set_ylabel(f"memory slot (0-{n - 1} of {a['memory_before'].shape[0]})")
    style.colorbar(fig, im, list(axes[0]), "weighting w(i)")
    style.suptitle(
        fig, result, f"{_title(result)}: head weightings over time (dotted: phase changes)"
    )
    return style.save(fig, path)


@style.styled
def plot_memory(result: Result, path: Path) -> Path:
    """Memory contents before and after the task (slots x columns)."""
    a = result.arrays
    n = _used_slots(result)
    before, after = a["memory_before"][:n], a["memory_after"][:n]
    lim = max(1.0, float(np.percentile(np.abs(after), 99.5)))
    fig, axes = style.subplots(1, 2, figsize=(9.5, 4.5), sharey=True)
    for ax, m, label in ((axes[0], before, "before"), (axes[1], after, "after")):
        im = ax.imshow(
            m, aspect="auto", origin="lower", cmap=style.CMAP_SIGNED, vmin=-lim, vmax=lim,
            interpolation="nearest",
        )  # fmt: skip
        ax.set_title(f"memory {label}")
        ax.set_xlabel("memory column")
        ax.xaxis.get_major_locator().set_params(integer=True)
    axes[0].set_ylabel(f"memory slot (0-{n - 1} of {a['memory_before'].shape[0]})")
    style.colorbar(fig, im, list(axes), "memory value (data bits written as +-1)")
    style.suptitle(fig, result, f"{_title(result)}: memory contents")
    return style.save(fig, path)


def channel_names(result: Result, which: str, width: int) -> list[str]:
    """Names of the input or target channels of a task: data bits by number, the extra
    channels (delimiter, repeat count, priority, query marker...) by what they carry."""
    task = str(result.summary.get("task", ""))
    bits = int(getattr(result.scenario.model, "bits", None) or width)
    extra: list[str] = []
    if which == "inputs":
        if task in ("repeat_copy", "dnc_repeat_copy"):
            extra = ["delimiter", "repeats"]
        elif task == "priority_sort":
            extra = ["priority", "delimiter"]
        elif task == "associative_recall":
            extra = ["item delim.", "query delim."]
        elif task == "dnc_link_traversal":
            extra = ["query"]
        else:
            extra = ["delimiter"]
    elif task in ("repeat_copy", "dnc_repeat_copy"):
        extra = ["end marker"]
    if task == "dnc_link_traversal" and which != "inputs" and width == 2 * bits:
        return [f"next {k}" for k in range(bits)] + [f"prev. {k}" for k in range(bits)]
    names = [f"bit {k}" for k in range(min(bits, width))] + extra
    names += [f"ch. {k}" for k in range(len(names), width)]
    return names[:width]


def _bits_panel(ax, m: np.ndarray, names: list[str], values: bool = False):
    """A time x channel matrix on the sequential 0/1 bit map. With ``values``, channels holding
    values other than 0 and 1 (repeat count, priority) are drawn light yellow with their values
    written in."""
    m = np.asarray(m, dtype=float)
    binary = np.ones(m.shape[1], dtype=bool)
    if values:
        binary = ~np.any((m != 0) & (m != 1), axis=0)
    img = np.ma.masked_array(np.clip(m, 0, 1), mask=np.broadcast_to(~binary, m.shape))
    cmap = style.plt_module().get_cmap(style.CMAP_BITS).with_extremes(bad="#f2e6c9")
    im = ax.imshow(
        img.T, aspect="auto", origin="lower", cmap=cmap, vmin=0, vmax=1, interpolation="nearest"
    )
    for j in np.flatnonzero(~binary):
        for t in np.flatnonzero(m[:, j] != 0):
            txt = f"{m[t, j]:.2g}"
            ax.text(t, j, txt, ha="center", va="center", fontsize=5.5 if len(txt) > 2 else 7,
                    rotation=90 if len(txt) > 2 else 0)  # fmt: skip
    ax.set_yticks(np.arange(len(names)), names, fontsize=6.5)
    ax.set_xlabel("time step")
    return im


@style.styled
def plot_sequences(result: Result, path: Path) -> Path:
    """Input, target and output sequences (channel x time) on a sequential 0/1 bit map with
    named channels and one labelled colour bar; wrong output bits boxed red."""
    a = result.arrays
    x, y, out = a["inputs"], a["targets"], a["outputs"]
    scored = a["scored"].astype(bool)
    wrong = ((out > 0.5) != (y > 0.5)) & scored[:, None]
    T = x.shape[0]
    fig, axes = style.subplots(1, 3, figsize=(min(16, 5 + 0.27 * 3 * T), 4.0), sharex=True)
    panels = (
        (axes[0], x, "inputs", channel_names(result, "inputs", x.shape[1])),
        (axes[1], y, "targets", channel_names(result, "targets", y.shape[1])),
        (axes[2], np.clip(out, 0, 1), "outputs", channel_names(result, "targets", out.shape[1])),
    )
    for ax, m, label, names in panels:
        im = _bits_panel(ax, m, names, values=label == "inputs")
        ax.set_title(label)
        ax.set_ylabel(f"{label[:-1]} channel")
    axes[2].set_title(f"outputs ({int(wrong.sum())} wrong bits, boxed red)")
    tt, bb = np.nonzero(wrong)
    if tt.size:
        axes[2].scatter(tt, bb, marker="s", s=14, facecolors="none", edgecolors="red", lw=1)
    for ax in axes[1:]:
        t_sc = np.flatnonzero(scored)
        if t_sc.size:
            ax.axvspan(t_sc[0] - 0.5, t_sc[-1] + 0.5, color="tab:green", alpha=0.12)
    cb = style.bits_colorbar(fig, im, list(axes), "bit value (0 white, 1 black)", shrink=0.8)
    cb.set_ticks([0, 0.5, 1])
    style.suptitle(
        fig, result, f"{_title(result)}: sequences (green band: scored output steps; "
        "numbers: non-binary channels)",
    )  # fmt: skip
    return style.save(fig, path)


@style.styled
def plot_links(result: Result, path: Path) -> Path | None:
    """The DNC temporal link matrix L[i, j] after the last step (slot i written after slot j)."""
    a = result.arrays
    if "link_matrix" not in a:
        return None
    L = a["link_matrix"]
    n = L.shape[0]
    fig, axes = style.subplots(1, 2, figsize=(11, 4.5))
    im = axes[0].imshow(
        L,
        cmap=style.CMAP_WEIGHTS,
        vmin=0,
        vmax=max(1e-9, float(L.max())),
        origin="lower",
        aspect="auto",
    )
    axes[0].set_xlabel("slot j (written before)")
    axes[0].set_ylabel("slot i (written after)")
    axes[0].set_title(f"link matrix L[i, j] ({n} slots)")
    style.colorbar(fig, im, axes[0], "L[i, j]")
    u = a.get("usage")
    if u is not None:
        T = u.shape[0]
        im2 = axes[1].imshow(
            u.T, aspect="auto", origin="lower", cmap=style.CMAP_BITS, vmin=0, vmax=1,
            interpolation="nearest", extent=(-0.5, T - 0.5, -0.5, n - 0.5),
        )  # fmt: skip
        axes[1].set_xlabel("time step")
        axes[1].set_ylabel("memory slot")
        axes[1].set_title("usage u(i) over time")
        style.colorbar(fig, im2, axes[1], "usage u(i)")
    else:
        axes[1].axis("off")
    style.suptitle(fig, result, f"{_title(result)}: DNC temporal links and usage")
    return style.save(fig, path)


def _groups(summ: dict) -> list[tuple[float, float]]:
    return list(
        dict.fromkeys(zip(summ["shift_blur"].tolist(), summ["gamma"].tolist(), strict=True))
    )


@style.styled
def plot_capacity_heatmap(result: Result, path: Path) -> Path:
    """Mean bit errors over sequence length x memory slots, one panel per (blur, gamma)."""
    s = result.tables["capacity_summary"]
    groups = _groups(s)
    lengths = sorted(set(s["length"].tolist()))
    slots = sorted(set(s["memory_slots"].tolist()))
    ncol = min(3, len(groups))
    nrow = -(-len(groups) // ncol)
    fig, axes = style.subplots(
        nrow, ncol, figsize=(4.4 * ncol + 1, 3.6 * nrow + 0.4), squeeze=False
    )
    vmax = max(1.0, float(s["mean_bit_errors"].max()))
    for k, (blur, gamma) in enumerate(groups):
        ax = axes[k // ncol, k % ncol]
        grid = np.full((len(slots), len(lengths)), np.nan)
        for i in range(len(s["length"])):
            if s["shift_blur"][i] == blur and s["gamma"][i] == gamma:
                grid[slots.index(s["memory_slots"][i]), lengths.index(s["length"][i])] = s[
                    "mean_bit_errors"
                ][i]
        im = ax.imshow(
            grid, origin="lower", aspect="auto", cmap=style.CMAP_ERRORS, vmin=0, vmax=vmax
        )
        for (r, c), v in np.ndenumerate(grid):
            if np.isfinite(v):
                ax.text(c, r, f"{v:.3g}", ha="center", va="center", fontsize=8,
                        color="white" if v > 0.6 * vmax else "black")  # fmt: skip
        ax.set_xticks(range(len(lengths)), [str(v) for v in lengths])
        ax.set_yticks(range(len(slots)), [str(v) for v in slots])
        ax.set_xlabel("sequence length")
        ax.set_ylabel("memory slots")
        ax.set_title(f"shift blur {blur:g}, gamma {gamma:g}")
    for k in range(len(groups), nrow * ncol):
        axes[k // ncol, k % ncol].axis("off")
    style.colorbar(fig, im, list(axes.ravel()), "mean bit errors per trial")
    style.suptitle(fig, result, f"{result.summary.get('task', '')} bit errors")
    return style.save(fig, path)


@style.styled
def plot_capacity_lines(result: Result, path: Path) -> Path:
    """Bit error rate against sequence length, one line per memory size, blur and gamma."""
    s = result.tables["capacity_summary"]
    slots = sorted(set(s["memory_slots"].tolist()))
    fig, axes = style.subplots(
        1, len(slots), figsize=(4.6 * len(slots), 4.4), squeeze=False, sharey=True
    )
    for ax, n in zip(axes[0], slots, strict=True):
        groups = _groups(s)
        markers = "osD^vP*X"
        for g, (blur, gamma) in enumerate(groups):
            sel = (s["memory_slots"] == n) & (s["shift_blur"] == blur) & (s["gamma"] == gamma)
            order = np.argsort(s["length"][sel])
            ax.plot(
                s["length"][sel][order], s["bit_error_rate"][sel][order],
                ls="-" if gamma == 1.0 else "--", marker=markers[g % len(markers)],
                ms=9 - 5 * g / max(1, len(groups) - 1), mfc="none", lw=1.2,
                label=f"blur {blur:g}, gamma {gamma:g}",
            )  # fmt: skip
        if n <= s["length"].max():
            ax.axvline(n, color="k", ls=":", lw=1)
        ax.set_xlabel("sequence length (dotted: = memory slots)")
        ax.set_title(f"{n} memory slots")
    axes[0, 0].set_ylabel("bit error rate")
    style.fig_legend(fig, axes, title="hollow markers shrink so that equal lines stay visible")
    style.suptitle(fig, result, "bit error rate vs sequence length")
    return style.save(fig, path)


PLOTTERS: dict[str, Callable[[Result, Path], Path | None]] = common.plotters(
    plot_weightings,
    plot_memory,
    plot_sequences,
    plot_links,
    plot_capacity_heatmap,
    plot_capacity_lines,
)
RECALL_PLOTS = ("weightings", "memory", "sequences", "links")
CAPACITY_PLOTS = ("capacity_heatmap", "capacity_lines")


def default_plots(result: Result) -> list[str]:
    if result.command == "capacity":
        return list(CAPACITY_PLOTS)
    names = ["sequences", "weightings", "memory"]
    if "link_matrix" in result.arrays:
        names.append("links")
    return names
