"""Plots of results (the only module that imports matplotlib).

Plotting reads a :class:`memsim.results.Result` and never computes physics; theory curves come from
:mod:`memsim.theory`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from memsim.results import Result


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _lines(ax, traces: np.ndarray, label: str, max_lines: int = 200) -> None:
    """One line per row of ``traces`` (NaN-padded), thin and translucent when there are many."""
    n = traces.shape[0]
    rows = np.arange(n) if n <= max_lines else np.linspace(0, n - 1, max_lines).astype(int)
    alpha = 0.9 if len(rows) <= 10 else max(0.08, 3.0 / len(rows))
    for r in rows:
        y = traces[r]
        k = np.flatnonzero(np.isfinite(y))
        if k.size:
            ax.plot(
                np.arange(k[-1] + 1),
                y[: k[-1] + 1],
                "-o" if len(rows) <= 10 else "-",
                ms=3,
                lw=1,
                alpha=alpha,
            )
    ax.set_xlabel("sweep")
    ax.set_ylabel(label)
    ax.xaxis.get_major_locator().set_params(integer=True)


def plot_energy(result: Result, path: Path) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    _lines(ax, result.arrays["energy"], "energy E(s)")
    ax.set_title(f"{result.scenario['name']}: energy during recall (one line per cue)")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_overlap(result: Result, path: Path) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    _lines(ax, result.arrays["overlap"], "overlap m with the cued pattern")
    ax.axhline(
        result.summary.get("retrieval_overlap", 0.95),
        color="k",
        ls=":",
        lw=1,
        label="retrieval threshold",
    )
    ax.set_ylim(-1.05, 1.05)
    ax.legend(loc="lower right")
    ax.set_title(f"{result.scenario['name']}: overlap during recall")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_pictures(result: Result, path: Path, max_rows: int = 8) -> Path:
    """Stored pattern, cue and final state side by side for the cues of the first trial."""
    plt = _plt()
    shape = tuple(result.meta["picture_shape"])
    cues_tab = result.tables["cues"]
    first = np.flatnonzero(cues_tab["trial"] == cues_tab["trial"][0])[:max_rows]
    stored = result.arrays["stored"]
    n_rows = len(first)
    fig, axes = plt.subplots(
        n_rows, 3, figsize=(4.2, 1.5 * n_rows + 0.6), squeeze=False, layout="constrained"
    )
    for r, row in enumerate(first):
        pidx = int(cues_tab["pattern"][row])
        imgs = (stored[pidx], result.arrays["cues"][row], result.arrays["final_states"][row])
        titles = (f"stored #{pidx}", "cue", f"final (m={cues_tab['final_overlap'][row]:.2f})")
        for c in range(3):
            ax = axes[r, c]
            ax.imshow(
                imgs[c].reshape(shape), cmap="gray_r", vmin=-1, vmax=1, interpolation="nearest"
            )
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0 or c == 2:
                ax.set_title(titles[c], fontsize=8)
    fig.suptitle(result.scenario["name"], fontsize=9)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_capacity(result: Result, path: Path) -> Path:
    """Final overlap and fraction retrieved against load, one line per network size."""
    plt = _plt()
    tab = result.tables["capacity_summary"]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), layout="constrained")
    for n in np.unique(tab["size"]):
        sel = tab["size"] == n
        a = tab["load"][sel]
        for ax, col in zip(
            axes, ("final_overlap", "fraction_retrieved", "one_step_error"), strict=True
        ):
            y = tab["mean_" + col if col == "final_overlap" else col][sel]
            e = tab["sem_" + col][sel]
            ax.errorbar(a, y, yerr=np.nan_to_num(e), marker="o", ms=3, capsize=2, label=f"N = {n}")
    _theory_overlays(axes, tab)
    axes[0].set_ylabel("mean final overlap m")
    axes[1].set_ylabel(f"fraction retrieved (m >= {result.summary['retrieval_overlap']})")
    axes[2].set_ylabel("one-step bit error")
    axes[2].set_yscale("log")
    pos = tab["one_step_error"][tab["one_step_error"] > 0]
    axes[2].set_ylim(bottom=(pos.min() / 3) if pos.size else 1e-6)
    for ax in axes:
        ax.set_xlabel("load alpha = P / N")
        ax.legend(fontsize=8)
    rule = result.scenario["model"].get("rule", "")
    fig.suptitle(f"{result.scenario['name']}: capacity ({rule})")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _theory_overlays(axes, tab) -> None:
    """Theory curves (memsim.theory) where they exist for the Hebbian rule."""
    try:
        from memsim import theory
    except ImportError:  # pragma: no cover - theory module not installed yet
        return
    a = np.linspace(max(1e-3, float(tab["load"].min())), float(tab["load"].max()), 200)
    if hasattr(theory, "one_step_error"):
        axes[2].plot(a, theory.one_step_error(a), "k--", lw=1, label="1/2 erfc(sqrt(N/2P))")


PLOTTERS: dict[str, Callable[[Result, Path], Path]] = {
    "energy": plot_energy,
    "overlap": plot_overlap,
    "pictures": plot_pictures,
    "capacity": plot_capacity,
}


def default_plots(result: Result) -> list[str]:
    """Every plot that applies to a result."""
    if result.command == "capacity":
        return ["capacity"]
    names = ["energy", "overlap"]
    if result.meta.get("picture_shape"):
        names.append("pictures")
    return names


def make_plots(result: Result, folder: str | Path, which: Sequence[str] | None = None) -> list[str]:
    """Draw the requested plots (default: all that apply) into ``folder``; return file names."""
    folder = Path(folder)
    names = list(which) if which else default_plots(result)
    if result.command == "capacity":
        names = [n for n in names if n == "capacity"] or ["capacity"]
    else:
        names = [n for n in names if n != "capacity"]
    written = []
    for name in names:
        out = PLOTTERS[name](result, folder / f"{name}.png")
        written.append(out.name)
    return written
