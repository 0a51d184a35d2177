"""Pictures of 2-D patterns shared by the hopfield, dense and modern plots: the stored / cue /
final grid and the animated GIF of recall (states per sweep or step beside the energy)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from memsim.plotting import style
from memsim.results import Result

#: at most this many cues in a picture grid or an animation
MAX_CUES = 12


def first_trial_rows(result: Result) -> np.ndarray:
    """Rows of the cues table that belong to the first trial."""
    c = result.tables["cues"]
    return np.flatnonzero(c["trial"] == c["trial"][0])


def pattern_name(result: Result, p: int) -> str:
    """A stored pattern's name: its letter for letter patterns, its class for digits, else
    ``#p``."""
    src = result.scenario.patterns
    letters = getattr(src, "letters", None)
    if isinstance(letters, str) and 0 <= p < len(letters):
        return f"'{letters[p]}'"
    classes, per_class = getattr(src, "digits", None), getattr(src, "per_class", None)
    if getattr(src, "source", None) == "digits" and isinstance(per_class, int) and classes:
        if 0 <= p < len(classes) * per_class:
            return f"'{classes[p // per_class]}'"
    return f"#{p}"


def picture_grid(
    result: Result, path: Path, columns: list[tuple[str, str]], overlap_cols=None
) -> Path:
    """One column per cue of the first trial, one row per (array name, row title): stored
    pattern, cue, final state... ``overlap_cols`` maps an array name to a cues-table column whose
    value is written under that picture. Says "showing k of n" when cues are left out."""
    shape = tuple(result.meta["picture_shape"])
    c = result.tables["cues"]
    rows_all = first_trial_rows(result)
    rows = rows_all[:MAX_CUES]
    n_cues, n_kinds = len(rows), len(columns)
    aspect = shape[1] / shape[0]
    w = max(4.0, 0.95 * aspect * 1.4 * n_cues + 1.2)
    h = 1.45 * n_kinds + 1.0
    fig, axes = style.subplots(n_kinds, n_cues, figsize=(w, h), squeeze=False)
    overlap_cols = overlap_cols or {}
    for j, row in enumerate(rows):
        pidx = int(c["pattern"][row])
        for i, (name, label) in enumerate(columns):
            img = result.arrays["stored"][pidx] if name == "stored" else result.arrays[name][row]
            ax = axes[i, j]
            ax.imshow(
                np.asarray(img, dtype=float).reshape(shape),
                cmap=style.CMAP_PIXELS,
                vmin=-1,
                vmax=1,
                interpolation="nearest",
            )
            style.no_ticks(ax)
            if j == 0:
                ax.set_ylabel(label)
            if i == 0:
                ax.set_title(pattern_name(result, pidx), fontsize=8)
            if name in overlap_cols:
                ax.set_xlabel(f"m={c[overlap_cols[name]][row]:.2f}", fontsize=7)
    part = style.showing(n_cues, len(rows_all), "cues")
    style.suptitle(
        fig,
        result,
        f"stored / cue / final for the cues of the first trial{' (' + part + ')' if part else ''}",
    )
    return style.save(fig, path)


def animate(result: Result, path: Path, step_label: str = "sweep") -> Path | None:
    """Animated GIF of the first trial: every cue's state after each sweep (or update step),
    one frame per sweep, beside the energy of every cue with the current sweep marked.

    Needs ``result.arrays["frames_trial0"]`` (cues x frames x N, states after each sweep of the
    first trial); returns None without it. First and last frames are held longer.
    """
    if "frames_trial0" not in result.arrays or not result.meta.get("picture_shape"):
        return None
    from PIL import Image

    path = Path(path).with_suffix(".gif")
    frames_all = np.asarray(result.arrays["frames_trial0"])
    shape = tuple(result.meta["picture_shape"])
    rows = first_trial_rows(result)[: frames_all.shape[0]]
    b_total = len(rows)
    b_count = min(b_total, MAX_CUES)
    frames = frames_all[:b_count]
    n_frames = frames.shape[1]
    energy = np.asarray(result.arrays["energy"], dtype=float)[rows[:b_count], :n_frames]
    overlap = result.arrays.get("overlap")
    if overlap is not None:
        overlap = np.asarray(overlap, dtype=float)[rows[:b_count], :n_frames]
    c = result.tables["cues"]
    ncol = min(b_count, 6)
    nrow = -(-b_count // ncol)
    aspect = shape[1] / shape[0]
    fig = style.figure(figsize=(1.25 * aspect * 1.4 * ncol + 4.6, 1.8 * nrow + 1.2))
    gs = fig.add_gridspec(nrow, ncol + 3)
    images, titles = [], []
    for b in range(b_count):
        ax = fig.add_subplot(gs[b // ncol, b % ncol])
        images.append(
            ax.imshow(
                frames[b, 0].reshape(shape),
                cmap=style.CMAP_PIXELS,
                vmin=-1,
                vmax=1,
                interpolation="nearest",
            )
        )
        style.no_ticks(ax)
        titles.append(
            ax.set_title(
                pattern_name(result, int(c["pattern"][rows[b]])),
                fontsize=7,
                color=style.cue_color(b, b_count),
            )
        )
    ax_e = fig.add_subplot(gs[:, ncol:])
    style.style_axes(ax_e)
    for b in range(b_count):
        k = np.flatnonzero(np.isfinite(energy[b]))
        ax_e.plot(k, energy[b, k], "-", lw=1, color=style.cue_color(b, b_count))
    now = ax_e.axvline(0, color="k", ls=":", lw=1)
    ax_e.set_xlabel(step_label)
    ax_e.set_ylabel(result.meta.get("energy_label", "energy"))
    style.integer_ticks(ax_e)
    ax_e.set_title("energy of each cue (dotted: now)", fontsize=8)
    part = style.showing(b_count, b_total, "cues")
    sup = fig.suptitle("", fontsize=style.RC["figure.titlesize"])
    style.finish(fig)

    pics = []
    for t in range(n_frames):
        for b in range(b_count):
            images[b].set_data(frames[b, t].reshape(shape))
            if overlap is not None and np.isfinite(overlap[b, min(t, overlap.shape[1] - 1)]):
                m = overlap[b, t]
                titles[b].set_text(f"{pattern_name(result, int(c['pattern'][rows[b]]))} m={m:.2f}")
        now.set_xdata([t, t])
        sup.set_text(
            f"{style.name(result)}: {step_label} {t} of {n_frames - 1}"
            + (f" ({part})" if part else "")
        )
        fig.canvas.draw()
        rgba = np.asarray(fig.canvas.buffer_rgba())
        pics.append(Image.fromarray(rgba[..., :3].copy()).convert("P", palette=Image.ADAPTIVE))
    durations = [700] * n_frames
    durations[0] = 1200
    durations[-1] = 2500
    pics[0].save(
        path, save_all=True, append_images=pics[1:], duration=durations, loop=0, optimize=False
    )
    style.plt_module().close(fig)
    return path
