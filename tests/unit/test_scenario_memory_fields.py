"""Which field a refused (too large) run names: the capacity sweep's field when the scenario
has a capacity section that sets the size, the model's or the patterns' field otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

import memsim.scenario.load as load
from memsim.errors import ScenarioError

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def tiny_memory(monkeypatch):
    monkeypatch.setattr(load, "_available_memory", lambda: 1000)


@pytest.mark.parametrize(
    "name,overrides,field",
    [
        ("willshaw_recall", [], "model.memories"),
        ("willshaw_capacity", [], "capacity.memories"),
        ("sdm_recall", [], "model.locations"),
        ("sdm_capacity", [], "model.locations"),
        ("bam_capacity", [], "capacity.pairs"),
        ("sequence_capacity", [], "capacity.sizes"),
        ("dense_capacity", [], "capacity.sizes"),
        ("modern_capacity", [], "capacity.dims"),
        # a beta sweep draws nothing larger: the patterns' field is named (letters: scale)
        ("modern_beta_sweep", [], "patterns.scale"),
    ],
)
def test_refused_run_names_the_field_that_sets_its_size(tiny_memory, name, overrides, field):
    with pytest.raises(ScenarioError) as err:
        load.load_scenario(SCENARIOS / f"{name}.yaml", overrides=overrides)
    assert err.value.field == field
    assert "would need about" in str(err.value)


def test_kinds_drawing_their_own_items_refuse_unused_cue_fields():
    with pytest.raises(ScenarioError) as err:
        load.load_scenario(SCENARIOS / "willshaw_recall.yaml", overrides=["cue.flip=0.1"])
    assert err.value.field == "cue.flip"
    with pytest.raises(ScenarioError) as err:
        load.load_scenario(SCENARIOS / "sdm_recall.yaml", overrides=["cue.mask=0.1"])
    assert err.value.field == "cue.mask"
    load.load_scenario(SCENARIOS / "sdm_recall.yaml", overrides=["cue.flip=0.2"])
