"""Plots of attention results (recall: attention_map, readouts; with model.compare: support,
profiles, compare_maps).

* ``attention_map``: the weights of the first trial as a heat map, queries x keys; each query's
  target key is boxed, a wrong argmax is crossed, exact zeros are left white.
* ``readouts``: read-out components against the target value's components, and each query's
  relative read-out error.
* ``support``: how many keys each normaliser selects (weight > 0), per query.
* ``profiles``: the weights of one query against the rank of its keys' scores, for every
  normaliser: softmax's long tail against the exact zeros of sparsemax and entmax.
* ``compare_maps``: the attention map of every normaliser side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from memsim.plotting import common, style
from memsim.plotting.style import plt_module as _plt
from memsim.results import Result

#: at most this many queries / keys are drawn in a heat map
MAX_ROWS = 40
MAX_COLS = 60
#: edge colour of the target-key boxes (visible on dark and bright cells of viridis)
TARGET_COLOR = "#ff2d95"


def _first_trial_rows(result: Result) -> np.ndarray:
    q = result.tables["queries"]
    return np.flatnonzero(q["trial"] == q["trial"][0])[:MAX_ROWS]


def _compared(result: Result) -> list[str] | None:
    """Names of the normalisers a run compared (``model.compare``), or None when it compared
    none."""
    if "compare_weights" not in result.arrays:
        return None
    return list(result.tables["normaliser_summary"]["normaliser"])


def _targets(result: Result, rows: np.ndarray) -> np.ndarray | None:
    if not result.meta.get("has_targets", "target" in result.tables["queries"]):
        return None
    return np.asarray(result.tables["queries"]["target"])[rows]


def _columns(
    weights: list[np.ndarray], targets: np.ndarray | None, argmax: np.ndarray | None = None
) -> np.ndarray:
    """Keys to draw: all when there are few; else the targets, the argmax keys and then the keys
    holding the largest weights of the drawn maps (up to MAX_COLS), in key order."""
    n_keys = weights[0].shape[1]
    if n_keys <= MAX_COLS:
        return np.arange(n_keys)
    first = [] if targets is None else [int(t) for t in targets]
    first += [] if argmax is None else [int(a) for a in argmax]
    chosen = list(dict.fromkeys(first))[:MAX_COLS]
    peak = np.max([w.max(axis=0) for w in weights], axis=0)
    taken = set(chosen)
    for k in np.argsort(-peak, kind="stable"):
        if len(chosen) >= MAX_COLS:
            break
        if int(k) not in taken:
            chosen.append(int(k))
            taken.add(int(k))
    return np.sort(np.asarray(chosen))


def _key_label(cols: np.ndarray, n_keys: int, has_targets: bool) -> str:
    if len(cols) == n_keys:
        return "key"
    which = "targets, argmax keys and the keys" if has_targets else "argmax keys and the keys"
    return f"key ({len(cols)} of {n_keys} shown: {which} with the largest weights)"


def _query_label(result: Result, rows: np.ndarray) -> str:
    q = result.tables["queries"]
    n_first = int(np.count_nonzero(q["trial"] == q["trial"][0]))
    trials = len(np.unique(q["trial"]))
    where = " of the first trial" if trials > 1 else ""
    if len(rows) < n_first:
        return f"query (the first {len(rows)} of {n_first}{where})"
    return f"query{where}"


def _heat(ax, w: np.ndarray, cols: np.ndarray, targets, argmax, cmap, vmax: float = 1.0):
    """Heat map of w[:, cols] with exact zeros white, targets boxed, wrong argmax crossed."""
    from matplotlib import patheffects as pe
    from matplotlib.patches import Rectangle

    img = np.ma.masked_where(w[:, cols] == 0.0, w[:, cols])
    cm = cmap.with_extremes(bad="white")
    im = ax.imshow(img, aspect="auto", cmap=cm, vmin=0.0, vmax=vmax, interpolation="nearest")
    pos = {int(k): j for j, k in enumerate(cols)}
    n_rows = w.shape[0]
    for b in range(n_rows):
        if targets is not None and int(targets[b]) in pos:
            ax.add_patch(
                Rectangle(
                    (pos[int(targets[b])] - 0.5, b - 0.5),
                    1,
                    1,
                    fill=False,
                    ec=TARGET_COLOR,
                    lw=1.6,
                )
            )
        if argmax is not None and (targets is None or argmax[b] != targets[b]):
            if targets is not None and int(argmax[b]) in pos:
                ax.plot(
                    pos[int(argmax[b])],
                    b,
                    "x",
                    color="white",
                    ms=6,
                    mew=1.8,
                    path_effects=[pe.withStroke(linewidth=3.2, foreground="black")],
                )
    step = max(1, int(np.ceil(len(cols) / 25)))
    ax.set_xticks(np.arange(0, len(cols), step))
    ax.set_xticklabels([str(int(k)) for k in cols[::step]], fontsize=7, rotation=90)
    ystep = max(1, int(np.ceil(n_rows / 25)))
    ax.set_yticks(np.arange(0, n_rows, ystep))
    ax.set_yticklabels([str(b) for b in range(0, n_rows, ystep)], fontsize=7)
    return im


@style.styled
def plot_attention_map(result: Result, path: Path) -> Path:
    """Weights of the first trial, queries x keys, with targets boxed."""
    plt = _plt()
    rows = _first_trial_rows(result)
    w = np.asarray(result.arrays["weights"])[rows]
    targets = _targets(result, rows)
    argmax = np.asarray(result.tables["queries"]["argmax"])[rows]
    cols = _columns([w], targets, argmax)
    n_keys = w.shape[1]
    fig, ax = plt.subplots(
        figsize=(min(14.0, max(7.5, 3.0 + 0.2 * len(cols))), min(10.0, 3.0 + 0.28 * len(rows))),
        layout="constrained",
    )
    im = _heat(ax, w, cols, targets, argmax, plt.get_cmap("viridis"))
    fig.colorbar(im, ax=ax, label="attention weight (white = exactly 0)", shrink=0.9)
    ax.set_xlabel(_key_label(cols, n_keys, targets is not None))
    ax.set_ylabel(_query_label(result, rows))
    s = result.summary
    title = f"{result.scenario.name}: {s['normaliser']}, score {s['score']}, beta {s['beta']:g}"
    if targets is not None:
        title += (
            "\ntarget key boxed (pink), largest weight on a wrong key crossed (white x);\n"
            f"argmax = target for {s['fraction_correct']:.0%} of the queries"
        )
    ax.set_title(title, fontsize=9)
    return style.save(fig, path)


@style.styled
def plot_readouts(result: Result, path: Path) -> Path | None:
    """Read-out components against target-value components; relative error per query."""
    if "target_values" not in result.arrays:
        return _plot_readouts_no_target(result, path)
    plt = _plt()
    r = np.asarray(result.arrays["readouts"])
    v = np.asarray(result.arrays["target_values"])
    q = result.tables["queries"]
    ok = np.asarray(q["correct"], dtype=bool)
    fig, (ax0, ax1) = plt.subplots(
        1, 2, figsize=(11, 4.4), layout="constrained", width_ratios=(1, 1.3)
    )
    for sel, color, lab in ((ok, "tab:blue", "argmax = target"), (~ok, "tab:red", "argmax wrong")):
        if sel.any():
            ax0.scatter(
                v[sel].ravel(), r[sel].ravel(), s=10, alpha=0.7, color=color, lw=0, label=lab
            )
    lo = float(min(v.min(), r.min()))
    hi = float(max(v.max(), r.max()))
    ax0.plot([lo, hi], [lo, hi], "k:", lw=1, label="read-out = target value")
    ax0.set_xlabel("target value v_target (component)")
    ax0.set_ylabel("read-out r = sum_k p_k v_k (component)")
    ax0.set_aspect("equal", adjustable="datalim")
    ax0.legend(loc="upper left", fontsize=8)
    ax0.set_title("read-outs against target values (all components)", fontsize=9)
    rows = _first_trial_rows(result)
    rel = np.asarray(q["relative_error"])[rows]
    colors = np.where(ok[rows], "tab:blue", "tab:red")
    ax1.bar(np.arange(len(rows)), rel, color=colors)
    ax1.set_xlabel("query (first trial)")
    ax1.set_ylabel("|r - v_target| / |v_target|")
    ax1.set_title(
        "relative read-out error per query "
        f"(mean over all: {result.summary['mean_relative_error']:.3f})",
        fontsize=9,
    )
    from matplotlib.patches import Patch

    ax1.legend(
        handles=[
            Patch(color="tab:blue", label="argmax = target"),
            Patch(color="tab:red", label="argmax wrong"),
        ],
        fontsize=8,
    )
    ax1.set_xticks(np.arange(len(rows)))
    ax1.set_xticklabels([str(int(b)) for b in np.asarray(q["query"])[rows]], fontsize=7)
    return common.save_titled(fig, path, result, f"{result.summary['normaliser']}", fontsize=10)


@style.styled
def _plot_readouts_no_target(result: Result, path: Path) -> Path:
    """Random queries have no target: read-outs as an image beside the argmax keys' values."""
    plt = _plt()
    rows = _first_trial_rows(result)
    r = np.asarray(result.arrays["readouts"])[rows]
    argmax = np.asarray(result.tables["queries"]["argmax"])[rows]
    vals = np.asarray(result.arrays["values"])[0][argmax]
    lim = float(np.abs(np.concatenate([r.ravel(), vals.ravel()])).max()) or 1.0
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), layout="constrained", sharey=True)
    for ax, img, title in (
        (axes[0], vals, "value of the argmax key"),
        (axes[1], r, "read-out r = sum_k p_k v_k"),
    ):
        im = ax.imshow(img, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("value component")
    axes[0].set_ylabel("query (random, no target)")
    style.colorbar(fig, im, list(axes), "value component")
    return common.save_titled(fig, path, result, f"{result.summary['normaliser']}", fontsize=10)


@style.styled
def plot_support(result: Result, path: Path) -> Path | None:
    """Number of keys each normaliser selects (weight > 0): every query as a dot, the mean as a
    bar, all keys as a dotted line (log axis above 100 keys)."""
    if "normalisers" not in result.tables:
        return None
    plt = _plt()
    ct = result.tables["normalisers"]
    labels = list(result.tables["normaliser_summary"]["normaliser"])
    n_keys = int(result.summary["keys"])
    log = n_keys > 100
    fig, ax = plt.subplots(figsize=(8, 1.4 + 0.5 * len(labels)), layout="constrained")
    rng = np.random.default_rng(0)  # jitter of the dots only
    base = 0.7 if log else 0.0
    for i, lab in enumerate(labels):
        sup = np.asarray(ct["support"])[np.asarray(ct["normaliser"]) == lab]
        mean = float(sup.mean())
        ax.barh(i, mean - base, left=base, color="tab:blue", alpha=0.35, height=0.7)
        ax.scatter(sup, i + rng.uniform(-0.25, 0.25, sup.size), s=8, color="tab:blue", lw=0)
        right = max(mean, float(sup.max()))
        ax.text(
            right * 1.12 if log else right + 0.01 * n_keys,
            i,
            f"mean {mean:.1f}",
            va="center",
            fontsize=8,
        )
    ax.axvline(n_keys, color="k", ls=":", lw=1, label=f"all {n_keys} keys")
    ax.set_yticks(np.arange(len(labels)))
    ax.set_yticklabels(labels, fontsize=9)
    ax.set_ylabel("normaliser")
    ax.invert_yaxis()
    if log:
        ax.set_xscale("log")
        ax.set_xlim(base, n_keys * 3.0)
    else:
        ax.set_xlim(0, n_keys * 1.15)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_xlabel("keys selected (weight > 0), one dot per query" + (" (log scale)" if log else ""))
    what = (
        "support of each normaliser on the same scores "
        f"({int(ct['support'].size // max(1, len(labels)))} queries)"
    )
    return common.save_titled(fig, path, result, what, ax=ax)


@style.styled
def plot_profiles(result: Result, path: Path) -> Path | None:
    """Weights of the first query against the rank of each key's score, per normaliser."""
    labels = _compared(result)
    if labels is None:
        return None
    q = result.tables["queries"]
    rows = _first_trial_rows(result)
    # a contested query: the smallest gap between its two highest scores (first trial), where
    # the normalisers differ most
    sc = np.asarray(result.arrays["scores"])[rows]
    top2 = -np.sort(-sc, axis=1)[:, :2] if sc.shape[1] > 1 else np.zeros((len(rows), 2))
    row = int(rows[np.argmin(top2[:, 0] - top2[:, 1])])
    s = np.asarray(result.arrays["scores"])[row]
    order = np.argsort(-s, kind="stable")
    cw = np.asarray(result.arrays["compare_weights"])[:, row][:, order]
    n_keys = s.size
    ranks = np.arange(1, n_keys + 1)
    target = int(q["target"][row]) if "target" in q else None
    fig, (ax0, ax1) = style.subplots(1, 2, figsize=(12, 4.6))
    shown = min(n_keys, 15)
    markers = "os^vD<>ph*"
    for i, lab in enumerate(labels):
        w = cw[i]
        mk = markers[i % len(markers)]
        ax0.plot(ranks[:shown], w[:shown], "-" + mk, ms=4, lw=1, label=lab)
        nz = w > 0
        (line,) = ax1.plot(ranks[nz], w[nz], "-", lw=1.2, label=lab)
        last = np.flatnonzero(nz)[-1]
        ax1.plot(ranks[last], w[last], mk, color=line.get_color(), ms=5)
    ax0.set_xlabel("key rank by score (1 = highest score)")
    ax0.set_ylabel("weight")
    ax0.set_title(f"the {shown} highest-scoring keys", fontsize=9)
    ax0.legend(fontsize=7, ncol=2)
    ax1.set_yscale("log")
    ax1.set_xlabel("key rank by score")
    ax1.set_ylabel("weight (log scale)")
    ax1.set_title(
        f"all {n_keys} keys: softmax never reaches 0; other lines end (marker) at the last "
        "key with weight > 0",
        fontsize=8,
    )
    ax1.set_xlim(0.5, n_keys + 0.5)
    who = (
        f"query {int(q['query'][row])} of the first trial (the smallest gap between its two "
        "highest scores)"
    )
    if target is not None:
        rank_t = int(np.flatnonzero(order == target)[0]) + 1
        who += f"; its target key {target} has score rank {rank_t}"
    return common.save_titled(fig, path, result, f"weight profiles of {who}", fontsize=10)


@style.styled
def plot_compare_maps(result: Result, path: Path) -> Path | None:
    """The attention map (first trial) of every compared normaliser, same keys and colours."""
    labels = _compared(result)
    if labels is None:
        return None
    plt = _plt()
    rows = _first_trial_rows(result)
    cw = np.asarray(result.arrays["compare_weights"])[:, rows]
    targets = _targets(result, rows)
    cols = _columns(list(cw), targets)
    n = len(labels)
    ncols = min(4, n)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(3.4 * ncols + 1.0, 2.6 * nrows + 0.8),
        layout="constrained",
        squeeze=False,
    )
    sup = result.tables["normaliser_summary"]["mean_support"]
    im = None
    for i, ax in enumerate(axes.ravel()):
        if i >= n:
            ax.axis("off")
            continue
        im = _heat(ax, cw[i], cols, targets, None, plt.get_cmap("viridis"))
        ax.set_title(f"{labels[i]} (mean support {sup[i]:.1f})", fontsize=8)
        ax.set_ylabel("query", fontsize=8)
        ax.set_xlabel("key", fontsize=8)
    fig.colorbar(im, ax=axes, label="weight (white = exactly 0)", shrink=0.8)
    what = "the same scores through each normaliser (target keys boxed)"
    return common.save_titled(fig, path, result, what, fontsize=10)


PLOTTERS: dict[str, Callable[[Result, Path], Path | None]] = common.plotters(
    plot_attention_map, plot_readouts, plot_support, plot_profiles, plot_compare_maps
)
RECALL_PLOTS = ("attention_map", "readouts", "support", "profiles", "compare_maps")
CAPACITY_PLOTS: tuple[str, ...] = ()


def default_plots(result: Result) -> list[str]:
    """Every plot that applies: the comparison plots only with model.compare."""
    names = ["attention_map", "readouts"]
    if "normalisers" in result.tables:
        names += ["support", "profiles", "compare_maps"]
    return names
