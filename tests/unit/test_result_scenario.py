"""A Result keeps the typed, frozen Scenario (issue 16): plots read typed fields; a dict (a
plugin's runner, results.json) is validated into a Scenario when the Result is made; dict-style
reading still works with a DeprecationWarning; the CSV writer gives the documented format."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from pydantic import ValidationError

from memsim.errors import MemsimError
from memsim.results import Result, load, save, write_csv
from memsim.scenario.schema import Scenario

SC = {"name": "typed", "model": {"kind": "hopfield"}, "patterns": {"source": "random"}}


def _result(scenario):
    return Result("recall", "hopfield", scenario, {"m": 1.0}, {"t": {"x": np.arange(3)}}, {}, {})


def test_dict_is_validated_into_a_frozen_scenario():
    r = _result(SC)
    assert isinstance(r.scenario, Scenario)
    assert r.scenario.name == "typed" and r.scenario.model.kind == "hopfield"
    with pytest.raises(ValidationError):  # frozen: nothing is changed after the Result is made
        r.scenario.name = "other"


def test_bad_scenario_dict_is_a_memsim_error():
    with pytest.raises(MemsimError, match="does not validate"):
        _result({"model": {"kind": "no_such_kind"}})


def test_dict_style_reading_warns_and_gives_plain_data():
    r = _result(SC)
    with pytest.warns(DeprecationWarning, match="use scenario.model"):
        m = r.scenario["model"]
    assert isinstance(m, dict) and m["kind"] == "hopfield"
    with pytest.warns(DeprecationWarning):
        assert r.scenario.get("name") == "typed"
    assert r.scenario.get("no_such_field", 5) == 5


def test_save_and_load_keep_the_typed_scenario(tmp_path):
    r = _result(SC)
    save(r, tmp_path / "out")
    back = load(tmp_path / "out")
    assert isinstance(back.scenario, Scenario)
    assert back.scenario == r.scenario


def test_csv_cells(tmp_path):
    cols = {
        "i": np.array([1, -2, 3], dtype=np.int64),
        "f": np.array([0.1, math.nan, 1 / 3]),
        "b": np.array([True, False, True]),
        "s": np.array(["a", "b,c", 'q"']),
    }
    write_csv(tmp_path / "t.csv", cols)
    with open(tmp_path / "t.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["i", "f", "b", "s"],
        ["1", "0.1", "true", "a"],
        ["-2", "", "false", "b,c"],
        ["3", format(1 / 3, ".12g"), "true", 'q"'],
    ]
