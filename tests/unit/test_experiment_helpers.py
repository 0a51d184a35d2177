"""The helpers the runners and studies share (memsim.experiments.tables, .common and
.studies._common), each against a plain reference written here."""

from __future__ import annotations

import inspect
import itertools

import numpy as np
import pytest
import scipy.stats

from memsim.errors import MemsimError
from memsim.experiments.common import stream_key
from memsim.experiments.studies._common import bisect_largest, fill_doc, grid_points
from memsim.experiments.tables import Columns, concat, from_rows, groups, sem


def test_groups_follow_first_appearance_and_select_their_rows():
    rng = np.random.default_rng(3)
    table = {
        "a": rng.integers(0, 3, 40),
        "b": rng.choice(np.array(["x", "y"]), 40),
        "v": rng.random(40),
    }
    got = list(groups(table, ("a", "b")))
    seen = []
    for a, b in zip(table["a"].tolist(), table["b"].tolist(), strict=True):
        if (a, b) not in seen:
            seen.append((a, b))
    assert [c for c, _ in got] == seen
    for (a, b), sel in got:
        ref = np.array([x == a and y == b for x, y in zip(table["a"], table["b"], strict=True)])
        assert np.array_equal(sel, ref)
    given = list(groups(table, ("a",), [(2,), (7,)]))
    assert [c for c, _ in given] == [(2,), (7,)] and not given[1][1].any()


def test_sem_is_the_standard_error_of_the_mean():
    x = np.random.default_rng(0).normal(size=17)
    assert sem(x) == pytest.approx(scipy.stats.sem(x), rel=1e-12)
    assert np.isnan(sem(x[:1])) and sem(x[:1], single=0.0) == 0.0


def test_columns_keep_their_order_and_values():
    c = Columns("t", "v")
    c.add(v=0.5, t=1)
    c.extend(t=[2, 3], v=[1.5, 2.5])
    out = c.arrays()
    assert list(out) == ["t", "v"]
    assert out["t"].tolist() == [1, 2, 3] and out["v"].tolist() == [0.5, 1.5, 2.5]
    assert c.arrays(dtype=float)["t"].dtype == np.float64
    rows = [{"t": 1, "v": 2.0}, {"t": 3, "v": 4.0}]
    assert {k: v.tolist() for k, v in from_rows(rows, ["v", "t"]).items()} == {
        "v": [2.0, 4.0],
        "t": [1, 3],
    }
    both = concat([from_rows(rows, ["t"]), from_rows(rows[:1], ["t"])])
    assert both["t"].tolist() == [1, 3, 1]


def test_stream_keys_are_distinct_non_negative_integers():
    values = [0.0, 1e-6, -1e-6, 0.5, -0.5, 1.0, 2.25]
    keys = [stream_key(v) for v in values]
    assert all(isinstance(k, int) and k >= 0 for k in keys)
    assert len(set(keys)) == len(values)


@pytest.mark.parametrize("answer", [0, 1, 2, 7, 63, 64, 100])
def test_bisection_finds_the_largest_passing_value(answer):
    calls = []

    def ok(k):
        calls.append(k)
        return k <= answer

    hi = 128
    lo = 0 if answer == 0 else 1
    assert bisect_largest(ok, lo, hi) == answer
    assert len(calls) <= 8  # log2(128) evaluations


def test_grid_points_are_the_product_with_the_fixed_parameters():
    grid = {"a": [1, 2], "b": ["x", "y", "z"]}
    pts = grid_points(grid, {"c": 0}, lambda k, v: None, lambda b: "both")
    ref = [{"c": 0, "a": a, "b": b} for a, b in itertools.product([1, 2], ["x", "y", "z"])]
    assert pts == ref
    with pytest.raises(MemsimError, match="grid must be a mapping"):
        grid_points([1], {}, lambda k, v: None, lambda b: "both")
    with pytest.raises(MemsimError, match=r"^both \['a'\]$"):
        grid_points(grid, {"a": 1}, lambda k, v: None, lambda b: f"both {b}")
    with pytest.raises(MemsimError, match="bad b"):
        grid_points(grid, {}, lambda k, v: f"bad {k}" if k == "b" else None, lambda b: "")


def test_fill_doc_indents_a_shared_section_like_its_placeholder():
    @fill_doc(entry="x : int\n    The x.\n\n    More.", unused="never shown")
    def f(x):
        """Summary.

        Parameters
        ----------
        {entry}
        """

    want = "Summary.\n\nParameters\n----------\nx : int\n    The x.\n\n    More."
    assert inspect.getdoc(f) == want
