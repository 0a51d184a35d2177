"""Plots of classical Hopfield results (recall: energy, overlap, pictures, animation; capacity:
capacity, finite_size, phase, basins, rules, exact, low_activity)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from memsim.plotting import common, style
from memsim.plotting import pictures as _pictures
from memsim.results import Result

#: up to this many cues each get a line of their own colour and a legend entry
MAX_NAMED_LINES = 12
#: hollow markers of decreasing size, so that curves lying on each other stay visible
MARKERS = (("o", 9), ("s", 7), ("D", 5.5), ("^", 4.5), ("v", 4), ("P", 3.5), ("X", 3))


def trace_lines(ax, result: Result, traces: np.ndarray, label: str, step: str = "sweep") -> None:
    """Traces (cues x steps, NaN-padded) against the step.

    Few cues: one coloured line per cue named in a legend outside the axes. Many cues: the
    median with the 10-90 % band over cues and a few thin example lines (legend outside)."""
    traces = np.asarray(traces, dtype=float)
    n = traces.shape[0]
    last = int(np.max(np.flatnonzero(np.isfinite(traces).any(axis=0)), initial=0))
    x = np.arange(last + 1)
    tr = traces[:, : last + 1]
    if n <= MAX_NAMED_LINES:
        c = result.tables.get("cues", {})
        for r in range(n):
            k = np.flatnonzero(np.isfinite(tr[r]))
            if not k.size:
                continue
            name = (
                f"cue {r}: {_pictures.pattern_name(result, int(c['pattern'][r]))}"
                if "pattern" in c and len(c["pattern"]) > r
                else f"cue {r}"
            )
            ax.plot(
                x[: k[-1] + 1],
                tr[r, : k[-1] + 1],
                "-o",
                ms=3,
                lw=1.3,
                label=name,
                color=style.cue_color(r, n),
            )
    else:
        # converged cues stop early: carry their last value forward for the statistics
        filled = tr.copy()
        for r in range(n):
            k = np.flatnonzero(np.isfinite(filled[r]))
            if k.size:
                filled[r, k[-1] + 1 :] = filled[r, k[-1]]
        lo, med, hi = np.nanpercentile(filled, [10, 50, 90], axis=0)
        ax.fill_between(x, lo, hi, color="C0", alpha=0.25, lw=0, label="10-90 % of cues")
        ax.plot(x, med, "-o", color="C0", ms=3, lw=1.8, label=f"median of {n} cues")
        for j, r in enumerate(np.linspace(0, n - 1, 5).astype(int)):
            ax.plot(x, filled[r], "-", color="0.35", lw=0.6, alpha=0.7,
                    label="five single cues" if j == 0 else None)  # fmt: skip
    ax.set_xlabel(step)
    ax.set_ylabel(label)
    style.integer_ticks(ax)


def energy_figure(result: Result, path: Path, step: str, label: str, what: str) -> Path:
    """The energy traces of ``result.arrays["energy"]`` (see :func:`trace_lines`) against
    ``step``, y range fitted to them, titled ``what``, legend outside."""
    fig, ax = style.subplots(figsize=style.SINGLE)
    e = result.arrays["energy"]
    trace_lines(ax, result, e, label, step=step)
    style.fit_ylim(ax, e)
    style.title(ax, result, what)
    style.legend_outside(ax)
    return style.save(fig, path)


@style.styled
def plot_energy(result: Result, path: Path) -> Path:
    return energy_figure(result, path, "sweep", "energy E(s)", "energy during recall")


@style.styled
def plot_overlap(result: Result, path: Path) -> Path:
    fig, ax = style.subplots(figsize=style.SINGLE)
    ov = result.arrays["overlap"]
    trace_lines(ax, result, ov, "overlap m with the cued pattern")
    thr = result.summary.get("retrieval_overlap", 0.95)
    ax.axhline(thr, color="k", ls=":", lw=1, label=f"retrieval threshold m = {thr:g}")
    style.fit_ylim(ax, np.append(np.asarray(ov, float).ravel(), thr), lo=-1, hi=1)
    style.title(ax, result, "overlap during recall")
    style.legend_outside(ax)
    return style.save(fig, path)


@style.styled
def plot_pictures(result: Result, path: Path) -> Path | None:
    """Stored pattern, cue and final state for every cue of the first trial (up to 12)."""
    if not result.meta.get("picture_shape"):
        return None
    return _pictures.picture_grid(
        result,
        path,
        [("stored", "stored"), ("cues", "cue"), ("final_states", "final")],
        overlap_cols={"final_states": "final_overlap"},
    )


@style.styled
def plot_animation(result: Result, path: Path) -> Path | None:
    """Animated GIF: every cue of the first trial converging, one frame per sweep, beside the
    energy falling (needs the per-sweep states ``frames_trial0``; None without them)."""
    return _pictures.animate(result, path, "sweep")


#: the columns of a summary table that split it into curves, and their names in curve labels
_CURVE_AXES = ("size", "rule", "temperature", "bias", "flip", "dilution", "dreams")
_CURVE_NAMES = {"size": "N", "temperature": "T", "bias": "bias", "flip": "flip", "dilution": "C",
                "dreams": "dreams", "rule": ""}  # fmt: skip


def _split(tab: dict, axes) -> list[tuple[tuple, list[str], np.ndarray]]:
    """The combinations of the ``axes`` columns that vary in ``tab``, in order of appearance:
    [(values, varying axes, selection mask)]."""
    varying = [a for a in axes if a in tab and len(np.unique(tab[a])) > 1]
    keys = list(dict.fromkeys(zip(*(tab[a].tolist() for a in varying), strict=True))) or [()]
    out = []
    for key in keys:
        sel = np.ones(len(tab["load"]), dtype=bool)
        for a, v in zip(varying, key, strict=True):
            sel &= tab[a] == v
        out.append((key, varying, sel))
    return out


def _curves(tab: dict, axes=_CURVE_AXES):
    """Split a summary table into curves: yields (label, selection mask) per combination of the
    axes that vary (the label names only those)."""
    for key, varying, sel in _split(tab, axes):
        parts = [
            f"{_CURVE_NAMES[a]} = {v:g}" if _CURVE_NAMES[a] and not isinstance(v, str) else str(v)
            for a, v in zip(varying, key, strict=True)
        ]
        yield (", ".join(parts) or "simulation"), sel


def _is_classical_theory_case(tab, sel) -> bool:
    return (
        "rule" in tab
        and set(tab["rule"][sel].tolist()) == {"hebbian"}
        and np.all(tab["temperature"][sel] == 0)
        and np.all(tab["bias"][sel] == 0)
    )


def _errorbar(ax, x, y, e, i: int, label: str, ls: str = "-"):
    """One simulated curve: line, hollow marker of size decreasing with i (so equal curves stay
    visible on top of each other), s.e.m. bars."""
    mk, ms = MARKERS[i % len(MARKERS)]
    ax.errorbar(
        x, y, yerr=np.nan_to_num(e), marker=mk, ms=ms, mfc="none", mew=1.2, capsize=2,
        color=f"C{i % 10}", ls=ls, lw=1.3, label=label,
    )  # fmt: skip


@style.styled
def plot_capacity(result: Result, path: Path) -> Path:
    """Final overlap, fraction retrieved and one-step bit error against load, with theory."""
    from memsim import theory

    tab = result.tables["capacity_summary"]
    fig, axes = style.subplots(1, 3, figsize=style.TRIPLE)
    hebbian_t0 = False
    cols = ("mean_final_overlap", "fraction_retrieved", "one_step_error")
    for i, (label, sel) in enumerate(_curves(tab)):
        a = tab["load"][sel]
        o = np.argsort(a)
        for ax, col in zip(axes, cols, strict=True):
            _errorbar(ax, a[o], tab[col][sel][o], tab["sem_" + col][sel][o], i, label)
        hebbian_t0 |= _is_classical_theory_case(tab, sel)
    lo, hi = float(tab["load"].min()), float(tab["load"].max())
    grid = np.linspace(max(1e-3, lo * 0.8), hi, 300)
    if hebbian_t0:
        ac, mc = theory.ags_critical_load()
        m = theory.ags_retrieval_overlap(grid)
        axes[0].plot(
            grid, m, "-", color=style.THEORY, lw=1.2, label="AGS retrieval branch m(alpha)"
        )
        for ax in axes[:2]:
            ax.axvline(ac, color=style.THEORY, ls=":", lw=1, label=f"AGS alpha_c = {ac:.4f}")
        axes[2].plot(
            grid, theory.one_step_error(grid), "--", color=style.THEORY, lw=1,
            label="one-step theory 1/2 erfc(sqrt(N / 2P))",
        )  # fmt: skip
    axes[0].set_ylabel("mean final overlap m")
    axes[1].set_ylabel(f"fraction retrieved (m >= {result.summary['retrieval_overlap']})")
    axes[2].set_ylabel("one-step bit error")
    style.fit_ylim(axes[0], tab["mean_final_overlap"], lo=-1, hi=1)
    axes[1].set_ylim(-0.03, 1.03)
    axes[2].set_yscale("log")
    pos = tab["one_step_error"][tab["one_step_error"] > 0]
    axes[2].set_ylim(bottom=(pos.min() / 3) if pos.size else 1e-6)
    style.plain_log(axes[2], "y")
    for ax in axes:
        ax.set_xlabel("load alpha = P / N")
    style.fig_legend(fig, axes)
    style.suptitle(fig, result, "simulation (mean ± s.e.m. over trials) and theory")
    return style.save(fig, path)


@style.styled
def plot_finite_size(result: Result, path: Path) -> Path:
    """Finite-size critical loads alpha_c(N) against N^(-1/2), the fit and the AGS value."""
    from memsim import theory

    fig, ax = style.subplots(figsize=style.SINGLE)
    crit = result.tables.get("critical_loads")
    ac, _ = theory.ags_critical_load()
    vals = [ac]
    if crit is not None and len(crit["size"]):
        x = crit["size"] ** -0.5
        ax.errorbar(
            x, crit["critical_load"], yerr=np.nan_to_num(crit["sem_critical_load"]), fmt="o",
            capsize=3, label="simulation (fraction retrieved = 1/2)",
        )  # fmt: skip
        vals += list(crit["critical_load"])
        fit = result.summary.get("finite_size_fit")
        if fit:
            xx = np.linspace(0, x.max() * 1.05, 50)
            yy = fit["alpha_inf"] + fit["coefficient"] * xx ** (2 * fit["exponent"])
            fit_label = f"fit: alpha_inf = {fit['alpha_inf']:.4f} ± {fit['alpha_inf_stderr']:.4f}"
            ax.plot(xx, yy, "C1-", label=fit_label)
            vals += list(yy)
    else:
        ax.text(0.5, 0.5, "no load sweep crossed 1/2 retrieval", transform=ax.transAxes,
                ha="center")  # fmt: skip
    ax.axhline(ac, color=style.THEORY, ls=":", label=f"AGS alpha_c = {ac:.4f}")
    ax.set_xlabel("N^(-1/2)")
    ax.set_ylabel("critical load")
    ax.set_xlim(left=0)
    style.fit_ylim(ax, vals)
    style.legend_below(ax, ncol=1)
    style.title(ax, result, "finite-size extrapolation")
    return style.save(fig, path)


@style.styled
def plot_phase(result: Result, path: Path) -> Path:
    """Mean final overlap over the (load, temperature) plane with the AGS retrieval line
    (solved once per process: memsim.theory.ags_retrieval_line)."""
    from memsim import theory

    tab = result.tables["capacity_summary"]
    loads = np.unique(tab["load"])
    temps = np.unique(tab["temperature"])
    grid = np.full((temps.size, loads.size), np.nan)
    for i, t in enumerate(temps):
        for j, a in enumerate(loads):
            sel = (tab["temperature"] == t) & (tab["load"] == a)
            if sel.any():
                grid[i, j] = tab["mean_final_overlap"][sel].mean()
    fig, ax = style.subplots(figsize=(7.2, 4.8))

    def edges(v):
        if v.size == 1:
            return np.array([v[0] - 0.05, v[0] + 0.05])
        mid = (v[1:] + v[:-1]) / 2
        return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])

    ea, et = edges(loads), edges(temps)
    im = ax.pcolormesh(ea, et, grid, cmap=style.CMAP_WEIGHTS, vmin=0, vmax=1, shading="flat")
    style.colorbar(fig, im, ax, "mean final overlap m")
    a_line, t_line = theory.ags_retrieval_line()
    ax.plot(a_line, t_line, "w-", lw=2.2, label="AGS retrieval line alpha_M(T) (replica symmetric)")
    ax.set_xlim(ea[0], ea[-1])
    ax.set_ylim(et[0], et[-1])
    ax.set_xlabel("load alpha = P / N")
    ax.set_ylabel("temperature T")
    style.legend_below(ax, facecolor="0.6", frameon=True)
    style.title(ax, result, "retrieval region (Glauber dynamics); retrieval below the white line")
    return style.save(fig, path)


@style.styled
def plot_basins(result: Result, path: Path) -> Path:
    """Probability of retrieval against the initial overlap of the cue (basins of attraction)."""
    tab = result.tables["capacity_summary"]
    fig, ax = style.subplots(figsize=(7.4, 4.2))
    keys = _split(tab, ("size", "rule", "temperature", "bias", "load"))
    for i, (key, varying, sel) in enumerate(keys):
        x = tab["initial_overlap"][sel]
        o = np.argsort(x)
        label = ", ".join(
            f"{a_} {v:g}" if not isinstance(v, str) else str(v)
            for a_, v in zip(varying, key, strict=True)
        )
        _errorbar(ax, x[o], tab["fraction_retrieved"][sel][o],
                  tab["sem_fraction_retrieved"][sel][o], i, label or "simulation")  # fmt: skip
    ax.set_xlabel("initial overlap of the cue with its pattern")
    ax.set_ylabel(f"fraction retrieved (m >= {result.summary['retrieval_overlap']})")
    ax.set_ylim(-0.03, 1.03)
    if len(keys) > 8:
        fig.set_figheight(4.2 + 0.21 * np.ceil(len(keys) / 4))
        style.legend_below(ax, ncol=4)
    else:
        style.legend_outside(ax)
    style.title(ax, result, "basins of attraction")
    return style.save(fig, path)


@style.styled
def plot_rules(result: Result, path: Path) -> Path:
    """Storage rules side by side: stability of the stored patterns and retrieval from noisy cues,
    each against load, with each rule's capacity (McEliece et al. 1987; Storkey 1997; Gardner
    1988), every capacity line drawn
    (the x axis reaches the largest one)."""
    from memsim import theory

    tab = result.tables["capacity_summary"]
    fig, axes = style.subplots(1, 2, figsize=(13, 4.8))
    n = int(np.max(tab["size"]))
    kappa = float(getattr(result.scenario.model, "kappa", 0.0))
    lines = {
        "hebbian": ("AGS alpha_c", theory.ags_critical_load()[0]),
        "storkey": ("N / sqrt(2 ln N) / N", float(theory.storkey_capacity(n)) / n),
        "pseudoinverse": ("N / N", float(theory.pseudoinverse_capacity(n)) / n),
        "perceptron": (f"Gardner, kappa = {kappa:g}", float(theory.gardner_capacity(kappa))),
    }
    cols = ("fraction_exact", "fraction_retrieved")
    rules = list(dict.fromkeys(tab["rule"].tolist()))
    xmax = float(tab["load"].max())
    for i, rule in enumerate(rules):
        sel = (tab["rule"] == rule) & (tab["size"] == n)
        if rule == "pseudoinverse":
            sel &= tab["patterns"] < n  # P >= N: W is the identity, every state is fixed
        a = tab["load"][sel]
        o = np.argsort(a)
        for ax, col in zip(axes, cols, strict=True):
            _errorbar(ax, a[o], tab[col][sel][o], tab["sem_" + col][sel][o], i, rule)
        if rule in lines:
            what, cap = lines[rule]
            xmax = max(xmax, cap)
            for ax in axes:
                ax.axvline(cap, color=f"C{i % 10}", ls=":", lw=1.3,
                           label=f"{rule} capacity {cap:.3f} ({what})")  # fmt: skip
    for ax in axes:
        ax.set_xlabel("load alpha = P / N")
        ax.set_xlim(0, xmax * 1.05)
        ax.set_ylim(-0.03, 1.03)
    axes[0].set_ylabel("fraction of stored patterns that are exact fixed points")
    axes[1].set_ylabel(
        f"fraction retrieved from noisy cues (m >= {result.summary['retrieval_overlap']})"
    )
    style.fig_legend(fig, axes)
    style.suptitle(
        fig, result,
        f"storage rules at N = {n}; dotted: capacities (pseudo-inverse shown for P < N only)",
    )  # fmt: skip
    return style.save(fig, path)


@style.styled
def plot_exact(result: Result, path: Path) -> Path:
    """Exactly stored patterns against the McEliece et al. (1987) capacities."""
    tab = result.tables["capacity_summary"]
    fig, axes = style.subplots(1, 2, figsize=(12, 4.4))
    for i, n in enumerate(np.unique(tab["size"])):
        sel = tab["size"] == n
        p = tab["patterns"][sel]
        o = np.argsort(p)
        _errorbar(axes[0], p[o], tab["fraction_exact"][sel][o],
                  tab["sem_fraction_exact"][sel][o], i, f"N = {n}")  # fmt: skip
        mk, ms = MARKERS[i % len(MARKERS)]
        axes[1].plot(p[o], tab["fraction_all_exact"][sel][o], "-", marker=mk, ms=ms, mfc="none",
                     color=f"C{i % 10}", label=f"N = {n}")  # fmt: skip
        axes[0].axvline(n / (2 * np.log(n)), color=f"C{i % 10}", ls=":", lw=1.2)
        axes[1].axvline(n / (4 * np.log(n)), color=f"C{i % 10}", ls=":", lw=1.2)
    axes[0].set_ylabel("fraction of stored patterns that are exact fixed points")
    axes[1].set_ylabel("fraction of trials where every pattern is exact")
    axes[0].set_title("dotted: N / (2 ln N) (McEliece et al. 1987)")
    axes[1].set_title("dotted: N / (4 ln N) (McEliece et al. 1987)")
    for ax in axes:
        ax.set_xlabel("stored patterns P")
        ax.set_ylim(-0.03, 1.03)
    style.fig_legend(fig, axes)
    style.suptitle(fig, result, "exactly stored patterns")
    return style.save(fig, path)


#: the a -> 0 asymptote of the sparse capacity is drawn only up to this activity
LOW_ACTIVITY_MAX_A = 0.2


@style.styled
def plot_low_activity(result: Result, path: Path) -> Path:
    """Critical load against pattern activity a with the 1/(2 a |ln a|) asymptote (drawn for
    small a only: it is the a -> 0 limit)."""
    from memsim import theory

    crit = result.tables.get("critical_loads")
    fig, ax = style.subplots(figsize=(7.4, 4.2))
    if crit is not None and len(crit["bias"]):
        a = (1 + crit["bias"]) / 2
        ax.errorbar(
            a, crit["critical_load"], yerr=np.nan_to_num(crit["sem_critical_load"]), fmt="o",
            capsize=3, label="simulation (covariance rule)",
        )  # fmt: skip
        a_hi = min(LOW_ACTIVITY_MAX_A, float(a.max()))
        if a.min() < a_hi:
            grid = np.geomspace(a.min() * 0.8, a_hi, 100)
            ax.plot(grid, theory.low_activity_capacity(grid), "--", color=style.THEORY,
                    label=f"a -> 0 asymptote 1 / (2 a |ln a|), drawn for a <= {a_hi:g}\n"
                    "(Tsodyks & Feigel'man 1988)")  # fmt: skip
        ax.set_yscale("log")
        style.plain_log(ax, "y")
        style.legend_below(ax, ncol=1)
    else:
        ax.text(0.5, 0.5, "no critical load found in the swept loads", ha="center",
                va="center", transform=ax.transAxes)  # fmt: skip
    ax.set_xlabel("activity a (fraction of +1 bits)")
    ax.set_ylabel("critical load")
    style.title(ax, result, "capacity of sparse patterns")
    return style.save(fig, path)


PLOTTERS: dict[str, Callable[[Result, Path], Path]] = common.plotters(
    plot_energy,
    plot_overlap,
    plot_pictures,
    plot_animation,
    plot_capacity,
    plot_finite_size,
    plot_phase,
    plot_basins,
    plot_rules,
    plot_exact,
    plot_low_activity,
)

CAPACITY_PLOTS = ("capacity", "finite_size", "phase", "basins", "rules", "exact", "low_activity")
RECALL_PLOTS = ("energy", "overlap", "pictures", "animation")


@style.styled
def plot_dilution(result: Result, path: Path) -> Path | None:
    """Final overlap against alpha = P / C (connections per neuron) for a diluted network, with
    the Derrida-Gardner-Zippelius fixed point of m = erf(m / sqrt(2 alpha))
    (memsim.theory.diluted_retrieval_overlap), the exact finite-C map iterated
    (memsim.theory.diluted_finite_overlap) and the critical load 2 / pi."""
    from memsim.theory import diluted_capacity, diluted_finite_overlap, diluted_retrieval_overlap

    tab = result.tables["capacity_summary"]
    if "load_per_connection" not in tab:
        return None
    fig, ax = style.subplots(figsize=(7.5, 4.8))
    a = np.asarray(tab["load_per_connection"], dtype=float)
    for i, (label, sel) in enumerate(_curves(tab)):
        o = np.argsort(a[sel])
        ax.errorbar(
            a[sel][o],
            tab["mean_final_overlap"][sel][o],
            yerr=np.nan_to_num(tab["sem_mean_final_overlap"][sel][o]),
            fmt="o",
            ms=4,
            color=f"C{i}",
            label="simulation" if label in ("simulation", "") else f"simulation, {label}",
        )
        cs = np.unique(tab["dilution"][sel])
        if cs.size == 1:
            c = int(cs[0])
            ps = np.arange(1, int(np.ceil(a[sel].max() * c)) + 2)
            ax.plot(
                ps / c,
                [diluted_finite_overlap(c, int(p)) for p in ps],
                "--",
                color=f"C{i}",
                lw=1,
                label=f"exact finite-C map iterated, C = {c}",
            )
    ac = diluted_capacity()
    grid = np.linspace(max(1e-3, 0.02), max(a.max() * 1.1, 1.2 * ac), 300)
    ax.plot(
        grid,
        diluted_retrieval_overlap(grid),
        "-",
        color="k",
        lw=1.2,
        label="m = erf(m / sqrt(2 alpha)) (DGZ 1987)",
    )
    ax.axvline(ac, color="C3", ls=":", lw=1.2, label=f"alpha_c = 2 / pi = {ac:.3f}")
    ax.set_xlabel("load per connection alpha = P / C")
    ax.set_ylabel("final overlap m")
    ax.set_ylim(-0.05, 1.05)
    style.legend_outside(ax)
    s = result.scenario
    n = sorted(set(tab["size"].tolist()))
    style.title(
        ax,
        result,
        f"diluted {getattr(s.model, 'dilution_kind', 'asymmetric')} network, "
        f"N = {', '.join(str(x) for x in n)}, {s.model.dynamics} dynamics",
    )
    return style.save(fig, path)


@style.styled
def plot_unlearning(result: Result, path: Path) -> Path | None:
    """Stability (fraction of stored patterns that are fixed points) and retrieval against load,
    a line per rule / number of dreams: the network before (0 dreams or Hebbian) and after
    unlearning (Hopfield, Feinstein & Palmer 1983), with the Hebbian capacity."""
    from memsim.theory import hebbian_capacity

    tab = result.tables["capacity_summary"]
    fig, (ax0, ax1) = style.subplots(1, 2, figsize=(10.5, 4.6))
    for i, (label, sel) in enumerate(_curves(tab)):
        o = np.argsort(tab["load"][sel])
        x = tab["load"][sel][o]
        for ax, col in ((ax0, "fraction_exact"), (ax1, "fraction_retrieved")):
            ax.errorbar(
                x,
                tab[col][sel][o],
                yerr=np.nan_to_num(tab["sem_" + col][sel][o]),
                fmt="o-",
                ms=4,
                color=f"C{i}",
                label=label,
            )
    ac = hebbian_capacity()
    for ax in (ax0, ax1):
        ax.axvline(ac, color="grey", ls=":", lw=1, label=f"Hebbian alpha_c = {ac:.3f}")
        ax.set_xlabel("load alpha = P / N")
        ax.set_ylim(-0.03, 1.03)
    style.fig_legend(fig, (ax0, ax1))
    ax0.set_ylabel("stored patterns that are fixed points")
    ax0.set_title("stability")
    ax1.set_ylabel(f"cues retrieved (m >= {result.summary['retrieval_overlap']})")
    ax1.set_title(f"retrieval from cues with {result.scenario.cue.flip:.0%} of bits flipped")
    m = result.scenario.model
    style.suptitle(
        fig,
        result,
        f"before and after unlearning (epsilon = {m.epsilon:g}, "
        f"N = {', '.join(str(x) for x in sorted(set(tab['size'].tolist())))})",
    )
    return style.save(fig, path)


PLOTTERS.update({"dilution": plot_dilution, "unlearning": plot_unlearning})
CAPACITY_PLOTS = (*CAPACITY_PLOTS, "dilution", "unlearning")


def default_plots(result: Result) -> list[str]:
    """Every plot that applies to a result: for a capacity run the capacity plot, finite_size
    when several sizes have a critical load, dilution / unlearning when those are swept."""
    if result.command != "capacity":
        return common.default_plots(result, ["energy", "overlap"], (), animation=True)
    names = ["capacity"]
    crit = result.tables.get("critical_loads")
    if crit is not None and len(np.unique(crit["size"])) > 1:
        names.append("finite_size")
    tab = result.tables.get("capacity_summary", {})
    if "load_per_connection" in tab:
        names.append("dilution")
    if "dreams" in tab:
        names.append("unlearning")
    return names
