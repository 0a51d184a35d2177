"""The Python API a newcomer reads: help(memsim), patterns that store() accepts, overlaps filled
in when the cued patterns are known, Result.to_pandas and Result.save."""

from __future__ import annotations

import pydoc

import numpy as np
import pytest

import memsim
from memsim.errors import MemsimError


def test_help_lists_the_model_modules():
    text = pydoc.render_doc(memsim, renderer=pydoc.plaintext)
    for name in (
        "memsim.hopfield",
        "memsim.attention",
        "memsim.ntm",
        "memsim.kv",
        "memsim.patterns",
        "memsim.theory",
    ):
        assert name in text, name
    assert memsim.hopfield.store is not None and memsim.kv.read is not None
    assert "ntm" in dir(memsim)
    with pytest.raises(AttributeError):
        _ = memsim.not_a_module


def test_letters_go_straight_into_store_and_corrupt():
    from memsim.hopfield import recall, store
    from memsim.patterns import corrupt, letters

    X, shape = letters("HELP")
    assert shape == (14, 10) and X.shape == (4, 140)
    W = store(letters("HELP"))  # the (patterns, shape) pair converts to its patterns
    np.testing.assert_array_equal(np.asarray(W), np.asarray(store(X)))
    a = corrupt(letters("HELP"), flip=0.1, seed=3)
    b = corrupt(X, flip=0.1, seed=3)
    np.testing.assert_array_equal(a, b)  # seed= makes cues reproducible
    assert recall(W, a).states.shape == (4, 140)


def test_recall_fills_the_overlap_from_the_stored_patterns():
    from memsim.hopfield import overlaps, recall, store
    from memsim.patterns import corrupt, random_patterns

    X = random_patterns(5, 200, seed=1)
    cues = corrupt(X, flip=0.1, seed=2)
    W = store(X)
    out = recall(W, cues, seed=0)
    assert out.overlap is not None
    # the first column is the overlap of each cue with the pattern it was made from
    np.testing.assert_allclose(out.overlap[:, 0], np.diag(overlaps(X, cues)))
    explicit = recall(W, cues, seed=0, targets=X)
    np.testing.assert_array_equal(out.overlap, explicit.overlap)
    assert recall(W, cues, seed=0, targets=False).overlap is None


def test_result_to_pandas_and_errors():
    res = memsim.run("scenarios/hebbian_random.yaml", overrides=["run.trials=1"])
    with pytest.raises(MemsimError, match="its tables: cues"):
        res.to_pandas("nope")
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(MemsimError, match="needs pandas"):
            res.to_pandas("cues")
    else:
        df = res.to_pandas("cues")
        assert list(df.columns) == list(res.tables["cues"])


def test_store_names_an_unknown_option_and_recall_gives_final_values():
    from memsim.hopfield import recall, store
    from memsim.patterns import corrupt, random_patterns

    X = random_patterns(4, 100, seed=5)
    with pytest.raises(MemsimError, match="unknown option 'foo'"):
        store(X, "hebbian", foo=1)
    with pytest.raises(MemsimError, match="'kappa'"):
        store(X, "storkey", kappa=1.0)
    out = recall(store(X), corrupt(X, flip=0.05, seed=6), seed=1)
    b = np.arange(4)
    np.testing.assert_array_equal(out.final_energy, out.energy[b, out.sweeps])
    np.testing.assert_array_equal(out.final_overlap, out.overlap[b, out.sweeps])
    assert np.isfinite(out.final_energy).all()


def test_result_plot_returns_figures_and_writes_pngs(tmp_path):
    import matplotlib.pyplot as plt

    res = memsim.run("scenarios/modern_letters.yaml", overrides=["run.trials=1"])
    figs = res.plot(plots=["energy", "pictures"])
    assert len(figs) == 2 and all(f.axes for f in figs)
    for f in figs:
        plt.close(f)
    assert not list(tmp_path.iterdir())
    figs = res.plot(tmp_path / "p")
    names = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert "animation.gif" in names and "energy.png" in names  # modern letters animate too
    assert len(figs) == len([n for n in names if n.endswith(".png")])
    for f in figs:
        plt.close(f)
    with pytest.raises(MemsimError, match="'nope' is not a plot"):
        res.plot(plots=["nope"])
    frames = res.arrays["frames_trial0"]
    assert frames.shape[0] == 12 and frames.shape[2] == 140
    np.testing.assert_array_equal(frames[:, 0], res.arrays["cues"][:12])


@pytest.mark.parametrize("scenario", ["bam_pairs", "sequence_letters", "willshaw_recall"])
def test_result_plot_returns_the_figures_of_every_kind(scenario):
    """The newer kinds draw through memsim.plotting.style too, so Result.plot hands back their
    figures instead of closing them."""
    import matplotlib.pyplot as plt

    res = memsim.run(f"scenarios/{scenario}.yaml", overrides=["run.trials=1"])
    figs = res.plot()
    assert figs and all(f.axes for f in figs)
    for f in figs:
        plt.close(f)
