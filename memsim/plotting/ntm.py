"""Plots of NTM / DNC task results (recall: weightings, memory, sequences, links; capacity:
capacity_heatmap, capacity_lines)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from memsim.plotting.common import plt_module as _plt
from memsim.results import Result


def _title(result: Result) -> str:
    s = result.summary
    return f"{result.scenario['name']} ({s.get('task', '')}, trial 0)"


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


def plot_weightings(result: Result, path: Path) -> Path:
    """Write and read weightings over time (slots x time heat maps, one panel per head)."""
    plt = _plt()
    a = result.arrays
    ww, rw = a["write_weightings"], a["read_weightings"]
    heads = [(f"write head {h}", ww[h]) for h in range(ww.shape[0])]
    heads += [(f"read head {h}", rw[h]) for h in range(rw.shape[0])]
    n = _used_slots(result)
    T = ww.shape[1]
    fig, axes = plt.subplots(
        1, len(heads), figsize=(min(4.2 * len(heads), 16), 4.2), layout="constrained", squeeze=False
    )
    for ax, (label, w) in zip(axes[0], heads, strict=True):
        im = ax.imshow(
            w[:, :n].T, aspect="auto", origin="lower", cmap="magma", vmin=0, vmax=1,
            interpolation="nearest", extent=(-0.5, T - 0.5, -0.5, n - 0.5),
        )  # fmt: skip
        _phase_ticks(ax, result)
        ax.set_title(label)
        ax.set_xlabel("time step")
        ax.set_ylabel(f"memory slot (0-{n - 1} of {a['memory_before'].shape[0]})")
    fig.colorbar(im, ax=axes[0, -1], label="weighting w(i)")
    fig.suptitle(f"{_title(result)}: head weightings over time (dotted: phase changes)")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_memory(result: Result, path: Path) -> Path:
    """Memory contents before and after the task (slots x columns)."""
    plt = _plt()
    a = result.arrays
    n = _used_slots(result)
    before, after = a["memory_before"][:n], a["memory_after"][:n]
    lim = max(1.0, float(np.percentile(np.abs(after), 99.5)))
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.5), layout="constrained", sharey=True)
    for ax, m, label in ((axes[0], before, "before"), (axes[1], after, "after")):
        im = ax.imshow(
            m, aspect="auto", origin="lower", cmap="RdBu_r", vmin=-lim, vmax=lim,
            interpolation="nearest",
        )  # fmt: skip
        ax.set_title(f"memory {label}")
        ax.set_xlabel("memory column")
        ax.xaxis.get_major_locator().set_params(integer=True)
    axes[0].set_ylabel(f"memory slot (0-{n - 1} of {a['memory_before'].shape[0]})")
    fig.colorbar(im, ax=axes, label="memory value (data bits written as +-1)")
    fig.suptitle(f"{_title(result)}: memory contents")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_sequences(result: Result, path: Path) -> Path:
    """Input, target and output sequences side by side (bits x time), wrong bits marked."""
    plt = _plt()
    a = result.arrays
    x, y, out = a["inputs"], a["targets"], a["outputs"]
    scored = a["scored"].astype(bool)
    wrong = ((out > 0.5) != (y > 0.5)) & scored[:, None]
    T = x.shape[0]
    fig, axes = plt.subplots(
        1, 3, figsize=(min(15, 4 + 0.25 * 3 * T), 3.8), layout="constrained", sharex=True
    )
    panels = (
        (axes[0], x, "inputs", "coolwarm"),
        (axes[1], y, "targets", "gray_r"),
        (axes[2], np.clip(out, 0, 1), "outputs", "gray_r"),
    )
    for ax, m, label, cmap in panels:
        if cmap == "coolwarm":  # inputs may hold priorities in [-1, 1]: 0 is white
            lim = max(1.0, float(np.abs(m).max()))
            lo, hi = -lim, lim
        else:
            lo, hi = 0.0, 1.0
        im = ax.imshow(
            m.T, aspect="auto", origin="lower", cmap=cmap, vmin=lo, vmax=hi,
            interpolation="nearest",
        )  # fmt: skip
        ax.set_title(label)
        ax.set_xlabel("time step")
        ax.set_ylabel("channel")
        ax.yaxis.get_major_locator().set_params(integer=True)
        if cmap == "coolwarm":
            fig.colorbar(im, ax=ax, label="input value", shrink=0.8)
    axes[2].set_title(f"outputs ({int(wrong.sum())} wrong bits, red)")
    tt, bb = np.nonzero(wrong)
    if tt.size:
        axes[2].scatter(tt, bb, marker="s", s=14, facecolors="none", edgecolors="red", lw=1)
    for ax in axes[1:]:
        t_sc = np.flatnonzero(scored)
        if t_sc.size:
            ax.axvspan(t_sc[0] - 0.5, t_sc[-1] + 0.5, color="tab:green", alpha=0.08)
    fig.suptitle(f"{_title(result)}: sequences (green band: scored output steps)")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_links(result: Result, path: Path) -> Path | None:
    """The DNC temporal link matrix L[i, j] after the last step (slot i written after slot j)."""
    a = result.arrays
    if "link_matrix" not in a:
        return None
    plt = _plt()
    L = a["link_matrix"]
    n = L.shape[0]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5), layout="constrained")
    im = axes[0].imshow(
        L, cmap="viridis", vmin=0, vmax=max(1e-9, float(L.max())), origin="lower", aspect="auto"
    )
    axes[0].set_xlabel("slot j (written before)")
    axes[0].set_ylabel("slot i (written after)")
    axes[0].set_title(f"link matrix L[i, j] ({n} slots)")
    fig.colorbar(im, ax=axes[0], label="L[i, j]")
    u = a.get("usage")
    if u is not None:
        T = u.shape[0]
        im2 = axes[1].imshow(
            u.T, aspect="auto", origin="lower", cmap="Greys", vmin=0, vmax=1,
            interpolation="nearest", extent=(-0.5, T - 0.5, -0.5, n - 0.5),
        )  # fmt: skip
        axes[1].set_xlabel("time step")
        axes[1].set_ylabel("memory slot")
        axes[1].set_title("usage u(i) over time")
        fig.colorbar(im2, ax=axes[1], label="usage")
    else:
        axes[1].axis("off")
    fig.suptitle(f"{_title(result)}: DNC temporal links and usage")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _groups(summ: dict) -> list[tuple[float, float]]:
    return list(
        dict.fromkeys(zip(summ["shift_blur"].tolist(), summ["gamma"].tolist(), strict=True))
    )


def plot_capacity_heatmap(result: Result, path: Path) -> Path:
    """Mean bit errors over sequence length x memory slots, one panel per (blur, gamma)."""
    plt = _plt()
    s = result.tables["capacity_summary"]
    groups = _groups(s)
    lengths = sorted(set(s["length"].tolist()))
    slots = sorted(set(s["memory_slots"].tolist()))
    ncol = min(3, len(groups))
    nrow = -(-len(groups) // ncol)
    fig, axes = plt.subplots(
        nrow, ncol, figsize=(4.4 * ncol, 3.6 * nrow), layout="constrained", squeeze=False
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
        im = ax.imshow(grid, origin="lower", aspect="auto", cmap="Reds", vmin=0, vmax=vmax)
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
    fig.colorbar(im, ax=axes, label="mean bit errors per trial")
    fig.suptitle(f"{result.scenario['name']}: {result.summary.get('task', '')} bit errors")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_capacity_lines(result: Result, path: Path) -> Path:
    """Bit error rate against sequence length, one line per memory size, blur and gamma."""
    plt = _plt()
    s = result.tables["capacity_summary"]
    slots = sorted(set(s["memory_slots"].tolist()))
    fig, axes = plt.subplots(
        1, len(slots), figsize=(4.6 * len(slots), 3.8), layout="constrained", squeeze=False,
        sharey=True,
    )  # fmt: skip
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
    axes[0, -1].legend(fontsize=8, title="overlapping lines: equal", title_fontsize=7)
    fig.suptitle(f"{result.scenario['name']}: bit error rate vs sequence length")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


PLOTTERS: dict[str, Callable[[Result, Path], Path | None]] = {
    "weightings": plot_weightings,
    "memory": plot_memory,
    "sequences": plot_sequences,
    "links": plot_links,
    "capacity_heatmap": plot_capacity_heatmap,
    "capacity_lines": plot_capacity_lines,
}
RECALL_PLOTS = ("weightings", "memory", "sequences", "links")
CAPACITY_PLOTS = ("capacity_heatmap", "capacity_lines")


def default_plots(result: Result) -> list[str]:
    if result.command == "capacity":
        return list(CAPACITY_PLOTS)
    names = ["sequences", "weightings", "memory"]
    if "link_matrix" in result.arrays:
        names.append("links")
    return names
