"""Plots of classical Hopfield results (recall: energy, overlap, pictures, animation; capacity:
capacity, finite_size, phase, basins, rules, exact, low_activity)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from memsim.plotting.common import plt_module as _plt
from memsim.results import Result


def _lines(ax, traces: np.ndarray, label: str, max_lines: int = 200) -> None:
    """One line per row of ``traces`` (NaN-padded), thin and translucent when there are many."""
    n = traces.shape[0]
    rows = np.arange(n) if n <= max_lines else np.linspace(0, n - 1, max_lines).astype(int)
    alpha = 0.9 if len(rows) <= 10 else max(0.08, 3.0 / len(rows))
    for r in rows:
        y = traces[r]
        k = np.flatnonzero(np.isfinite(y))
        if k.size:
            ax.plot(
                np.arange(k[-1] + 1),
                y[: k[-1] + 1],
                "-o" if len(rows) <= 10 else "-",
                ms=3,
                lw=1,
                alpha=alpha,
            )
    ax.set_xlabel("sweep")
    ax.set_ylabel(label)
    ax.xaxis.get_major_locator().set_params(integer=True)


def plot_energy(result: Result, path: Path) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    _lines(ax, result.arrays["energy"], "energy E(s)")
    ax.set_title(f"{result.scenario['name']}: energy during recall (one line per cue)")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_overlap(result: Result, path: Path) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    _lines(ax, result.arrays["overlap"], "overlap m with the cued pattern")
    ax.axhline(
        result.summary.get("retrieval_overlap", 0.95),
        color="k",
        ls=":",
        lw=1,
        label="retrieval threshold",
    )
    ax.set_ylim(-1.05, 1.05)
    ax.legend(loc="lower right")
    ax.set_title(f"{result.scenario['name']}: overlap during recall")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_pictures(result: Result, path: Path, max_rows: int = 8) -> Path:
    """Stored pattern, cue and final state side by side for the cues of the first trial."""
    plt = _plt()
    shape = tuple(result.meta["picture_shape"])
    cues_tab = result.tables["cues"]
    first = np.flatnonzero(cues_tab["trial"] == cues_tab["trial"][0])[:max_rows]
    stored = result.arrays["stored"]
    n_rows = len(first)
    fig, axes = plt.subplots(
        n_rows, 3, figsize=(4.2, 1.5 * n_rows + 0.6), squeeze=False, layout="constrained"
    )
    for r, row in enumerate(first):
        pidx = int(cues_tab["pattern"][row])
        imgs = (stored[pidx], result.arrays["cues"][row], result.arrays["final_states"][row])
        titles = (f"stored #{pidx}", "cue", f"final (m={cues_tab['final_overlap'][row]:.2f})")
        for c in range(3):
            ax = axes[r, c]
            ax.imshow(
                imgs[c].reshape(shape), cmap="gray_r", vmin=-1, vmax=1, interpolation="nearest"
            )
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0 or c == 2:
                ax.set_title(titles[c], fontsize=8)
    fig.suptitle(result.scenario["name"], fontsize=9)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_animation(result: Result, path: Path, max_cues: int = 5) -> Path | None:
    """Animated GIF: the states of the first trial's cues converging, sweep by sweep, beside the
    energy falling (one frame per sweep)."""
    from matplotlib import animation

    if "frames_trial0" not in result.arrays:
        return None
    plt = _plt()
    path = path.with_suffix(".gif")
    frames = result.arrays["frames_trial0"][:max_cues]
    shape = tuple(result.meta["picture_shape"])
    b_count, n_frames = frames.shape[:2]
    energy = result.arrays["energy"][:b_count, :n_frames]
    fig = plt.figure(figsize=(2.0 * b_count + 4.5, 3.2), layout="constrained")
    gs = fig.add_gridspec(1, b_count + 2)
    images = []
    for b in range(b_count):
        ax = fig.add_subplot(gs[0, b])
        images.append(
            ax.imshow(
                frames[b, 0].reshape(shape), cmap="gray_r", vmin=-1, vmax=1, interpolation="nearest"
            )
        )
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"cue {b}", fontsize=8)
    ax_e = fig.add_subplot(gs[0, b_count:])
    markers = []
    for b in range(b_count):
        k = np.flatnonzero(np.isfinite(energy[b]))
        (line,) = ax_e.plot(k, energy[b, k], "-", lw=1)
        markers.append(ax_e.plot([0], [energy[b, 0]], "o", color=line.get_color())[0])
    ax_e.set_xlabel("sweep")
    ax_e.set_ylabel("energy")
    title = fig.suptitle("sweep 0")

    def update(t):
        for b in range(b_count):
            images[b].set_data(frames[b, t].reshape(shape))
            e = energy[b, t] if np.isfinite(energy[b, t]) else energy[b][np.isfinite(energy[b])][-1]
            markers[b].set_data([t], [e])
        title.set_text(f"{result.scenario['name']}: sweep {t}")
        return images + markers

    anim = animation.FuncAnimation(fig, update, frames=n_frames, blit=False)
    anim.save(path, writer=animation.PillowWriter(fps=2))
    plt.close(fig)
    return path


_CURVE_AXES = ("size", "rule", "temperature", "bias", "flip")


def _curves(tab: dict, axes=_CURVE_AXES):
    """Split a summary table into curves: yields (label, selection mask) per combination of the
    axes that vary (the label names only those)."""
    varying = [a for a in axes if a in tab and len(np.unique(tab[a])) > 1]
    keys = (
        list(dict.fromkeys(zip(*(tab[a].tolist() for a in varying), strict=True)))
        if varying
        else [()]
    )
    names = {"size": "N", "rule": "", "temperature": "T", "bias": "bias", "flip": "flip"}
    for key in keys:
        sel = np.ones(len(tab["load"]), dtype=bool)
        parts = []
        for a, v in zip(varying, key, strict=True):
            sel &= tab[a] == v
            parts.append(f"{names[a]} = {v:g}" if names[a] and not isinstance(v, str) else str(v))
        yield (", ".join(parts) or "simulation"), sel


def _is_classical_theory_case(tab, sel) -> bool:
    return (
        "rule" in tab
        and set(tab["rule"][sel].tolist()) == {"hebbian"}
        and np.all(tab["temperature"][sel] == 0)
        and np.all(tab["bias"][sel] == 0)
    )


def plot_capacity(result: Result, path: Path) -> Path:
    """Final overlap, fraction retrieved and one-step bit error against load, with theory."""
    from memsim import theory

    plt = _plt()
    tab = result.tables["capacity_summary"]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), layout="constrained")
    hebbian_t0 = False
    for label, sel in _curves(tab):
        a = tab["load"][sel]
        o = np.argsort(a)
        for ax, col in zip(
            axes, ("mean_final_overlap", "fraction_retrieved", "one_step_error"), strict=True
        ):
            ax.errorbar(
                a[o],
                tab[col][sel][o],
                yerr=np.nan_to_num(tab["sem_" + col][sel][o]),
                marker="o",
                ms=3,
                capsize=2,
                label=label,
            )
        hebbian_t0 |= _is_classical_theory_case(tab, sel)
    lo, hi = float(tab["load"].min()), float(tab["load"].max())
    grid = np.linspace(max(1e-3, lo * 0.8), hi, 300)
    if hebbian_t0:
        ac, mc = theory.ags_critical_load()
        m = theory.ags_retrieval_overlap(grid)
        axes[0].plot(grid, m, "k-", lw=1.5, label="AGS retrieval branch m(alpha)")
        for ax in axes[:2]:
            ax.axvline(ac, color="k", ls=":", lw=1, label=f"alpha_c = {ac:.4f}")
        axes[2].plot(grid, theory.one_step_error(grid), "k--", lw=1, label="1/2 erfc(sqrt(N / 2P))")
    axes[0].set_ylabel("mean final overlap m")
    axes[1].set_ylabel(f"fraction retrieved (m >= {result.summary['retrieval_overlap']})")
    axes[2].set_ylabel("one-step bit error")
    axes[2].set_yscale("log")
    pos = tab["one_step_error"][tab["one_step_error"] > 0]
    axes[2].set_ylim(bottom=(pos.min() / 3) if pos.size else 1e-6)
    for ax in axes:
        ax.set_xlabel("load alpha = P / N")
        ax.legend(fontsize=7)
    fig.suptitle(f"{result.scenario['name']}: simulation (mean ± s.e.m. over trials) and theory")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_finite_size(result: Result, path: Path) -> Path:
    """Finite-size critical loads alpha_c(N) against N^(-1/2), the fit and the AGS value."""
    from memsim import theory

    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4.2), layout="constrained")
    crit = result.tables.get("critical_loads")
    ac, _ = theory.ags_critical_load()
    if crit is not None and len(crit["size"]):
        x = crit["size"] ** -0.5
        ax.errorbar(
            x,
            crit["critical_load"],
            yerr=np.nan_to_num(crit["sem_critical_load"]),
            fmt="o",
            capsize=3,
            label="simulation (fraction retrieved = 1/2)",
        )
        fit = result.summary.get("finite_size_fit")
        if fit:
            xx = np.linspace(0, x.max() * 1.05, 50)
            ax.plot(
                xx,
                fit["alpha_inf"] + fit["coefficient"] * xx ** (2 * fit["exponent"]),
                "C1-",
                label=f"fit: alpha_inf = {fit['alpha_inf']:.4f} ± {fit['alpha_inf_stderr']:.4f}",
            )
    else:
        ax.text(
            0.5, 0.5, "no load sweep crossed 1/2 retrieval", transform=ax.transAxes, ha="center"
        )
    ax.axhline(ac, color="k", ls=":", label=f"AGS alpha_c = {ac:.4f}")
    ax.set_xlabel("N^(-1/2)")
    ax.set_ylabel("critical load")
    ax.set_xlim(left=0)
    ax.legend(fontsize=8)
    ax.set_title(f"{result.scenario['name']}: finite-size extrapolation")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_phase(result: Result, path: Path) -> Path:
    """Mean final overlap over the (load, temperature) plane with the AGS T_M(alpha) line."""
    from memsim import theory

    plt = _plt()
    tab = result.tables["capacity_summary"]
    loads = np.unique(tab["load"])
    temps = np.unique(tab["temperature"])
    grid = np.full((temps.size, loads.size), np.nan)
    for i, t in enumerate(temps):
        for j, a in enumerate(loads):
            sel = (tab["temperature"] == t) & (tab["load"] == a)
            if sel.any():
                grid[i, j] = tab["mean_final_overlap"][sel].mean()
    fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")

    def edges(v):
        if v.size == 1:
            return np.array([v[0] - 0.05, v[0] + 0.05])
        mid = (v[1:] + v[:-1]) / 2
        return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])

    ea, et = edges(loads), edges(temps)
    im = ax.pcolormesh(ea, et, grid, cmap="viridis", vmin=0, vmax=1, shading="flat")
    fig.colorbar(im, ax=ax, label="mean final overlap m")
    a = np.linspace(1e-4, min(theory.ags_critical_load()[0] * 1.02, ea[-1]), 200)
    tm = theory.ags_retrieval_boundary(a)
    ax.plot(a, tm, "w-", lw=2, label="AGS retrieval boundary T_M(alpha)")
    ax.set_xlim(ea[0], ea[-1])
    ax.set_ylim(et[0], et[-1])
    ax.set_xlabel("load alpha = P / N")
    ax.set_ylabel("temperature T")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(f"{result.scenario['name']}: retrieval region (Glauber dynamics)")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_basins(result: Result, path: Path) -> Path:
    """Probability of retrieval against the initial overlap of the cue (basins of attraction)."""
    plt = _plt()
    tab = result.tables["capacity_summary"]
    fig, ax = plt.subplots(figsize=(6.5, 4.2), layout="constrained")
    axes = ("size", "rule", "temperature", "bias", "load")
    varying = [a for a in axes if len(np.unique(tab[a])) > 1]
    keys = (
        list(dict.fromkeys(zip(*(tab[a].tolist() for a in varying), strict=True)))
        if varying
        else [()]
    )
    for key in keys:
        sel = np.ones(len(tab["load"]), dtype=bool)
        for a_, v in zip(varying, key, strict=True):
            sel &= tab[a_] == v
        x = tab["initial_overlap"][sel]
        o = np.argsort(x)
        label = ", ".join(
            f"{a_} {v:g}" if not isinstance(v, str) else str(v)
            for a_, v in zip(varying, key, strict=True)
        )
        ax.errorbar(
            x[o],
            tab["fraction_retrieved"][sel][o],
            yerr=np.nan_to_num(tab["sem_fraction_retrieved"][sel][o]),
            marker="o",
            ms=3,
            capsize=2,
            label=label or "simulation",
        )
    ax.set_xlabel("initial overlap of the cue with its pattern")
    ax.set_ylabel(f"fraction retrieved (m >= {result.summary['retrieval_overlap']})")
    ax.legend(fontsize=7)
    ax.set_title(f"{result.scenario['name']}: basins of attraction")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_rules(result: Result, path: Path) -> Path:
    """Storage rules side by side: stability of the stored patterns and retrieval from noisy cues,
    each against load, with each rule's capacity (THEORY.md section 1)."""
    from memsim import theory

    plt = _plt()
    tab = result.tables["capacity_summary"]
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.6), layout="constrained")
    n = int(np.max(tab["size"]))
    kappa = float(result.scenario["model"].get("kappa", 0.0))
    lines = {
        "hebbian": theory.ags_critical_load()[0],
        "storkey": float(theory.storkey_capacity(n)) / n,
        "pseudoinverse": float(theory.pseudoinverse_capacity(n)) / n,
        "perceptron": float(theory.gardner_capacity(kappa)),
    }
    cols = ("fraction_exact", "fraction_retrieved")
    for i, rule in enumerate(dict.fromkeys(tab["rule"].tolist())):
        sel = (tab["rule"] == rule) & (tab["size"] == n)
        if rule == "pseudoinverse":
            sel &= tab["patterns"] < n  # P >= N: W is the identity, every state is fixed
        a = tab["load"][sel]
        o = np.argsort(a)
        for ax, col in zip(axes, cols, strict=True):
            ax.errorbar(
                a[o],
                tab[col][sel][o],
                yerr=np.nan_to_num(tab["sem_" + col][sel][o]),
                marker="o",
                ms=3,
                capsize=2,
                color=f"C{i}",
                label=rule,
            )
            if rule in lines and lines[rule] <= tab["load"].max() * 1.05:
                ax.axvline(
                    lines[rule],
                    color=f"C{i}",
                    ls=":",
                    lw=1.2,
                    label=f"{rule} capacity {lines[rule]:.3f}",
                )
    axes[0].set_ylabel("fraction of stored patterns that are exact fixed points")
    axes[1].set_ylabel(
        f"fraction retrieved from noisy cues (m >= {result.summary['retrieval_overlap']})"
    )
    for ax in axes:
        ax.set_xlabel("load alpha = P / N")
        ax.legend(fontsize=7)
    fig.suptitle(
        f"{result.scenario['name']}: storage rules at N = {n} (pseudo-inverse shown for P < N only)"
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_exact(result: Result, path: Path) -> Path:
    """Exactly stored patterns against the McEliece et al. (1987) capacities."""
    plt = _plt()
    tab = result.tables["capacity_summary"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
    for i, n in enumerate(np.unique(tab["size"])):
        sel = tab["size"] == n
        p = tab["patterns"][sel]
        o = np.argsort(p)
        axes[0].errorbar(
            p[o],
            tab["fraction_exact"][sel][o],
            yerr=np.nan_to_num(tab["sem_fraction_exact"][sel][o]),
            marker="o",
            ms=3,
            color=f"C{i}",
            label=f"N = {n}",
        )
        axes[1].plot(
            p[o], tab["fraction_all_exact"][sel][o], "o-", ms=3, color=f"C{i}", label=f"N = {n}"
        )
        axes[0].axvline(n / (2 * np.log(n)), color=f"C{i}", ls=":", lw=1.2)
        axes[1].axvline(n / (4 * np.log(n)), color=f"C{i}", ls=":", lw=1.2)
    axes[0].set_ylabel("fraction of stored patterns that are exact fixed points")
    axes[1].set_ylabel("fraction of trials where every pattern is exact")
    axes[0].set_title("dotted: N / (2 ln N) (McEliece et al. 1987)", fontsize=9)
    axes[1].set_title("dotted: N / (4 ln N) (McEliece et al. 1987)", fontsize=9)
    for ax in axes:
        ax.set_xlabel("stored patterns P")
        ax.legend(fontsize=7)
    fig.suptitle(f"{result.scenario['name']}: exactly stored patterns")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_low_activity(result: Result, path: Path) -> Path:
    """Critical load against pattern activity a with the 1/(2 a |ln a|) asymptote."""
    from memsim import theory

    plt = _plt()
    crit = result.tables.get("critical_loads")
    fig, ax = plt.subplots(figsize=(6.5, 4.2), layout="constrained")
    if crit is not None and len(crit["bias"]):
        a = (1 + crit["bias"]) / 2
        ax.errorbar(
            a,
            crit["critical_load"],
            yerr=np.nan_to_num(crit["sem_critical_load"]),
            fmt="o",
            capsize=3,
            label="simulation (covariance rule)",
        )
        grid = np.linspace(min(a.min(), 0.5) * 0.8, 0.5, 200)
        ax.plot(
            grid,
            theory.low_activity_capacity(grid),
            "k--",
            label="1 / (2 a |ln a|) (Tsodyks & Feigel'man 1988)",
        )
    else:
        ax.text(
            0.5,
            0.5,
            "no critical load found in the swept loads",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
    ax.set_xlabel("activity a (fraction of +1 bits)")
    ax.set_ylabel("critical load")
    if crit is not None and len(crit["bias"]):
        ax.set_yscale("log")
        ax.legend(fontsize=8)
    ax.set_title(f"{result.scenario['name']}: capacity of sparse patterns")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


PLOTTERS: dict[str, Callable[[Result, Path], Path]] = {
    "energy": plot_energy,
    "overlap": plot_overlap,
    "pictures": plot_pictures,
    "animation": plot_animation,
    "capacity": plot_capacity,
    "finite_size": plot_finite_size,
    "phase": plot_phase,
    "basins": plot_basins,
    "rules": plot_rules,
    "exact": plot_exact,
    "low_activity": plot_low_activity,
}

CAPACITY_PLOTS = ("capacity", "finite_size", "phase", "basins", "rules", "exact", "low_activity")
RECALL_PLOTS = ("energy", "overlap", "pictures", "animation")


def default_plots(result: Result) -> list[str]:
    """Every plot that applies to a result."""
    if result.command == "capacity":
        names = ["capacity"]
        if (
            "critical_loads" in result.tables
            and len(np.unique(result.tables["critical_loads"]["size"])) > 1
        ):
            names.append("finite_size")
        return names
    names = ["energy", "overlap"]
    if result.meta.get("picture_shape"):
        names.append("pictures")
        if "frames_trial0" in result.arrays:
            names.append("animation")
    return names


# ------------------------------------------------------------------ dilution and unlearning ----
# (appended as new functions; the lists above are extended here)


_EXTRA_CURVE_AXES = (*_CURVE_AXES, "dilution", "dreams")


def _extra_curves(tab: dict, axes=_EXTRA_CURVE_AXES):
    """Curves of a summary table with the dilution / dreams axes as well (the same curves and
    labels as the original ``_curves`` for tables without them)."""
    varying = [a for a in axes if a in tab and len(np.unique(tab[a])) > 1]
    keys = list(dict.fromkeys(zip(*(tab[a].tolist() for a in varying), strict=True))) or [()]
    names = {
        "size": "N",
        "temperature": "T",
        "bias": "bias",
        "flip": "flip",
        "dilution": "C",
        "dreams": "dreams",
        "rule": "",
    }
    for key in keys:
        sel = np.ones(len(tab["load"]), dtype=bool)
        parts = []
        for a, v in zip(varying, key, strict=True):
            sel &= tab[a] == v
            parts.append(f"{names[a]} = {v:g}" if names[a] and not isinstance(v, str) else str(v))
        yield (", ".join(parts) or "simulation"), sel


# the plots above split their curves with _curves (looked up when they run): split by the
# dilution and dreams axes too, so a sweep over them draws one curve per value
_curves = _extra_curves  # noqa: F811


def plot_dilution(result: Result, path: Path) -> Path | None:
    """Final overlap against alpha = P / C (connections per neuron) for a diluted network, with
    the Derrida-Gardner-Zippelius fixed point of m = erf(m / sqrt(2 alpha))
    (memsim.theory.diluted_retrieval_overlap), the exact finite-C map iterated
    (memsim.theory.diluted_finite_overlap) and the critical load 2 / pi."""
    from memsim.theory import diluted_capacity, diluted_finite_overlap, diluted_retrieval_overlap

    tab = result.tables["capacity_summary"]
    if "load_per_connection" not in tab:
        return None
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.5, 4.8), layout="constrained")
    a = np.asarray(tab["load_per_connection"], dtype=float)
    for i, (label, sel) in enumerate(_extra_curves(tab)):
        o = np.argsort(a[sel])
        ax.errorbar(
            a[sel][o],
            tab["mean_final_overlap"][sel][o],
            yerr=np.nan_to_num(tab["sem_mean_final_overlap"][sel][o]),
            fmt="o",
            ms=4,
            color=f"C{i}",
            label="simulation" if label == "simulation" else f"simulation, {label}",
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
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.02, 0.5))
    s = result.scenario
    n = sorted(set(tab["size"].tolist()))
    ax.set_title(
        f"{s['name']}: diluted {s['model'].get('dilution_kind', 'asymmetric')} network, "
        f"N = {', '.join(str(x) for x in n)}, {s['model']['dynamics']} dynamics",
        fontsize=9,
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_unlearning(result: Result, path: Path) -> Path | None:
    """Stability (fraction of stored patterns that are fixed points) and retrieval against load,
    a line per rule / number of dreams: the network before (0 dreams or Hebbian) and after
    unlearning (Hopfield, Feinstein & Palmer 1983), with the Hebbian capacity."""
    from memsim.theory import hebbian_capacity

    tab = result.tables["capacity_summary"]
    plt = _plt()
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10.5, 4.6), layout="constrained")
    for i, (label, sel) in enumerate(_extra_curves(tab)):
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
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    ax0.set_ylabel("stored patterns that are fixed points")
    ax0.set_title("stability", fontsize=9)
    ax1.set_ylabel(f"cues retrieved (m >= {result.summary['retrieval_overlap']})")
    ax1.set_title(
        f"retrieval from cues with {result.scenario['cue']['flip']:.0%} of bits flipped", fontsize=9
    )
    m = result.scenario["model"]
    fig.suptitle(
        f"{result.scenario['name']}: before and after unlearning (epsilon = {m['epsilon']:g}, "
        f"N = {', '.join(str(x) for x in sorted(set(tab['size'].tolist())))})",
        fontsize=9,
    )
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


PLOTTERS.update({"dilution": plot_dilution, "unlearning": plot_unlearning})
CAPACITY_PLOTS = (*CAPACITY_PLOTS, "dilution", "unlearning")
_default_plots_without_dilution = default_plots


def default_plots(result: Result) -> list[str]:  # noqa: F811
    """Every plot that applies, with the dilution / unlearning plots when those are swept."""
    names = _default_plots_without_dilution(result)
    if result.command == "capacity":
        tab = result.tables.get("capacity_summary", {})
        if "load_per_connection" in tab:
            names.append("dilution")
        if "dreams" in tab:
            names.append("unlearning")
    return names
