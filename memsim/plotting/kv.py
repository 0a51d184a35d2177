"""Plots of key-value memory results (model kind ``kv``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from memsim.plotting import common, style
from memsim.results import Result

RECALL_PLOTS = ("retrieval", "hops", "attention")
CAPACITY_PLOTS = ("capacity",)

_AXIS_LABEL = {
    "slots": "memory slots S",
    "key_dim": "key dimension $d_k$",
    "key_noise": "key noise  |noise| / |key|",
    "normaliser": "normaliser",
}


def _mode(result: Result) -> str:
    return getattr(result.scenario.model, "mode", "retrieval")


def _chance(ax, result: Result) -> None:
    """Dotted chance level of the story questions: 1 / (number of locations), the possible
    answers (``model.locations`` of the scenario, else the story generator's default)."""
    n = getattr(result.scenario.model, "locations", None)
    if n is None:  # the runner uses the story generator's default number of locations
        import inspect

        from memsim.kv import stories

        n = inspect.signature(stories.generate_stories).parameters["locations"].default
    if n:
        ax.axhline(1.0 / n, color="k", ls=":", lw=1.2,
                   label=f"chance level 1 / {n} locations = {1.0 / n:.2f}")  # fmt: skip


@style.styled
def plot_retrieval(result: Result, path: Path) -> Path | None:
    """Histogram of the cosine of read-out and target value, correct vs wrong answers."""
    if _mode(result) != "retrieval" or "cosine" not in result.arrays:
        return None
    cos = np.asarray(result.arrays["cosine"])
    ok = np.asarray(result.arrays["correct"], dtype=bool)
    s = result.summary
    fig, ax = style.subplots(figsize=(7.6, 4.2))
    bins = np.linspace(min(-0.1, float(cos.min())), 1.0, 41)
    ax.hist(cos[ok], bins=bins, color="tab:green", alpha=0.75, label=f"correct ({ok.sum()})")
    ax.hist(cos[~ok], bins=bins, color="tab:red", alpha=0.75, label=f"wrong ({(~ok).sum()})")
    ax.set_xlabel("cosine(read-out, target value)")
    ax.set_yscale("log")
    style.plain_log(ax, "y")
    ax.set_ylabel("queries (log scale)")
    style.title(
        ax, result,
        f"key-value read, S={s['slots']}, $d_k$={s['key_dim']}, noise={s['key_noise']:g}, "
        f"{s['normaliser']}\naccuracy {s['accuracy']:.3f}",
    )  # fmt: skip
    style.legend_outside(ax)
    return style.save(fig, path)


@style.styled
def plot_hops(result: Result, path: Path) -> Path | None:
    """Story accuracy against the number of hops (mean over trials)."""
    if _mode(result) != "stories":
        return None
    tab = result.tables["hops"]
    hops = np.unique(tab["hops"])
    acc = np.array([tab["accuracy"][tab["hops"] == h].mean() for h in hops])
    fig, ax = style.subplots(figsize=(7.0, 4.0))
    bars = ax.bar(hops, acc, color="tab:blue", width=0.6, label="accuracy (mean over trials)")
    for b, a in zip(bars, acc, strict=True):
        ax.text(b.get_x() + b.get_width() / 2, a + 0.02, f"{a:.2f}", ha="center", fontsize=9)
    ax.set_xticks(hops)
    ax.set_xlabel("hops")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1.12)
    m = result.scenario.model
    _chance(ax, result)
    style.title(ax, result, f"scripted memory network, task {m.task} ({m.stories} stories)")
    style.legend_outside(ax)
    return style.save(fig, path)


@style.styled
def plot_attention(result: Result, path: Path) -> Path | None:
    """Heat map of one story's attention over its sentences at every hop."""
    if _mode(result) != "stories" or "attention" not in result.arrays:
        return None
    w = np.asarray(result.arrays["attention"])  # (H, n)
    sents = result.meta.get("attention_sentences") or [str(i) for i in range(w.shape[1])]
    sup = set(result.meta.get("attention_supporting") or [])
    h, n = w.shape
    fig, ax = style.subplots(figsize=(4.2 + 1.1 * h, 1.8 + 0.38 * n))
    im = ax.imshow(w.T, aspect="auto", cmap="Blues", vmin=0.0, vmax=1.0)
    for i in range(n):
        for j in range(h):
            v = w[j, i]
            if v >= 0.005:
                ax.text(
                    j,
                    i,
                    f"{v:.2f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if v > 0.6 else "black",
                )
    ax.set_xticks(range(h), [f"hop {j + 1}" for j in range(h)])
    labels = [f"{i + 1}. {s}" + ("  *" if i in sup else "") for i, s in enumerate(sents)]
    ax.set_yticks(range(n), labels, fontsize=9)
    for i, t in enumerate(ax.get_yticklabels()):
        if i in sup:
            t.set_fontweight("bold")
    q = result.meta.get("attention_question", "")
    a = result.meta.get("attention_answer", "")
    p = result.meta.get("attention_predicted", "")
    ax.set_xlabel("hop")
    ax.set_ylabel("sentence of the story (* = supporting fact)")
    style.title(ax, result, f"Q: {q}?  answer: {a}, predicted: {p}")
    style.colorbar(fig, im, ax, "attention")
    return style.save(fig, path)


@style.styled
def plot_capacity(result: Result, path: Path) -> Path | None:
    """Accuracy against the study axis with standard-error bars (hashing: and read time)."""
    st = result.summary["study"]
    s = result.tables["capacity_summary"]
    m = result.scenario.model
    trials = result.summary.get("trials")
    if st == "hops":
        fig, ax = style.subplots(figsize=(8.0, 4.2))
        tasks = list(dict.fromkeys(s["task"].tolist()))
        hops = np.unique(s["hops"])
        width = 0.8 / len(tasks)
        for k, task in enumerate(tasks):
            sel = s["task"] == task
            x = s["hops"][sel] + (k - (len(tasks) - 1) / 2) * width
            y = s["accuracy_mean"][sel]
            ax.bar(
                x,
                y,
                width=width * 0.95,
                yerr=s["accuracy_stderr"][sel],
                capsize=3,
                label=task.replace("_", " "),
            )
            for xi, yi in zip(x, y, strict=True):
                ax.text(xi, yi + 0.03, f"{yi:.2f}", ha="center", fontsize=8)
        ax.set_xticks(hops, [f"{int(h)} hop{'s' if h > 1 else ''}" for h in hops])
        ax.set_ylim(0, 1.12)
        ax.set_yticks(np.linspace(0, 1, 6))
        ax.set_xlabel("hops of the reader")
        ax.set_ylabel("accuracy")
        _chance(ax, result)
        style.title(
            ax,
            result,
            f"scripted memory network: hops per task ({m.stories} stories x {trials} trials)",
        )
        style.legend_outside(ax)
    elif st == "hashing":
        fig, (a1, a2) = style.subplots(1, 2, figsize=(11, 4.4))
        for hb, lab, col in ((False, "full read", "tab:blue"), (True, "hashed", "tab:orange")):
            sel = s["hashing"] == hb
            x = s["slots"][sel]
            a1.errorbar(
                x,
                s["accuracy_mean"][sel],
                s["accuracy_stderr"][sel],
                marker="o",
                capsize=3,
                label=lab,
                color=col,
            )
            a2.errorbar(
                x,
                s["read_seconds_mean"][sel] * 1e3,
                s["read_seconds_stderr"][sel] * 1e3,
                marker="o",
                capsize=3,
                label=lab,
                color=col,
            )
        a1.set_ylabel("accuracy")
        a1.set_ylim(-0.02, 1.05)
        a2.set_yscale("log")
        a2.set_ylabel(f"read time for {m.queries} queries (ms)")
        for a in (a1, a2):
            a.set_xscale("log")
            a.set_xlabel("memory slots S")
            style.plain_log(a)
        style.fig_legend(fig, (a1, a2))
        style.suptitle(
            fig, result, f"key hashing on and off (noise {m.key_noise:g}, {trials} trials)"
        )
    else:
        ax_name = {
            "slots": "slots",
            "key_dim": "key_dim",
            "noise": "key_noise",
            "normaliser": "normaliser",
        }[st]
        fig, ax = style.subplots(figsize=style.SINGLE)
        y, e = s["accuracy_mean"], s["accuracy_stderr"]
        if st == "normaliser":
            x = np.arange(y.size)
            ax.bar(x, y, yerr=e, capsize=3, color="tab:blue")
            ax.set_xticks(x, [str(v).replace(" T=", "\nT=") for v in s["normaliser"].tolist()])
            for xi, yi in zip(x, y, strict=True):
                ax.text(xi, yi + 0.03, f"{yi:.2f}", ha="center", fontsize=8)
            ax.set_ylim(0, 1.12)
        else:
            ax.errorbar(s[ax_name], y, e, marker="o", capsize=3)
            if st in ("slots", "key_dim"):
                ax.set_xscale("log", base=10 if st == "slots" else 2)
                if st == "slots":
                    style.plain_log(ax, "x")
                else:
                    from matplotlib.ticker import FixedLocator, NullLocator

                    ax.xaxis.set_major_locator(FixedLocator(np.unique(s[ax_name])))
                    ax.xaxis.set_minor_locator(NullLocator())
                    ax.set_xticks(np.unique(s[ax_name]), [f"{v:g}" for v in np.unique(s[ax_name])])
            ax.set_ylim(-0.02, 1.05)
        ax.set_xlabel(_AXIS_LABEL[ax_name])
        ax.set_ylabel("retrieval accuracy")
        fixed = {
            "slots": f"S={m.slots}",
            "key_dim": f"d_k={m.key_dim}",
            "noise": f"noise={m.key_noise:g}",
        }
        norm = f"softmax T={m.temperature:g}" if m.normaliser == "softmax" else m.normaliser
        parts = [v for k, v in fixed.items() if k != st]
        if st != "normaliser":
            parts.append(norm)
        style.title(
            ax, result,
            f"read accuracy ({', '.join(parts)}, {m.queries} queries x {trials} trials)",
        )  # fmt: skip
        ax.grid(alpha=0.3)
    return style.save(fig, path)


PLOTTERS = common.plotters(plot_retrieval, plot_hops, plot_attention, plot_capacity)


def default_plots(result: Result) -> list[str]:
    if result.command == "capacity":
        return ["capacity"]
    return ["retrieval"] if _mode(result) == "retrieval" else ["hops", "attention"]
