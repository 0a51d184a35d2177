"""Plots of dense associative memory results (recall: energy, overlap, pictures; capacity:
capacity against N with the Krotov-Hopfield N^(n-1) lines)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from memsim.plotting import common, style
from memsim.plotting import pictures as _pictures
from memsim.plotting.hopfield import energy_figure
from memsim.plotting.hopfield import plot_animation as plot_animation
from memsim.plotting.hopfield import plot_pictures as plot_pictures
from memsim.results import Result


@style.styled
def plot_energy(result: Result, path: Path) -> Path:
    s = result.summary
    lab = "exponential" if s["interaction"] == "exponential" else f"{s['interaction']} n = {s['n']}"
    label = result.meta.get("energy_label", "energy")
    return energy_figure(result, path, "sweep", label, f"energy during recall ({lab})")


@style.styled
def plot_overlap(result: Result, path: Path) -> Path:
    """Mean final overlap per stored pattern (bars) beside the mean overlap of its cues."""
    c = result.tables["cues"]
    pats = np.unique(c["pattern"])
    fin = np.array([c["final_overlap"][c["pattern"] == p].mean() for p in pats])
    ini = np.array([c["initial_overlap"][c["pattern"] == p].mean() for p in pats])
    fig, ax = style.subplots(figsize=(max(6.4, 0.35 * len(pats) + 3.5), 4.2))
    x = np.arange(len(pats))
    ax.bar(x, fin, color="C0", label="final overlap (mean over cues)")
    ax.plot(x, ini, "k_", ms=14, mew=2, label="cue overlap (mean)")
    ax.axhline(
        result.summary["retrieval_overlap"], color="k", ls=":", lw=1, label="retrieval threshold"
    )
    ax.set_ylim(min(-0.05, fin.min() - 0.05, ini.min() - 0.05), 1.03)
    if len(pats) <= 40:
        ax.set_xticks(x, [_pictures.pattern_name(result, int(p)).strip("'") for p in pats])
    ax.set_xlabel("stored pattern")
    ax.set_ylabel("overlap m")
    style.legend_outside(ax)
    style.title(ax, result, f"retrieved {result.summary['fraction_retrieved']:.0%} of cues")
    return style.save(fig, path)


@style.styled
def plot_capacity(result: Result, path: Path) -> Path:
    """Capacity K against N (log-log); polynomial: theory alpha_n N^(n-1) at the same error
    rate (memsim.theory.dense_capacity); exponential: the Hebbian alpha_c N line."""
    from memsim.theory import dense_capacity, hebbian_capacity

    tab = result.tables["capacity"]
    s = result.summary
    inter = s["interaction"]
    fig, ax = style.subplots(figsize=(7.6, 4.6))
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
    style.plain_log(ax)
    ax.set_xlabel("neurons N")
    ax.set_ylabel("capacity K (patterns)")
    crit = "one-step bit error" if s["criterion"] == "bit_error" else "retrieval failures"
    style.title(ax, result, f"{inter} dense memory, {crit} <= {s['error_rate']}")
    style.legend_outside(ax)
    return style.save(fig, path)


PLOTTERS = common.plotters(plot_energy, plot_overlap, plot_pictures, plot_capacity, plot_animation)
RECALL_PLOTS = ("energy", "overlap", "pictures", "animation")
CAPACITY_PLOTS = ("capacity",)


def default_plots(result: Result) -> list[str]:
    return common.default_plots(result, ["energy", "overlap"], CAPACITY_PLOTS, animation=True)
