"""The checks that several model kinds share (memsim/scenario/fields.py and the cross-check
steps of memsim/scenario/load.py) give each kind the documented error: the field path and the
wording of the scenario format, whichever kind uses them."""

from __future__ import annotations

import pytest

from memsim.errors import ScenarioError
from memsim.scenario import validate
from memsim.scenario.kinds.attention import (
    Entmax15Spec,
    EntmaxBisectSpec,
    HardSpec,
    SoftmaxSpec,
    SparsemaxSpec,
    TopkSpec,
)

RANDOM = {"source": "random", "count": 5, "size": 60}


def _error(data: dict) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        validate(data)
    return info.value


def _scenario(kind: str, capacity: dict | None = None, **model) -> dict:
    data: dict = {"name": "t", "model": {"kind": kind, **model}}
    if kind in ("hopfield", "dense", "modern", "sequence", "continuous", "bam"):
        data["patterns"] = dict(RANDOM)
    if capacity is not None:
        data["capacity"] = capacity
    return data


@pytest.mark.parametrize(
    ("kind", "capacity", "field"),
    [
        ("dense", {"sizes": []}, "capacity.sizes"),
        ("dense", {"sizes": [20], "degrees": []}, "capacity.degrees"),
        ("sequence", {"loads": []}, "capacity.loads"),
        ("continuous", {"gains": []}, "capacity.gains"),
        ("bam", {"pairs": []}, "capacity.pairs"),
        ("sdm", {"items": []}, "capacity.items"),
    ],
)
def test_empty_list(kind, capacity, field):
    err = _error(_scenario(kind, capacity))
    assert err.field == field
    assert err.message.startswith("give at least one value (got [])")


@pytest.mark.parametrize(
    ("kind", "capacity", "field"),
    [
        ("hopfield", {"loads": [0.1], "rules": []}, "capacity.rules"),
        ("hopfield", {"loads": [0.1], "dreams": []}, "capacity.dreams"),
        ("kv", {"study": "slots", "values": []}, "capacity.values"),
        ("ntm", {"lengths": [5], "gammas": []}, "capacity.gammas"),
    ],
)
def test_empty_axis_may_be_left_out(kind, capacity, field):
    model = {"task": "copy"} if kind == "ntm" else {}
    err = _error(_scenario(kind, capacity, **model))
    assert err.field == field
    assert err.message.startswith("give at least one value (or leave the field out)")


@pytest.mark.parametrize(
    ("kind", "capacity", "field", "message"),
    [
        ("hopfield", {"loads": []}, "capacity.loads", "give at least one load"),
        (
            "hopfield",
            {"loads": {"start": 0.2, "stop": 0.1, "num": 3}},
            "capacity.loads",
            "stop must be >= start",
        ),
        ("willshaw", {"memories": []}, "capacity.memories", "give at least one number of memories"),
        (
            "willshaw",
            {"memories": {"start": 50, "stop": 10, "num": 3}},
            "capacity.memories",
            "stop must be >= start",
        ),
    ],
)
def test_list_or_range(kind, capacity, field, message):
    err = _error(_scenario(kind, capacity))
    assert err.field == field
    assert err.message.startswith(message)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (_scenario("hopfield", {"loads": [0.1], "cues_per_trial": 0}), "capacity.cues_per_trial"),
        (_scenario("willshaw", cues=0), "model.cues"),
        (_scenario("sdm", cues=-2), "model.cues"),
    ],
)
def test_count_or_all(data, field):
    err = _error(data)
    assert err.field == field
    assert err.message.startswith("must be >= 1 or 'all'")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {
                "name": "t",
                "model": {"kind": "hopfield"},
                "patterns": {"source": "file", "path": "p.txt"},
            },
            "patterns.path",
        ),
        (_scenario("attention", keys={"source": "file", "path": "k.json"}), "model.keys.path"),
        (_scenario("attention", values={"source": "file", "path": "v"}), "model.values.path"),
    ],
)
def test_array_files_are_npy_or_csv(data, field):
    err = _error(data)
    assert err.field == field
    assert err.message.startswith("must be a .npy or .csv file")


def test_array_file_suffix_any_case_passes_the_schema(tmp_path):
    """.NPY is a .npy file: the suffix check is case-blind (the file itself is read later)."""
    import numpy as np

    np.save(tmp_path / "k.npy", np.eye(3))
    (tmp_path / "K.NPY").write_bytes((tmp_path / "k.npy").read_bytes())
    sc = validate(
        _scenario("attention", keys={"source": "file", "path": "K.NPY"}), base_dir=tmp_path
    )
    assert sc.model.keys.path == "K.NPY"


def test_bam_cue_index_names_pairs():
    data = _scenario("bam")
    data["cue"] = {"pattern": [1, 7]}
    err = _error(data)
    assert err.field == "cue.pattern"
    assert (
        err.message == "pair index 7 does not exist: there are 5 pairs (allowed 0 to 4, or 'all')"
    )


def test_pattern_kind_cue_index_names_patterns():
    data = _scenario("dense")
    data["cue"] = {"pattern": 5}
    err = _error(data)
    assert err.field == "cue.pattern"
    assert err.message == (
        "pattern index 5 does not exist: there are 5 patterns (allowed 0 to 4, or 'all')"
    )


@pytest.mark.parametrize(
    ("kind", "cue", "field", "tail"),
    [
        ("willshaw", {"flip": 0.1, "mask": 0.2}, "cue.flip", " (flips and masks of +-1 patterns)"),
        ("sdm", {"flip": 0.1, "mask": 0.2}, "cue.mask", ": its cues are the stored addresses"),
        ("sdm", {"clamp": "unmasked"}, "cue.clamp", ": its cues are the stored addresses"),
    ],
)
def test_kinds_with_their_own_cues_refuse_cue_fields(kind, cue, field, tail):
    data = _scenario(kind)
    data["cue"] = cue
    err = _error(data)
    assert err.field == field
    assert err.message.startswith(f"model kind '{kind}' does not use {field}{tail}")


def test_sdm_takes_cue_flip():
    data = _scenario("sdm", address_bits=32, locations=100, radius=12, items=10)
    data["cue"] = {"flip": 0.1}
    assert validate(data).cue.flip == 0.1


@pytest.mark.parametrize(
    ("spec", "options", "label"),
    [
        (SoftmaxSpec(kind="softmax", temperature=0.5), {"temperature": 0.5}, "softmax T=0.5"),
        (SparsemaxSpec(kind="sparsemax"), {}, "sparsemax"),
        (Entmax15Spec(kind="entmax15", label="e15"), {}, "e15"),
        (EntmaxBisectSpec(kind="entmax_bisect", alpha=1.25), {"alpha": 1.25}, "entmax alpha=1.25"),
        (HardSpec(kind="hard"), {}, "hard"),
        (TopkSpec(kind="topk", k=4), {"k": 4, "temperature": 1.0}, "top-4"),
        (TopkSpec(kind="topk", k=2, temperature=0.5), {"k": 2, "temperature": 0.5}, "top-2 T=0.5"),
    ],
)
def test_normaliser_spec_options_and_label(spec, options, label):
    assert spec.options() == options
    assert spec.display() == label


@pytest.mark.parametrize(
    ("model", "kind", "options"),
    [
        ({"normaliser": "softmax", "temperature": 0.3}, "softmax", {"temperature": 0.3}),
        ({"normaliser": "topk", "k": 5, "temperature": 2.0}, "topk", {"k": 5, "temperature": 2.0}),
        ({"normaliser": "entmax_bisect", "alpha": 1.7}, "entmax_bisect", {"alpha": 1.7}),
        ({"normaliser": "sparsemax"}, "sparsemax", {}),
    ],
)
def test_attention_main_spec_takes_only_its_normalisers_options(model, kind, options):
    spec = validate(_scenario("attention", **model)).model.main_spec()
    assert spec.kind == kind
    assert spec.options() == options


def test_builtin_kind_is_declared_in_its_own_module(monkeypatch):
    """A built-in KIND found in one module but naming another as its schema is refused (the
    schema, runners and plots modules of a built-in kind follow from its name)."""
    import pkgutil
    import sys
    import types

    from memsim import registry
    from memsim.scenario import kinds as pkg

    fake = types.ModuleType("memsim.scenario.kinds.zz_copy")
    fake.KIND = pkg.builtin(name="hopfield", order=99, description="a copy")
    monkeypatch.setitem(sys.modules, fake.__name__, fake)
    real = pkgutil.iter_modules
    monkeypatch.setattr(
        registry.pkgutil,
        "iter_modules",
        lambda path: [*real(path), pkgutil.ModuleInfo(None, "zz_copy", False)],
    )
    with pytest.raises(registry.KindError, match="not the module that declares it"):
        registry._builtin()


def test_builtin_declares_the_three_modules_of_the_kind():
    from memsim.registry import kinds

    for name, kind in kinds().items():
        if kind.schema.startswith("memsim."):
            assert kind.schema == f"memsim.scenario.kinds.{name}"
            assert kind.runners == f"memsim.experiments.{name}"
            assert kind.plots == f"memsim.plotting.{name}"
