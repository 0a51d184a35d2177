"""The helpers shared by the benchmark scripts (benchmarks/_common.py, _timing.py,
_references.py): the option parser, the timing loop, the side-by-side table, the CSV writer
read by the docs pages, the child-process runner and the plain-numpy references."""

from __future__ import annotations

import csv
import importlib
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import softmax as scipy_softmax

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    """The three helper modules, imported as the scripts import them (folder on sys.path)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(BENCH))
        mods = {m: importlib.import_module(m) for m in ("_timing", "_common", "_references")}
    return mods


def test_parser_types_flags_and_dashes(bench):
    ap = bench["_common"].bench_parser(
        "First line.\nMore text.",
        hash_queries=1000,
        temperature=0.1,
        peer=(None, "python with torch"),
        csv="out.csv",
        big=(False, "a flag"),
    )
    assert ap.description == "First line."
    d = ap.parse_args([])
    assert (d.hash_queries, d.temperature, d.peer, d.csv, d.big) == (
        1000,
        0.1,
        None,
        "out.csv",
        False,
    )
    a = ap.parse_args(["--hash-queries", "7", "--temperature", "2.5", "--peer", "py", "--big"])
    assert a.hash_queries == 7 and isinstance(a.hash_queries, int)
    assert a.temperature == 2.5 and isinstance(a.temperature, float)
    assert (a.peer, a.big) == ("py", True)
    assert "python with torch" in ap.format_help()
    with pytest.raises(SystemExit) as err:
        ap.parse_args(["--hash-queries", "seven"])
    assert err.value.code == 2


def test_interleaved_warmup_number_order_and_results(bench):
    calls = []

    def f():
        calls.append("f")
        return len(calls)

    def g():
        calls.append("g")
        return -len(calls)

    counts, outs = bench["_timing"].interleaved(
        [f, g], 3, warmup=2, number=2, reduce=len, result=True
    )
    assert counts == [3, 3]  # reduce sees one time per repeat
    assert calls == ["f", "f", "g", "g"] + ["f", "f", "g", "g"] * 3
    assert outs == [14, -16]  # each function's last value
    t, out = bench["_timing"].best_of(f, 4, warmup=1, result=True)
    assert t >= 0.0 and out == 16 + 1 + 4
    assert bench["_timing"].best_of(f, 5, reduce=len) == 5


def test_side_by_side_reuses_a_missing_reference(bench, capsys):
    n_ref = []
    cases = [
        ("first", lambda: n_ref.append(1), lambda: sum(range(100))),
        ("second", None, lambda: sum(range(100))),
        ("third", lambda: n_ref.append(3), lambda: sum(range(100))),
    ]
    rows = bench["_common"].side_by_side(cases, 2, "title line", ref="numpy RK4", width=8)
    assert n_ref == [1, 1, 3, 3]
    assert [r[0] for r in rows] == ["first", "second", "third"]
    assert rows[1][1] == rows[0][1]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "title line"
    assert lines[1].split() == ["case", "numpy", "RK4", "(ms)", "memsim", "(ms)", "speed-up"]
    assert [ln.split()[0] for ln in lines[2:5]] == ["first", "second", "third"]
    assert all(ln.endswith("x") for ln in lines[2:5])
    assert lines[5].startswith("memsim ") and "1-minute load average" in lines[5]


def test_write_csv_columns_formats_and_folder(bench, tmp_path):
    rows = [
        {"task": "a", "ms": 1234.5678, "n": 3, "extra": "dropped"},
        {"task": "b", "ms": 0.000123456, "n": 4},
        {"task": "c,d", "n": 5},
    ]
    out = bench["_common"].write_csv(
        tmp_path / "new" / "t.csv", rows, ["task", "n", "ms"], float_format=".4g"
    )
    assert out == tmp_path / "new" / "t.csv"
    with out.open(newline="") as fh:
        got = list(csv.reader(fh))
    assert got == [
        ["task", "n", "ms"],
        ["a", "3", "1235"],
        ["b", "4", "0.0001235"],
        ["c,d", "5", ""],
    ]
    plain = bench["_common"].write_csv(tmp_path / "p.csv", [{"x": 0.1, "y": "s"}])
    assert plain.read_text().splitlines() == ["x,y", "0.1,s"]


def test_run_in_child_result_and_error(bench):
    run = bench["_common"].run_in_child
    assert isinstance(run(sys.executable, "_common", "load_average"), float)
    err = run(sys.executable, "_common", "no_such_function")
    assert "AttributeError" in err["error"][-1]


def test_peak_bytes_sees_a_temporary_array(bench):
    peak = bench["_timing"].peak_bytes(lambda: np.ones(10**6).sum())
    assert peak >= 8 * 10**6


def test_references_softmax_against_scipy(bench):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((5, 7)) * 4
    ref = bench["_references"]
    np.testing.assert_allclose(ref.softmax(z), scipy_softmax(z, axis=1), rtol=1e-12)
    q, k, v = rng.standard_normal((3, 4)), rng.standard_normal((6, 4)), rng.standard_normal((6, 2))
    np.testing.assert_allclose(
        ref.softmax_read(q, k, v), scipy_softmax(q @ k.T, axis=1) @ v, rtol=1e-12
    )


def test_references_async_sweeps_fixed_point_and_order(bench):
    xi = np.array([[1, -1, 1, 1, -1, -1, 1, -1]], dtype=np.float64)
    W = xi.T @ xi
    np.fill_diagonal(W, 0.0)
    cues = np.repeat(xi, 2, axis=0)
    cues[0, 2] *= -1  # one flipped bit: one sweep repairs it, a second sees no change
    cues[1, :] *= -1  # the mirror image is a fixed point too
    sweeps = []

    def order():
        sweeps.append(1)
        return range(7, -1, -1)

    S = bench["_references"].async_sweeps(W, cues, 10, order=order)
    assert S is cues
    np.testing.assert_array_equal(S, [xi[0], -xi[0]])
    assert len(sweeps) == 2
    # max_sweeps bounds the work: one sweep only
    again = np.repeat(xi, 1, axis=0)
    again[0, 2] *= -1
    sweeps.clear()
    bench["_references"].async_sweeps(W, again, 1, order=order)
    assert len(sweeps) == 1
