"""Plots of the graded-response network (Hopfield 1984): trajectories V(t) and overlaps, the
Lyapunov energy against time, pictures of the final graded states, and the gain sweep with the
critical gain 1 / lambda_max(W)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from memsim.plotting import common, style
from memsim.results import Result


@style.styled
def plot_trajectories(result: Result, path: Path) -> Path:
    """Left: V_i(t) of 12 neurons of the first cue. Right: overlap with the cued pattern
    against time for every cue of trial 0."""
    t = result.arrays["t"]
    V = result.arrays["V"]
    ov = result.arrays["overlaps"]
    c = result.tables["cues"]
    fig, (a1, a2) = style.subplots(1, 2, figsize=(10, 4.2))
    n = V.shape[2]
    for i in np.linspace(0, n - 1, min(n, 12)).astype(int):
        a1.plot(t, V[0, :, i], lw=1)
    a1.set_xlabel("time t (units of tau)")
    a1.set_ylabel("output V_i(t) = tanh(gain u_i)")
    a1.set_ylim(-1.05, 1.05)
    a1.set_title(f"cue 0 (pattern {int(c['pattern'][0])}): 12 of {n} neurons", fontsize=9)
    first = np.flatnonzero(c["trial"] == c["trial"][0])
    for b in first[:20]:
        a2.plot(t, ov[b, :, int(c["pattern"][b])], lw=1, alpha=0.8)
    a2.axhline(
        result.summary["retrieval_overlap"], color="k", ls=":", lw=0.8, label="retrieval threshold"
    )
    a2.set_xlabel("time t (units of tau)")
    a2.set_ylabel("overlap m(t) = (1/N) sum_i xi_i V_i(t)")
    a2.set_ylim(-1.05, 1.05)
    a2.legend(loc="lower right", fontsize=8)
    a2.set_title("overlap with the cued pattern, one line per cue", fontsize=9)
    s = result.summary
    what = (
        f"graded network, gain {s['gain']:g} (critical "
        f"{s['critical_gain']:.3f}), P={s['patterns']}, N={s['neurons']}"
    )
    return common.save_titled(fig, path, result, what, fontsize=10)


@style.styled
def plot_energy(result: Result, path: Path) -> Path:
    """Lyapunov energy (Hopfield 1984, eq. 7) against time, one line per cue."""
    t = result.arrays["t"]
    lines = [(t, row) for row in result.arrays["energy"][:100]]
    what = (
        "Lyapunov energy never increases (largest step "
        f"{result.summary['largest_energy_increase']:.1e})"
    )
    labels = ("time t (units of tau)", "energy E(t)")
    return common.cue_lines(result, path, lines, labels, what, 0.3)


@style.styled
def plot_pictures(result: Result, path: Path) -> Path | None:
    if not result.meta.get("picture_shape"):
        return None
    shape = tuple(result.meta["picture_shape"])
    c = result.tables["cues"]
    first = common.first_cue_rows(result)
    fig, axes = style.subplots(len(first), 3, figsize=(4.9, 1.6 * len(first) + 0.6), squeeze=False)
    for r, row in enumerate(first):
        imgs = (
            result.arrays["stored"][int(c["pattern"][row])],
            result.arrays["cues"][row],
            result.arrays["final_V"][row],
        )
        for j, (img, title) in enumerate(zip(imgs, ("stored", "cue", "final V"), strict=True)):
            common.pm_picture(axes[r, j], img, shape, title if r == 0 else None, fontsize=9)
        axes[r, 2].set_xlabel(f"m={c['final_overlap'][row]:.2f}", fontsize=8)
    return common.save_titled(fig, path, result, "graded recall")


@style.styled
def plot_gain_sweep(result: Result, path: Path) -> Path:
    """Final mean |V|, overlap with the cued pattern and fraction of discrete fixed points
    against the gain (log axis), with the critical gain 1 / lambda_max(W)."""
    st = result.tables["gain_summary"]
    s = result.summary
    fig, ax = style.subplots(figsize=(7.6, 4.4))
    g = st["gain"]
    ax.plot(g, st["mean_amplitude"], "o-", label="final mean |V|")
    common.errorbar_sem(ax, g, st["mean_overlap"], st["overlap_stderr"], fmt="s-", capsize=2,
                        label="final overlap with cued pattern")  # fmt: skip
    live = st["mean_amplitude"] > 0.01  # sgn(V) of a state at the origin means nothing
    ax.plot(g[live], st["fraction_agrees"][live], "^:", label="sgn(V) is a discrete fixed point")
    ax.axvline(
        s["critical_gain"],
        color="k",
        ls="--",
        lw=1,
        label=f"critical gain 1/lambda_max = {s['critical_gain']:.3f}",
    )
    ax.set_xscale("log")
    ax.set_xlabel("gain")
    ax.set_ylabel("value at t = duration")
    ax.set_ylim(-0.05, 1.05)
    common.legend_right(ax)
    what = f"gain sweep, P={s['patterns']}, N={s['neurons']} (Hopfield 1984)"
    return common.save_titled(fig, path, result, what, ax=ax)


PLOTTERS = common.plotters(plot_trajectories, plot_energy, plot_pictures, plot_gain_sweep)
RECALL_PLOTS = ("trajectories", "energy", "pictures")
CAPACITY_PLOTS = ("gain_sweep",)


def default_plots(result: Result) -> list[str]:
    return common.default_plots(result, ["trajectories", "energy"], CAPACITY_PLOTS)
