"""Plots of dense associative memory results (recall: energy, overlap, pictures; capacity:
capacity against N with the Krotov-Hopfield N^(n-1) lines)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from memsim.plotting.common import plt_module as _plt
from memsim.results import Result


def energy_lines(ax, traces: np.ndarray, xlabel: str, ylabel: str, max_lines: int = 200) -> None:
    """One line per row of ``traces`` (NaN-padded)."""
    n = traces.shape[0]
    rows = np.arange(n) if n <= max_lines else np.linspace(0, n - 1, max_lines).astype(int)
    alpha = 0.9 if len(rows) <= 10 else max(0.1, 3.0 / len(rows))
    for r in rows:
        k = np.flatnonzero(np.isfinite(traces[r]))
        if k.size:
            ax.plot(np.arange(k[-1] + 1), traces[r, : k[-1] + 1], "-o", ms=2.5, lw=1, alpha=alpha)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.get_major_locator().set_params(integer=True)


def plot_energy(result: Result, path: Path) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    energy_lines(ax, result.arrays["energy"], "sweep", result.meta.get("energy_label", "energy"))
    s = result.summary
    lab = "exp" if s["interaction"] == "exponential" else f"{s['interaction']} n={s['n']}"
    ax.set_title(
        f"{result.scenario['name']}: energy during recall ({lab}, one line per cue)", fontsize=9
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_overlap(result: Result, path: Path) -> Path:
    """Mean final overlap per stored pattern (bars) beside the mean overlap of its cues."""
    plt = _plt()
    c = result.tables["cues"]
    pats = np.unique(c["pattern"])
    fin = np.array([c["final_overlap"][c["pattern"] == p].mean() for p in pats])
    ini = np.array([c["initial_overlap"][c["pattern"] == p].mean() for p in pats])
    fig, ax = plt.subplots(figsize=(max(5.0, 0.3 * len(pats) + 2), 4), layout="constrained")
    x = np.arange(len(pats))
    ax.bar(x, fin, color="C0", label="final overlap (mean over cues)")
    ax.plot(x, ini, "k_", ms=14, mew=2, label="cue overlap (mean)")
    ax.axhline(
        result.summary["retrieval_overlap"], color="k", ls=":", lw=1, label="retrieval threshold"
    )
    ax.set_ylim(min(-0.05, fin.min() - 0.05), 1.35)
    if len(pats) <= 40:
        ax.set_xticks(x, [str(int(p)) for p in pats])
    ax.set_xlabel("stored pattern")
    ax.set_ylabel("overlap m")
    ax.legend(loc="upper center", fontsize=8, ncol=3)
    ax.set_title(
        f"{result.scenario['name']}: retrieved {result.summary['fraction_retrieved']:.0%} of cues",
        fontsize=9,
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def picture_grid(result: Result, path: Path, columns: list[tuple[str, str]], max_rows=8) -> Path:
    """Rows: cues of the first trial; columns: (array name, title) pictures side by side."""
    plt = _plt()
    shape = tuple(result.meta["picture_shape"])
    c = result.tables["cues"]
    first = np.flatnonzero(c["trial"] == c["trial"][0])[:max_rows]
    n_rows, n_cols = len(first), len(columns)
    fig, axes = plt.subplots(
        n_rows,
        n_cols,
        figsize=(1.5 * n_cols + 0.4, 1.55 * n_rows + 0.5),
        squeeze=False,
        layout="constrained",
    )
    for r, row in enumerate(first):
        pidx = int(c["pattern"][row])
        for j, (name, title) in enumerate(columns):
            img = result.arrays["stored"][pidx] if name == "stored" else result.arrays[name][row]
            ax = axes[r, j]
            ax.imshow(np.asarray(img, dtype=float).reshape(shape), cmap="gray_r", vmin=-1, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(title, fontsize=9)
    return fig, axes, first


def plot_pictures(result: Result, path: Path) -> Path | None:
    if not result.meta.get("picture_shape"):
        return None
    plt = _plt()
    fig, axes, first = picture_grid(
        result, path, [("stored", "stored"), ("cues", "cue"), ("final_states", "final")]
    )
    c = result.tables["cues"]
    for r, row in enumerate(first):
        axes[r, 2].set_xlabel(f"m={c['final_overlap'][row]:.2f}", fontsize=8)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_capacity(result: Result, path: Path) -> Path:
    """Capacity K against N (log-log); polynomial: theory alpha_n N^(n-1) at the same error
    rate (memsim.theory.dense_capacity); exponential: the Hebbian alpha_c N line."""
    from memsim.theory import dense_capacity, hebbian_capacity

    plt = _plt()
    tab = result.tables["capacity"]
    s = result.summary
    inter = s["interaction"]
    fig, ax = plt.subplots(figsize=(6.2, 4.6), layout="constrained")
    nn = np.asarray(tab["N"], dtype=float)
    grid = np.geomspace(nn.min(), nn.max(), 50)
    for i, deg in enumerate(sorted(set(tab["n"].tolist()))):
        sel = tab["n"] == deg
        col = f"C{i}"
        lab = "exponential" if deg == -1 else f"n = {deg}"
        ax.plot(nn[sel], tab["capacity"][sel], "o-", color=col, label=f"measured, {lab}")
        if deg != -1 and s["criterion"] == "bit_error":
            th = dense_capacity(grid, int(deg), inter, s["error_rate"])
            ax.plot(
                grid,
                th,
                "--",
                color=col,
                lw=1,
                label=f"theory ~ N^{deg - 1}" if deg > 2 else "theory ~ N",
            )
    a_c = hebbian_capacity()
    ax.plot(grid, a_c * grid, ":", color="k", lw=1, label=f"classical Hopfield {a_c:.3f} N")
    if set(tab["n"].tolist()) != {-1}:
        ax.set_xscale("log")  # power laws: straight lines on log-log axes
    ax.set_yscale("log")  # exponential interaction: exponential growth is a straight line
    ax.set_xlabel("neurons N")
    ax.set_ylabel("capacity K (patterns)")
    crit = "one-step bit error" if s["criterion"] == "bit_error" else "retrieval failures"
    ax.set_title(
        f"{result.scenario['name']}: {inter} dense memory, {crit} <= {s['error_rate']}", fontsize=9
    )
    ax.legend(fontsize=8)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


PLOTTERS = {
    "energy": plot_energy,
    "overlap": plot_overlap,
    "pictures": plot_pictures,
    "capacity": plot_capacity,
}
RECALL_PLOTS = ("energy", "overlap", "pictures")
CAPACITY_PLOTS = ("capacity",)


def default_plots(result: Result) -> list[str]:
    if result.command == "capacity":
        return list(CAPACITY_PLOTS)
    out = ["energy", "overlap"]
    if result.meta.get("picture_shape"):
        out.append("pictures")
    return out
