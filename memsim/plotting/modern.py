"""Plots of modern Hopfield results (recall: energy, attention, fixed_points, pictures;
capacity studies: beta_sweep, separation, capacity)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from memsim.plotting.common import plt_module as _plt
from memsim.plotting.dense import energy_lines, picture_grid
from memsim.results import Result

_KINDS = ("single", "metastable", "global")


def plot_energy(result: Result, path: Path) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    energy_lines(ax, result.arrays["energy"], "update step", "energy E(xi) (eq. 2)")
    ax.set_title(
        f"{result.scenario['name']}: energy during retrieval "
        f"(beta = {result.summary['beta']:g}, one line per cue)",
        fontsize=9,
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_attention(result: Result, path: Path) -> Path:
    plt = _plt()
    w = result.arrays["weights_trial0"]
    c = result.tables["cues"]
    first = np.flatnonzero(c["trial"] == c["trial"][0])
    fig, ax = plt.subplots(figsize=(6, 4.8), layout="constrained")
    im = ax.imshow(w, aspect="auto", cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
    fig.colorbar(im, ax=ax, label="association weight")
    ax.set_xlabel("stored pattern")
    ax.set_ylabel("cue (target pattern)")
    if w.shape[0] <= 30:
        ax.set_yticks(np.arange(w.shape[0]), [str(int(p)) for p in c["pattern"][first]])
    ax.set_title(
        f"{result.scenario['name']}: softmax(beta xi X^T) at the final states (trial 0)", fontsize=9
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_fixed_points(result: Result, path: Path) -> Path:
    plt = _plt()
    s = result.summary
    fr = [s[f"fraction_{k}"] for k in _KINDS]
    labels = list(_KINDS)
    vals = list(fr)
    cols = ["C2", "C1", "C3"]
    if "classical_fraction_retrieved" in s:
        labels += ["modern\nretrieved", "Hebbian\nretrieved"]
        vals += [s["fraction_retrieved"], s["classical_fraction_retrieved"]]
        cols += ["C0", "C7"]
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    bars = ax.bar(labels, vals, color=cols)
    for b, v in zip(bars, vals, strict=True):
        ax.text(b.get_x() + b.get_width() / 2, v + 0.02, f"{v:.0%}", ha="center", fontsize=9)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("fraction of cues")
    ax.set_title(
        f"{result.scenario['name']}: fixed-point classes at beta = {s['beta']:g}", fontsize=9
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_pictures(result: Result, path: Path) -> Path | None:
    if not result.meta.get("picture_shape"):
        return None
    plt = _plt()
    cols = [("stored", "stored"), ("cues", "cue")]
    has_c = "classical_final_states" in result.arrays
    if has_c:
        cols.append(("classical_final_states", "Hebbian"))
    cols.append(("final_states", "modern"))
    fig, axes, first = picture_grid(result, path, cols, max_rows=12)
    c = result.tables["cues"]
    for r, row in enumerate(first):
        if has_c:
            axes[r, 2].set_xlabel(f"m={c['classical_overlap'][row]:.2f}", fontsize=8)
        axes[r, -1].set_xlabel(f"m={c['final_overlap'][row]:.2f}", fontsize=8)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_beta_sweep(result: Result, path: Path) -> Path | None:
    if "beta_summary" not in result.tables:
        return None
    plt = _plt()
    t = result.tables["beta_summary"]
    fig, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained")
    for k, col in zip(_KINDS, ("C2", "C1", "C3"), strict=True):
        ax.plot(t["beta"], t[f"fraction_{k}"], "o-", color=col, label=k)
    ax.set_xscale("log")
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("beta (as used)")
    ax.set_ylabel("fraction of fixed points")
    ax2 = ax.twinx()
    ax2.plot(
        t["beta"], t["mean_effective_number"], "k:", lw=1.2, label="effective number of patterns"
    )
    ax2.set_yscale("log")
    ax2.set_ylabel("mean effective number of patterns (dotted)")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="center left")
    ax.set_title(
        f"{result.scenario['name']}: global average -> metastable -> single patterns", fontsize=9
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_separation(result: Result, path: Path) -> Path | None:
    if "separation" not in result.tables:
        return None
    plt = _plt()
    t = result.tables["separation"]
    fig, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained")
    floor = 1e-17
    ax.scatter(
        t["separation"],
        np.maximum(t["error"], floor),
        s=12,
        alpha=0.6,
        label="measured ||f(xi) - x_i|| (one update)",
    )
    o = np.argsort(t["separation"])
    ax.scatter(
        t["separation"][o],
        t["bound"][o],
        s=10,
        marker="_",
        color="C3",
        label="Theorem 5 bound (per query)",
    )
    ax.set_yscale("log")
    ax.set_xlabel("separation Delta_i = x_i.x_i - max_j x_i.x_j")
    ax.set_ylabel("retrieval error")
    ax.legend(fontsize=8)
    s = result.summary
    ax.set_title(
        f"{result.scenario['name']}: beta = {s['beta']:g}, "
        f"{s['fraction_within_bound']:.0%} within the bound",
        fontsize=9,
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_capacity(result: Result, path: Path) -> Path | None:
    if "capacity" not in result.tables:
        return None
    plt = _plt()
    t = result.tables["capacity"]
    d = np.asarray(t["d"], dtype=float)
    fig, ax = plt.subplots(figsize=(6.2, 4.4), layout="constrained")
    ax.plot(d, t["capacity"], "o-", label="modern (continuous) network, measured")
    from memsim.theory import hebbian_capacity

    a_c = hebbian_capacity()
    ax.plot(d, a_c * d, "k:", label=f"classical Hopfield {a_c:.3f} d")
    lim = t["at_limit"].astype(bool)
    if lim.any():
        ax.plot(d[lim], t["capacity"][lim], "r^", label="search limit reached")
    ax.set_yscale("log")
    ax.set_xlabel("dimension d")
    ax.set_ylabel("capacity (patterns)")
    ax.legend(fontsize=8)
    ax.set_title(f"{result.scenario['name']}: capacity grows exponentially with d", fontsize=9)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


PLOTTERS = {
    "energy": plot_energy,
    "attention": plot_attention,
    "fixed_points": plot_fixed_points,
    "pictures": plot_pictures,
    "beta_sweep": plot_beta_sweep,
    "separation": plot_separation,
    "capacity": plot_capacity,
}
RECALL_PLOTS = ("energy", "attention", "fixed_points", "pictures")
CAPACITY_PLOTS = ("beta_sweep", "separation", "capacity")


def default_plots(result: Result) -> list[str]:
    if result.command == "capacity":
        return [
            n
            for n in CAPACITY_PLOTS
            if n in result.tables or (n == "beta_sweep" and "beta_summary" in result.tables)
        ]
    out = ["energy", "attention", "fixed_points"]
    if result.meta.get("picture_shape"):
        out.append("pictures")
    return out
