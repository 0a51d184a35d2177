"""Plots of sparse distributed memory results (recall: read accuracy and activated locations
beside the binomial expectation; attention: Hamming-ball intersection weights beside their
softmax approximation, Bricken & Pehlevan 2021; capacity: accuracy against cue noise and load)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from memsim.plotting import common, style
from memsim.results import Result


def _tag(result: Result) -> str:
    s = result.summary
    return f"n={s['n']}, M={s['M']}, r={s['radius']}, {s['data']}, {s['association']}"


def _save(fig, path: Path, result: Result, what: str) -> Path:
    """Save with the title ``"<scenario>: what (<memory parameters>)"`` of every SDM plot."""
    return common.save_titled(fig, path, result, f"{what} ({_tag(result)})")


@style.styled
def plot_recall(result: Result, path: Path) -> Path:
    """Left: activated locations per read (histogram) beside Binomial(M, p). Right: bit
    accuracy per read."""
    c = result.tables["cues"]
    act = result.tables["activation"]
    s = result.summary
    fig, (ax0, ax1) = style.subplots(1, 2, figsize=(10, 4.3))
    counts = c["activated"]
    lo = min(int(counts.min()), int(act["activated"].min()))
    hi = max(int(counts.max()), int(act["activated"].max()))
    width = max(1, (hi - lo + 1) // 40)
    bins = np.arange(lo - 0.5, hi + width + 0.5, width)
    ax0.hist(counts, bins=bins, density=True, color="C0", alpha=0.7, label="measured reads")
    binomial = f"Binomial(M, p), p = P(Bin(n, 1/2) <= r) = {s['activation_probability']:.4f}"
    common.theory_line(ax0, act["activated"], act["binomial_pmf"], binomial)
    common.label_axes(ax0, "activated hard locations per read", "probability",
                      f"mean {s['mean_activated']:.1f} activated (M p = "
                      f"{s['expected_activated']:.1f})")  # fmt: skip
    common.legend_under(ax0)
    acc = c["accuracy"]
    ax1.hist(
        acc, bins=np.linspace(min(0.5, acc.min()), 1.0, 41), color="C2", alpha=0.8, label="reads"
    )
    common.label_axes(ax1, "fraction of data bits read correctly", "reads",
                      f"mean bit accuracy {s['mean_accuracy']:.4f}; {s['fraction_exact']:.1%} "
                      f"read exactly (cue flip {s['flip']:g})")  # fmt: skip
    common.legend_under(ax1)
    return _save(fig, path, result, f"{s['items']} items stored, {s['cues']} cues read per trial")


@style.styled
def plot_attention(result: Result, path: Path) -> Path | None:
    """Left: normalised intersection I(d)/I(0) of two Hamming balls against the distance d of
    their centres, beside exp(beta (cos - 1)). Right: the read weights of every stored item for
    one cue: exact intersection weights against softmax weights (and the counted hard
    locations), on log axes, with the diagonal."""
    if "attention" not in result.tables:
        return None
    it = result.tables["intersection"]
    a = result.tables["attention"]
    s = result.summary
    fig, (ax0, ax1) = style.subplots(1, 2, figsize=(10.5, 4.6))
    ok = it["intersection_normalised"] > 0
    ax0.semilogy(
        it["distance"][ok],
        it["intersection_normalised"][ok],
        "o",
        ms=3,
        color="C0",
        label="Hamming-ball intersection I(d) / I(0) (exact count)",
    )
    softmax = f"softmax exp(beta (cos - 1)), beta = {s['softmax_beta']:.3f}"
    common.theory_line(ax0, it["distance"], it["softmax_normalised"], softmax)
    ax0.axvline(s["n"] / 2, color="grey", ls=":", lw=1, label="n / 2 (unrelated addresses)")
    ax0.set_ylim(bottom=max(1e-30, float(it["intersection_normalised"][ok].min()) / 10))
    ax0.set_xlabel("Hamming distance d between cue and stored address")
    ax0.set_ylabel("weight relative to d = 0")
    ax0.set_title("intersection vs softmax", fontsize=9)
    common.legend_under(ax0)
    w_i, w_s = a["intersection_weight"], a["softmax_weight"]
    floor = 1e-12
    ax1.loglog(
        np.maximum(w_i, floor),
        np.maximum(w_s, floor),
        "o",
        ms=4,
        color="C0",
        label="softmax weight",
    )
    if "location_weight" in a:
        pos = a["location_weight"] > 0
        ax1.loglog(
            np.maximum(w_i[pos], floor),
            a["location_weight"][pos],
            "x",
            ms=4,
            color="C3",
            label="counted hard locations (this memory)",
        )
    lim = [
        max(floor, min(w_i[w_i > 0].min(), w_s[w_s > 0].min())),
        min(1.0, 2 * max(w_i.max(), w_s.max())),
    ]
    ax1.plot(lim, lim, "-", color="grey", lw=1, label="equal weights")
    target = int(np.argmin(a["distance"]))
    common.label_axes(ax1, "expected intersection weight (exact)", "weight",
                      f"one cue, {w_i.size} stored items (nearest at distance "
                      f"{int(a['distance'][target])})\nmax |intersection - softmax| "
                      f"{s['attention_max_abs_difference']:.3f}")  # fmt: skip
    common.legend_under(ax1)
    return _save(fig, path, result, "SDM read weights and softmax attention")


@style.styled
def plot_capacity(result: Result, path: Path) -> Path:
    """Left: bit accuracy against cue noise, a line per load. Right: against the number of
    stored items, a line per cue noise."""
    st = result.tables["capacity_summary"]
    s = result.summary
    fig, (ax0, ax1) = style.subplots(1, 2, figsize=(10.5, 4.6))
    items = sorted(set(st["items"].tolist()))
    flips = sorted(set(st["flip"].tolist()))
    import matplotlib

    cmap = matplotlib.colormaps["viridis"]
    lines = [(ax0, "items", "flip", k, cmap(i / max(1, len(items) - 1)), f"{k} items")
             for i, k in enumerate(items)]  # fmt: skip
    lines += [(ax1, "flip", "items", f, f"C{i}", f"cue flip {f:g}") for i, f in enumerate(flips)]
    for ax, by, x, v, color, label in lines:
        sel = st[by] == v
        o = np.argsort(st[x][sel])
        common.errorbar_sem(ax, st[x][sel][o], st["accuracy"][sel][o],
                            st["sem_accuracy"][sel][o], fmt="o-", ms=3, color=color,
                            label=label)  # fmt: skip
    for ax in (ax0, ax1):
        ax.axhline(0.5, color="grey", ls=":", lw=1, label="chance (0.5)")
        ax.set_ylabel("fraction of data bits read correctly")
        ax.set_ylim(0.45, 1.02)
        common.legend_under(ax, ncol=3)
    ax0.set_xlabel("cue noise: fraction of address bits flipped")
    ax0.set_title("accuracy vs cue noise", fontsize=9)
    if len(items) > 1 and items[-1] / items[0] > 20:
        ax1.set_xscale("log")
    ax1.set_xlabel("stored items")
    ax1.set_title(
        f"accuracy vs load (mean {s['mean_activated']:.1f} locations per read, "
        f"M p = {s['expected_activated']:.1f})",
        fontsize=9,
    )
    return _save(fig, path, result, "SDM read accuracy")


PLOTTERS = common.plotters(plot_recall, plot_attention, plot_capacity)
RECALL_PLOTS = ("recall", "attention")
CAPACITY_PLOTS = ("capacity",)


def default_plots(result: Result) -> list[str]:
    recall = ["recall", "attention"] if "attention" in result.tables else ["recall"]
    return common.default_plots(result, recall, CAPACITY_PLOTS, pictures=False)
