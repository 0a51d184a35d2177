"""Image tests of the plots of every model kind, drawn from shrunk shipped scenarios.

Each plot a shipped scenario draws must have a title naming the scenario, labelled axes, no
label-like texts (titles, axis labels, tick labels, legends, colour-bar labels) overlapping each
other or sticking out of the canvas, and no legend hiding data points. The figures are caught
before they are saved (``style.save`` is replaced), so no PNG is written except for the GIF test.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import memsim
from memsim.plotting import allowed_plots, kind_module, style

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

#: (scenario, command, overrides): one or more shipped scenarios per kind and command, shrunk
CASES = [
    ("hebbian_letters", "recall", ["run.trials=1"]),
    ("hebbian_random", "recall", ["run.trials=1", "patterns.size=200"]),
    (
        "rules_compare",
        "capacity",
        [
            "run.trials=1",
            "patterns.size=60",
            "capacity.cues_per_trial=4",
            "capacity.loads=[0.1,0.5,1.2]",
        ],
    ),  # fmt: skip
    (
        "low_activity",
        "capacity",
        [
            "run.trials=1",
            "patterns.size=100",
            "capacity.cues_per_trial=4",
            "capacity.loads=[0.1,0.3,1.0]",
            "capacity.biases=[-0.8,0.0]",
        ],
    ),  # fmt: skip
    (
        "hebbian_ags",
        "capacity",
        [
            "run.trials=1",
            "capacity.sizes=[100,200]",
            "capacity.cues_per_trial=4",
            "capacity.loads=[0.1,0.14,0.18]",
        ],
    ),  # fmt: skip
    ("dense_letters", "recall", ["run.trials=1"]),
    ("dense_capacity", "capacity", ["run.trials=1", "capacity.sizes=[20,30]"]),
    ("modern_letters", "recall", ["run.trials=1"]),
    ("modern_beta_sweep", "capacity", ["run.trials=1"]),
    ("ntm_repeat_copy", "recall", ["run.trials=1"]),
    ("ntm_priority_sort", "recall", ["run.trials=1"]),
    ("kv_stories", "recall", ["run.trials=1"]),
    ("kv_hops", "capacity", ["run.trials=1"]),
    ("kv_normalisers", "capacity", ["run.trials=1"]),
    (
        "attention_normalisers",
        "recall",
        ["run.trials=1", "model.keys.count=20", "model.queries.count=8"],
    ),
]


@pytest.fixture(scope="module")
def results():
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, command, ov in CASES:
            out[name] = memsim.run(str(SCENARIOS / f"{name}.yaml"), command, ov)
    return out


@pytest.fixture
def caught(monkeypatch):
    """Figures handed to style.save, finished but neither saved nor closed."""
    figs = []

    def fake_save(fig, path, dpi=style.DPI):
        style.finish(fig)
        figs.append(fig)
        return Path(path)

    monkeypatch.setattr(style, "save", fake_save)
    yield figs
    for f in figs:
        style.plt_module().close(f)


def _plots_of(result) -> list[str]:
    mod = kind_module(result.kind)
    listed = list(result.scenario.output.plots or [])
    names = list(dict.fromkeys(list(mod.default_plots(result)) + listed))
    return [
        n for n in names if n in allowed_plots(result.kind, result.command) and n != "animation"
    ]


def _axis_problems(fig) -> list[str]:
    """Drawn axes with tick labels but no axis label (shared axes: one label per row/column)."""
    fig.canvas.draw()
    bad = []
    for i, ax in enumerate(fig.axes):
        if not ax.axison or not ax.get_visible():
            continue
        for nm, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            if not axis.get_visible():
                continue
            ticks = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
            if ticks and not axis.label.get_text():
                shared = ax.get_shared_x_axes() if nm == "x" else ax.get_shared_y_axes()
                siblings = shared.get_siblings(ax)
                labelled = any(
                    (s.xaxis if nm == "x" else s.yaxis).label.get_text() for s in siblings
                )
                if not labelled:
                    bad.append(f"ax{i}: {nm} axis has tick labels but no label")
    return bad


def _titles(fig) -> list[str]:
    ts = [fig._suptitle.get_text()] if fig._suptitle is not None else []
    ts += [ax.get_title() for ax in fig.axes]
    return [t for t in ts if t]


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_plots_are_readable(results, caught, tmp_path, name):
    result = results[name]
    names = _plots_of(result)
    assert names
    mod = kind_module(result.kind)
    for plot in names:
        for f in caught:
            style.plt_module().close(f)
        caught.clear()
        mod.PLOTTERS[plot](result, tmp_path / f"{plot}.png")
        for fig in caught:
            where = f"{name}/{plot}"
            assert any(result.scenario.name in t for t in _titles(fig)), f"{where}: no title"
            assert not style.overlapping_texts(fig), f"{where}: {style.overlapping_texts(fig)}"
            assert not style.outside_figure(fig), f"{where}: {style.outside_figure(fig)}"
            assert not style.legend_covers_data(fig), f"{where}: {style.legend_covers_data(fig)}"
            assert not _axis_problems(fig), f"{where}: {_axis_problems(fig)}"
            for ax in fig.axes:
                if ax.get_label() == "<colorbar>":
                    cb_label = ax.get_ylabel() or ax.get_xlabel()
                    assert cb_label, f"{where}: colour bar without a label"


def test_partial_picture_grid_says_so(results, caught, tmp_path, monkeypatch):
    from memsim.plotting import pictures

    monkeypatch.setattr(pictures, "MAX_CUES", 3)
    kind_module("dense").PLOTTERS["pictures"](results["dense_letters"], tmp_path / "p.png")
    assert "showing 3 of 12 cues" in caught[0]._suptitle.get_text()


def test_animation_has_every_cue_and_a_frame_per_sweep(results, tmp_path):
    from PIL import Image

    r = results["hebbian_letters"]
    out = kind_module("hopfield").PLOTTERS["animation"](r, tmp_path / "animation.png")
    assert out is not None and Path(out).suffix == ".gif"
    frames = r.arrays["frames_trial0"]
    assert frames.shape[0] == int(np.sum(r.tables["cues"]["trial"] == 0))
    with Image.open(out) as im:
        assert im.n_frames == frames.shape[1]


def test_sequences_use_a_sequential_bit_map(results, caught, tmp_path):
    r = results["ntm_repeat_copy"]
    kind_module("ntm").PLOTTERS["sequences"](r, tmp_path / "s.png")
    fig = caught[0]
    images = [im for ax in fig.axes for im in ax.get_images()]
    assert images and all(im.get_cmap().name.startswith(style.CMAP_BITS) for im in images)
    assert all(im.get_clim() == (0, 1) for im in images)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "delimiter" in ticks and "repeats" in ticks


def test_log_axes_have_plain_tick_labels(results, caught, tmp_path):
    kind_module("dense").PLOTTERS["capacity"](results["dense_capacity"], tmp_path / "c.png")
    fig = caught[0]
    fig.canvas.draw()
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels(which="both") if t.get_text()]
    assert labels and not any("times" in t or "×" in t for t in labels), labels


def test_glauber_phase_solves_the_boundary_once(caught, tmp_path, monkeypatch):
    """Plotting phase twice solves the AGS line at most once (cached in memsim.theory)."""
    from memsim import theory

    res = memsim.run(
        str(SCENARIOS / "glauber_phase.yaml"),
        "capacity",
        ["run.trials=1", "patterns.size=40", "capacity.cues_per_trial=2",
         "capacity.loads=[0.05,0.1]", "capacity.temperatures=[0.0,0.5]"],
    )  # fmt: skip
    calls = []
    real = theory._solve_retrieval_line

    def counting(*a, **k):
        calls.append(a)
        return real(*a, **k)

    monkeypatch.setattr(theory, "_solve_retrieval_line", counting)
    theory._retrieval_line.cache_clear()
    slow = []
    monkeypatch.setattr(theory, "ags_retrieval_boundary", lambda *a: slow.append(a))
    plot = kind_module("hopfield").PLOTTERS["phase"]
    plot(res, tmp_path / "phase.png")
    plot(res, tmp_path / "phase2.png")
    assert len(calls) <= 1
    assert not slow
