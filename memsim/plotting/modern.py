"""Plots of modern Hopfield results (recall: energy, attention, fixed_points, pictures;
capacity studies: beta_sweep, separation, capacity)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from memsim.plotting import common, style
from memsim.plotting import pictures as _pictures
from memsim.plotting.hopfield import energy_figure
from memsim.results import Result

_KINDS = ("single", "metastable", "global")


@style.styled
def plot_energy(result: Result, path: Path) -> Path:
    what = f"energy during retrieval (beta = {result.summary['beta']:g})"
    return energy_figure(result, path, "update step", "energy E(xi) (eq. 2)", what)


@style.styled
def plot_attention(result: Result, path: Path) -> Path:
    w = result.arrays["weights_trial0"]
    c = result.tables["cues"]
    first = np.flatnonzero(c["trial"] == c["trial"][0])
    fig, ax = style.subplots(figsize=(6.6, 5.0))
    im = ax.imshow(
        w, aspect="auto", cmap=style.CMAP_WEIGHTS, vmin=0, vmax=1, interpolation="nearest"
    )
    style.colorbar(fig, im, ax, "association weight")
    ax.set_xlabel("stored pattern")
    ax.set_ylabel("cue (its target pattern)")
    if w.shape[0] <= 30:
        ax.set_yticks(
            np.arange(w.shape[0]),
            [_pictures.pattern_name(result, int(p)).strip("'") for p in c["pattern"][first]],
        )
    if w.shape[1] <= 30:
        ax.set_xticks(
            np.arange(w.shape[1]),
            [_pictures.pattern_name(result, p).strip("'") for p in range(w.shape[1])],
        )
    style.title(ax, result, "softmax(beta xi X^T) at the final states (trial 0)")
    return style.save(fig, path)


@style.styled
def plot_fixed_points(result: Result, path: Path) -> Path:
    s = result.summary
    fr = [s[f"fraction_{k}"] for k in _KINDS]
    labels = list(_KINDS)
    vals = list(fr)
    cols = ["C2", "C1", "C3"]
    if "classical_fraction_retrieved" in s:
        labels += ["modern\nretrieved", "Hebbian\nretrieved"]
        vals += [s["fraction_retrieved"], s["classical_fraction_retrieved"]]
        cols += ["C0", "C7"]
    fig, ax = style.subplots(figsize=style.SINGLE)
    bars = ax.bar(labels, vals, color=cols)
    for b, v in zip(bars, vals, strict=True):
        ax.text(b.get_x() + b.get_width() / 2, v + 0.02, f"{v:.0%}", ha="center", fontsize=8)
    ax.set_ylim(0, 1.12)
    ax.set_xlabel("fixed-point class of the final state")
    ax.set_ylabel("fraction of cues")
    style.title(ax, result, f"fixed-point classes at beta = {s['beta']:g}")
    return style.save(fig, path)


@style.styled
def plot_pictures(result: Result, path: Path) -> Path | None:
    """Stored, cue, (Hebbian final,) modern final for every cue of the first trial (up to 12)."""
    if not result.meta.get("picture_shape"):
        return None
    cols = [("stored", "stored"), ("cues", "cue")]
    over = {"final_states": "final_overlap"}
    if "classical_final_states" in result.arrays:
        cols.append(("classical_final_states", "Hebbian"))
        over["classical_final_states"] = "classical_overlap"
    cols.append(("final_states", "modern"))
    return _pictures.picture_grid(result, path, cols, overlap_cols=over)


@style.styled
def plot_animation(result: Result, path: Path) -> Path | None:
    """Animated GIF of retrieval, one frame per update step (needs the per-step states
    ``frames_trial0``, which the modern runner does not record yet: returns None without)."""
    return _pictures.animate(result, path, "update step")


def _study_figure(result: Result, table: str, width: float = 8.4):
    """(table, figure, axes) of a capacity-study plot, or None when the run has no ``table``."""
    if table not in result.tables:
        return None
    return (result.tables[table], *style.subplots(figsize=(width, 4.4)))


@style.styled
def plot_beta_sweep(result: Result, path: Path) -> Path | None:
    """Fractions of single, metastable and global fixed points, and the effective number of
    patterns, against beta."""
    got = _study_figure(result, "beta_summary")
    if got is None:
        return None
    t, fig, ax = got
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
    style.plain_log(ax, "x")
    style.plain_log(ax2, "y")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", bbox_to_anchor=(1.14, 1.0), frameon=False)
    style.title(ax, result, "global average -> metastable -> single patterns")
    return style.save(fig, path)


@style.styled
def plot_separation(result: Result, path: Path) -> Path | None:
    """One-update retrieval error against the separation of each query, with the bound."""
    got = _study_figure(result, "separation")
    if got is None:
        return None
    t, fig, ax = got
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
    s = result.summary
    return _finish_log_y(
        fig, ax, result, path,
        ("separation Delta_i = x_i.x_i - max_j x_i.x_j", "retrieval error"),
        f"beta = {s['beta']:g}, {s['fraction_within_bound']:.0%} within the bound",
    )  # fmt: skip


@style.styled
def plot_capacity(result: Result, path: Path) -> Path | None:
    """Measured capacity against the dimension d, beside the classical alpha_c d line."""
    got = _study_figure(result, "capacity", 8.2)
    if got is None:
        return None
    t, fig, ax = got
    d = np.asarray(t["d"], dtype=float)
    ax.plot(d, t["capacity"], "o-", label="modern (continuous) network, measured")
    from memsim.theory import hebbian_capacity

    a_c = hebbian_capacity()
    ax.plot(d, a_c * d, "k:", label=f"classical Hopfield {a_c:.3f} d")
    lim = t["at_limit"].astype(bool)
    if lim.any():
        ax.plot(d[lim], t["capacity"][lim], "r^", label="search limit reached")
    return _finish_log_y(fig, ax, result, path, ("dimension d", "capacity (patterns)"),
                         "capacity grows exponentially with d")  # fmt: skip


def _finish_log_y(fig, ax, result: Result, path: Path, labels: tuple[str, str], what: str):
    """Log y axis with plain tick labels, axis labels ``labels`` (x, y), legend outside, title
    ``what``; save."""
    ax.set_yscale("log")
    style.plain_log(ax, "y")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    style.legend_outside(ax)
    style.title(ax, result, what)
    return style.save(fig, path)


PLOTTERS = common.plotters(
    plot_energy,
    plot_attention,
    plot_fixed_points,
    plot_pictures,
    plot_beta_sweep,
    plot_separation,
    plot_capacity,
    plot_animation,
)
RECALL_PLOTS = ("energy", "attention", "fixed_points", "pictures", "animation")
CAPACITY_PLOTS = ("beta_sweep", "separation", "capacity")


def default_plots(result: Result) -> list[str]:
    if result.command == "capacity":
        return [
            n
            for n in CAPACITY_PLOTS
            if n in result.tables or (n == "beta_sweep" and "beta_summary" in result.tables)
        ]
    return common.default_plots(result, ["energy", "attention", "fixed_points"], (), animation=True)
