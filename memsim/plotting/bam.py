"""Plots of BAM results (Kosko 1988): energy per half-step, pictures of recalled pairs, and the
capacity against the number of stored pairs with the exact crosstalk bit error."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from memsim.plotting import common, style
from memsim.results import Result


@style.styled
def plot_energy(result: Result, path: Path) -> Path:
    """E(x, y) = -y^T W x before and after every half-step, one line per cue."""
    e = result.arrays["energy"]
    n = e.shape[0]
    lines = []
    for r in np.arange(n) if n <= 100 else np.linspace(0, n - 1, 100).astype(int):
        last = np.flatnonzero(np.isfinite(e[r]))[-1]
        lines.append((np.arange(last + 1), e[r, : last + 1]))
    s = result.summary
    what = (
        "BAM energy per half-step, one line per cue\n"
        f"({s['pairs']} pairs, Nx={s['nx']}, Ny={s['ny']}, cue side {s['cue_side']})"
    )
    labels = ("half-step (odd: y updated from x when x is cued)", "energy E = -y^T W x")
    return common.cue_lines(result, path, lines, labels, what, 0.35, "-o", True, ms=3)


@style.styled
def plot_pictures(result: Result, path: Path) -> Path | None:
    """Rows: cues of the first trial; columns: cue, recalled x, recalled y, stored x, stored y
    (a side is drawn as a picture when it has a picture shape)."""
    xs = result.meta.get("picture_shape")
    ys = result.meta.get("y_picture_shape")
    if not xs and not ys:
        return None
    s = result.summary
    cue_shape = xs if s["cue_side"] == "x" else ys
    cols = []
    if cue_shape:
        cols.append(("cues", None, cue_shape, f"cue ({s['cue_side']})"))
    if xs:
        cols.append(("final_x", None, xs, "recalled x"))
    if ys:
        cols.append(("final_y", None, ys, "recalled y"))
    if xs:
        cols.append(("stored_x", "pair", xs, "stored x"))
    if ys:
        cols.append(("stored_y", "pair", ys, "stored y"))
    c = result.tables["cues"]
    first = common.first_cue_rows(result)
    size = (1.45 * len(cols) + 0.4, 1.6 * len(first) + 0.6)
    fig, axes = style.subplots(len(first), len(cols), figsize=size, squeeze=False)
    for r, row in enumerate(first):
        pair = int(c["pair"][row])
        for j, (name, by, shape, title) in enumerate(cols):
            ax = axes[r, j]
            common.pm_picture(ax, result.arrays[name][pair if by else row], shape,
                              title if r == 0 else None)  # fmt: skip
            if name == "final_x":
                ax.set_xlabel(f"m={c['final_overlap_x'][row]:.2f}", fontsize=7)
            if name == "final_y":
                ax.set_xlabel(f"m={c['final_overlap_y'][row]:.2f}", fontsize=7)
    what = f"pairs recalled from {s['cue_side']} cues ({s['fraction_exact']:.0%} exact)"
    return common.save_titled(fig, path, result, what)


@style.styled
def plot_capacity(result: Result, path: Path) -> Path:
    """Left: fractions of stable and recalled pairs against P. Right: one-step bit error of y
    against P with the exact crosstalk value (memsim.hopfield.bam.crosstalk_bit_error)."""
    st = result.tables["capacity_summary"]
    s = result.summary
    fig, (a1, a2) = style.subplots(1, 2, figsize=(10, 4.2))
    p = st["pairs"]
    a1.plot(p, st["stable"], "o-", label="stored pair is stable")
    common.errorbar_sem(a1, p, st["recalled"], st["recalled_stderr"], fmt="s-", capsize=2,
                        label=f"y recalled exactly (x cue, {s['flip']:.0%} flipped)")  # fmt: skip
    a1.set_xlabel("stored pairs P")
    a1.set_ylabel("fraction of pairs")
    a1.set_ylim(-0.05, 1.05)
    common.legend_under(a1, fontsize=8)
    a1.set_title(f"Nx={s['nx']}, Ny={s['ny']}, {s['trials']} trials per P", fontsize=9)
    th = st["theory_bit_error"]
    pos = st["bit_error"] > 0
    a2.semilogy(p[pos], st["bit_error"][pos], "o", label="measured (clean x, one half-step)")
    a2.semilogy(p[th > 0], th[th > 0], "k--", lw=1, label="exact crosstalk (binomial)")
    a2.set_xlabel("stored pairs P")
    a2.set_ylabel("bit error of y")
    common.legend_under(a2, fontsize=8)
    a2.set_title("one-step bit error", fontsize=9)
    return common.save_titled(fig, path, result, "BAM capacity (Kosko 1988)", fontsize=10)


PLOTTERS = common.plotters(plot_energy, plot_pictures, plot_capacity)
RECALL_PLOTS = ("energy", "pictures")
CAPACITY_PLOTS = ("capacity",)


def default_plots(result: Result) -> list[str]:
    pics = bool(result.meta.get("picture_shape") or result.meta.get("y_picture_shape"))
    return common.default_plots(result, ["energy"], CAPACITY_PLOTS, pictures=pics)
