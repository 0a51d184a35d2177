"""Plots of sequence recall (overlap staircase, state pictures step by step) and of the sync
sequence capacity (final overlap against load with alpha_c = 0.269, During et al. 1998)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from memsim.plotting import common, style
from memsim.results import Result


def _labels(result: Result, p: int) -> list[str]:
    lab = result.meta.get("pattern_labels")
    return list(lab) if lab and len(lab) == p else [f"xi{mu + 1}" for mu in range(p)]


def _run_label(s: dict) -> str:
    tau = f", tau={s['tau']:g}" if s.get("tau") else ""
    cyc = "cyclic" if s["cyclic"] else "open"
    return f"{s['dynamics']}, lam={s['lam']:g}{tau}, {cyc}, P={s['patterns']}, N={s['neurons']}"


@style.styled
def plot_overlaps(result: Result, path: Path) -> Path:
    """Overlap m^mu(t) with every stored pattern against time, for the first cues of trial 0:
    the staircase of a sequence moving from pattern to pattern."""
    ov = result.arrays["overlaps"]  # (B, steps + 1, P)
    b_all, t_len, p = ov.shape
    show = min(b_all, 3)
    labels = _labels(result, p)
    fig, axes = style.subplots(show, 1, figsize=(7.5, 1.9 * show + 1.0), sharex=True, squeeze=False)
    c = result.tables["cues"]
    t = np.arange(t_len)
    for r in range(show):
        ax = axes[r, 0]
        for mu in range(p):
            ax.plot(t, ov[r, :, mu], "-", color=style.cue_color(mu, p), lw=1.4, label=labels[mu])
        ax.axhline(result.summary["retrieval_overlap"], color="k", ls=":", lw=0.8)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel("overlap m")
        start = int(c["start_pattern"][r])
        ax.text(
            0.01,
            0.04,
            f"cue {r}: starts at {labels[start]}, {c['correct_transitions'][r]} correct / "
            f"{c['wrong_transitions'][r]} wrong transitions",
            transform=ax.transAxes,
            fontsize=7,
        )
    axes[-1, 0].set_xlabel("sweep" if result.summary["dynamics"] == "async" else "step")
    axes[-1, 0].xaxis.get_major_locator().set_params(integer=True)
    common.legend_right(
        axes[0, 0],
        fontsize=7,
        title="stored pattern",
        title_fontsize=7,
        ncol=1 if p <= 14 else 2,
    )
    what = f"overlap with each stored pattern ({_run_label(result.summary)})"
    return common.save_titled(fig, path, result, what, ax=axes[0, 0])


@style.styled
def plot_pictures(result: Result, path: Path) -> Path | None:
    """The state of the first cue as a picture at successive steps (letters or shaped files)."""
    if not result.meta.get("picture_shape"):
        return None
    shape = tuple(result.meta["picture_shape"])
    states = result.arrays["states"]  # (B, steps + 1, N)
    ov = result.arrays["overlaps"]
    t_len = states.shape[1]
    cols = min(t_len, 12)
    ks = np.unique(np.linspace(0, t_len - 1, cols).round().astype(int))
    rows = min(states.shape[0], 3)
    labels = _labels(result, ov.shape[2])
    fig, axes = style.subplots(
        rows,
        len(ks),
        figsize=(0.95 * len(ks) + 0.4, 1.45 * rows + 0.6),
        squeeze=False,
    )
    for r in range(rows):
        for j, k in enumerate(ks):
            ax = axes[r, j]
            common.pm_picture(ax, states[r, k], shape, f"t={k}" if r == 0 else None)
            mu = int(np.argmax(ov[r, k]))
            ax.set_xlabel(f"{labels[mu]} {ov[r, k, mu]:.2f}", fontsize=7)
        axes[r, 0].set_ylabel(f"cue {r}", fontsize=8)
    what = "state at successive steps (label: closest pattern, overlap)"
    return common.save_titled(fig, path, result, what)


@style.styled
def plot_capacity(result: Result, path: Path) -> Path:
    """Mean final overlap (and success fraction) against the load, one line per N, with the
    published critical load alpha_c = 0.269 of sync sequence recall (During et al. 1998)."""
    s = result.summary
    tab = result.tables["capacity_summary"]
    crit = result.tables["critical_loads"]
    fig, ax = style.subplots(figsize=(7.2, 4.4))
    for i, n in enumerate(dict.fromkeys(tab["size"].tolist())):
        sel = tab["size"] == n
        common.errorbar_sem(
            ax,
            tab["load"][sel],
            tab["mean_overlap"][sel],
            tab["stderr"][sel],
            fmt="o-",
            ms=3.5,
            color=f"C{i}",
            capsize=2,
            label=f"N={n}: mean final overlap",
        )
        ax.plot(
            tab["load"][sel],
            tab["success"][sel],
            "s:",
            ms=3,
            color=f"C{i}",
            alpha=0.7,
            label=f"N={n}: fraction with m > {result.scenario.capacity.success_overlap:g}",
        )
        ac = crit["critical_load"][crit["size"] == n]
        if ac.size and np.isfinite(ac[0]):
            ax.plot(
                [ac[0]],
                [result.scenario.capacity.critical_overlap],
                "x",
                ms=9,
                mew=2,
                color=f"C{i}",
                label=f"N={n}: measured alpha_c = {ac[0]:.3f}",
            )
    a_c = s["alpha_c_published"]
    ax.axvline(a_c, color="k", ls="--", lw=1.2, label=f"alpha_c = {a_c} (During et al. 1998)")
    ax.set_xlabel("load alpha = P / N")
    ax.set_ylabel("overlap with expected pattern / fraction")
    ax.set_ylim(-0.05, 1.05)
    common.legend_right(ax, fontsize=7)
    what = f"{s['dynamics']} sequence recall after {s['steps']} steps (cue flip {s['flip']:g})"
    return common.save_titled(fig, path, result, what, ax=ax)


PLOTTERS = common.plotters(plot_overlaps, plot_pictures, plot_capacity)
RECALL_PLOTS = ("overlaps", "pictures")
CAPACITY_PLOTS = ("capacity",)


def default_plots(result: Result) -> list[str]:
    return common.default_plots(result, ["overlaps"], CAPACITY_PLOTS)
