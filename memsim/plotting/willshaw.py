"""Plots of Willshaw memory results (recall: dendritic sums of example cues and hits/false
positives per cue; capacity: p1, false-positive rate and information per synapse against M,
measured beside the formulas of :mod:`memsim.hopfield.willshaw`, with the ln 2 limit)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from memsim.plotting import common, style
from memsim.results import Result


def _title(result: Result, what: str) -> str:
    s = result.summary
    return (
        f"{result.scenario.name}: {what} (N_in={s['n_in']}, K_in={s['k_in']}, "
        f"N_out={s['n_out']}, K_out={s['k_out']}, threshold {s['threshold']})"
    )


@style.styled
def plot_recall(result: Result, path: Path) -> Path:
    """Left: dendritic sums of the first cue, stored units and silent units apart, with the
    threshold. Right: false positives and misses per cue (histograms)."""
    a = result.arrays
    c = result.tables["cues"]
    fig, (ax0, ax1) = style.subplots(1, 2, figsize=(10, 4.2))
    sums = np.asarray(a["sums"], dtype=float)
    tgt = np.asarray(a["targets"], dtype=bool)
    on = np.concatenate([sums[i][tgt[i]] for i in range(sums.shape[0])])
    off = np.concatenate([sums[i][~tgt[i]] for i in range(sums.shape[0])])
    top = int(max(on.max(initial=0), off.max(initial=0)))
    bins = np.arange(-0.5, top + 1.5)
    ax0.hist(off, bins=bins, color="C0", alpha=0.7, label="silent units of the stored output")
    ax0.hist(on, bins=bins, color="C3", alpha=0.7, label="active units of the stored output")
    th = np.asarray(a["theta"], dtype=float)
    if np.ptp(th) == 0:
        ax0.axvline(th[0] - 0.5, color="k", ls="--", lw=1, label=f"threshold theta = {th[0]:g}")
    else:
        ax0.axvline(
            th.mean() - 0.5, color="k", ls="--", lw=1, label=f"mean threshold {th.mean():.1f}"
        )
    ax0.set_yscale("log")
    common.label_axes(ax0, "dendritic sum d_i = sum_j W_ij x_j",
                      f"units (first {sums.shape[0]} cues)", "dendritic sums")  # fmt: skip
    common.legend_under(ax0)
    fp = c["false_positives"]
    mi = c["misses"]
    hi = int(max(fp.max(initial=0), mi.max(initial=0)))
    bins = np.arange(-0.5, hi + 1.5)
    ax1.hist(fp, bins=bins, color="C0", alpha=0.7, label="false positives per cue")
    ax1.hist(mi, bins=bins, color="C3", histtype="step", lw=2, label="misses per cue")
    s = result.summary
    th_fp = s.get("false_positive_theory_cue")
    th_txt = f" (theory p1^active {th_fp:.2e})" if th_fp is not None and th_fp == th_fp else ""
    common.label_axes(ax1, "units", "cues",
                      f"p1 = {s['p1']:.3f} (theory {s['p1_theory']:.3f})\nfalse-positive rate "
                      f"{s['false_positive_rate']:.2e}{th_txt}, miss rate {s['miss_rate']:.2e}",
                      fontsize=8)  # fmt: skip
    common.legend_under(ax1, ncol=2)
    fig.suptitle(_title(result, f"recall of M = {s['memories']} memories"), fontsize=9)
    return style.save(fig, path)


@style.styled
def plot_capacity(result: Result, path: Path) -> Path:
    """Three panels against M (log axis): p1, false-positive rate, bits per synapse."""
    st = result.tables["capacity_summary"]
    th = result.tables["theory"]
    s = result.summary
    m = np.asarray(st["memories"], dtype=float)
    fig, axes = style.subplots(1, 3, figsize=(13, 4.4))
    ax = axes[0]
    common.errorbar_sem(ax, m, st["p1"], st["sem_p1"], fmt="o", color="C0", ms=4, label="measured")
    common.theory_line(ax, th["memories"], th["p1"], "1 - (1 - K_in K_out / N_in N_out)^M")
    ax.axhline(0.5, color="grey", ls=":", lw=1, label="p1 = 1/2 (optimum)")
    ax.set_ylabel("fraction of synapses set p1")
    ax.set_title("synapses set", fontsize=9)
    ax = axes[1]
    fp = np.asarray(st["false_positive"], dtype=float)
    pos = fp > 0
    ax.plot(m[pos], fp[pos], "o", color="C0", ms=4, label="measured (zeros not shown)")
    floor = 1.0 / (st["trials"] * result.tables["capacity"]["cues"].max() * s["n_out"])
    ax.axhline(
        float(np.min(floor)), color="grey", ls=":", lw=1, label="one false positive in all cues"
    )
    common.theory_line(ax, th["memories"], th["false_positive"], "p1^K_in")
    ax.set_yscale("log")
    ax.set_ylim(bottom=max(1e-8, float(np.min(th["false_positive"][th["false_positive"] > 0]))))
    ax.set_ylabel("false-positive rate")
    ax.set_title("false positives", fontsize=9)
    ax = axes[2]
    ax.plot(m, st["info"], "o", color="C0", ms=4, label="measured (from the false-positive rate)")
    common.theory_line(ax, th["memories"], th["info"], "formula (with p1^K_in false positives)")
    ax.axhline(np.log(2.0), color="C3", ls="--", lw=1, label="ln 2 (sparse limit, Palm 1980)")
    ax.set_ylim(0, 0.75)
    ax.set_ylabel("information (bits per synapse)")
    ax.set_title(
        f"max {s['max_info']:.3f} bit at M = {s['memories_at_max_info']} "
        f"(formula {s['max_info_theory']:.3f}); ln 2 = 0.693",
        fontsize=9,
    )
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("stored associations M")
        common.legend_under(ax)
    fig.suptitle(_title(result, "capacity"), fontsize=9)
    return style.save(fig, path)


PLOTTERS = common.plotters(plot_recall, plot_capacity)
RECALL_PLOTS = ("recall",)
CAPACITY_PLOTS = ("capacity",)


def default_plots(result: Result) -> list[str]:
    return common.default_plots(result, RECALL_PLOTS, CAPACITY_PLOTS, pictures=False)
