"""The memsim command through Click's CliRunner: shipped scenarios, results folders, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from cli_tools import invoke, write
from click.testing import CliRunner
from memsim.cli.app import cli

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def _kind(path: Path) -> str:
    import yaml

    return yaml.safe_load(path.read_text())["model"]["kind"]


# each kind's own CLI tests (tests/cli/test_<kind>_cli.py) run its scenarios shrunk
HOPFIELD_SCENARIOS = [p for p in SCENARIOS if _kind(p) == "hopfield"]

GOOD = """\
model: {kind: hopfield, rule: hebbian, dynamics: async, max_sweeps: 20}
patterns: {source: random, count: 5, size: 60}
cue: {flip: 0.1}
run: {trials: 2, seed: 1}
"""


# -------------------------------------------------------------------------- happy paths ------
def test_help_lists_commands_and_options():
    r = invoke("--help")
    assert r.exit_code == 0
    for cmd in ("recall", "capacity", "validate"):
        assert cmd in r.output
    r = invoke("recall", "--help")
    for opt in ("--out", "--force", "--seed", "--threads", "--quiet", "--no-plots", "--set"):
        assert opt in r.output


def with_drawn_pictures(path: Path, tmp_path: Path) -> Path:
    """An image scenario reads pictures that scenarios/draw_pictures.py draws at run time (no
    image is shipped): draw them into tmp_path/pictures and validate a copy of the scenario
    there (the repository's scenarios/ folder is left alone)."""
    import runpy

    runpy.run_path(str(ROOT / "scenarios" / "draw_pictures.py"))["main"](tmp_path / "pictures")
    copy = tmp_path / path.name
    copy.write_text(path.read_text())
    return copy


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_validates(path, tmp_path):
    if "source: image" in path.read_text():
        path = with_drawn_pictures(path, tmp_path)
    r = invoke("validate", path)
    assert r.exit_code == 0, r.output
    assert "valid" in r.output


@pytest.mark.parametrize("path", HOPFIELD_SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_runs_small(path, tmp_path):
    """Each shipped scenario runs its command (sizes shrunk with --set to keep the suite fast)."""
    text = path.read_text()
    command = "capacity" if "\ncapacity:" in text else "recall"
    sets = ["--set", "run.trials=1"]
    if "source: random" in text:
        sets += ["--set", "patterns.size=80"]
        if command == "recall":
            sets += ["--set", "patterns.count=8"]
    if command == "capacity":
        sets += ["--set", "capacity.sizes=[80]", "--set", "capacity.loads=[0.05,0.2]"]
    r = invoke(command, path, "--out", tmp_path / "out", "--quiet", *sets)
    assert r.exit_code == 0, r.output
    doc = json.loads((tmp_path / "out" / "results.json").read_text())
    assert doc["command"] == command
    pngs = list((tmp_path / "out").glob("*.png"))
    assert pngs


def test_recall_writes_results_folder(tmp_path):
    scen = write(tmp_path, GOOD)
    out = tmp_path / "res"
    r = invoke("recall", scen, "--out", out)
    assert r.exit_code == 0, r.output
    assert "final overlap" in r.output
    doc = json.loads((out / "results.json").read_text())
    assert doc["scenario"]["model"]["max_sweeps"] == 20
    assert doc["meta"]["seed"] == 1
    assert "numpy" in doc["meta"]["versions"]
    assert {"cues.csv", "trace.csv", "arrays.npz", "energy.png", "overlap.png"} <= {
        p.name for p in out.iterdir()
    }
    header = (out / "cues.csv").read_text().splitlines()[0].split(",")
    assert {"trial", "cue", "final_overlap", "stop", "sweeps"} <= set(header)
    lines = (out / "cues.csv").read_text().splitlines()
    assert len(lines) == 1 + 2 * 5  # one row per trial and cue
    with np.load(out / "arrays.npz") as z:
        assert z["final_states"].shape == (10, 60)


def test_existing_results_not_overwritten_without_force(tmp_path):
    scen = write(tmp_path, GOOD)
    out = tmp_path / "res"
    assert invoke("recall", scen, "--out", out, "-q").exit_code == 0
    before = (out / "cues.csv").read_text()
    r = invoke("recall", scen, "--out", out, "--seed", "99", "-q")
    assert r.exit_code == 1
    assert "already exists" in r.output and "--force" in r.output
    assert (out / "cues.csv").read_text() == before
    r = invoke("recall", scen, "--out", out, "--seed", "99", "-q", "--force")
    assert r.exit_code == 0
    assert (out / "cues.csv").read_text() != before


def test_force_refuses_to_delete_foreign_folder(tmp_path):
    scen = write(tmp_path, GOOD)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    r = invoke("recall", scen, "--out", out, "--force", "-q")
    assert r.exit_code == 1
    assert "does not look like a memsim results folder" in r.output
    assert (out / "thesis.tex").read_text() == "precious"


def test_set_override_and_seed_reproducible(tmp_path):
    scen = write(tmp_path, GOOD)
    a, b = tmp_path / "a", tmp_path / "b"
    common = ("-q", "--set", "model.max_sweeps=3", "--seed", "5", "--threads")
    assert invoke("recall", scen, "--out", a, *common, "1").exit_code == 0
    assert invoke("recall", scen, "--out", b, *common, "2", "--no-plots").exit_code == 0
    assert (a / "cues.csv").read_text() == (b / "cues.csv").read_text()
    doc = json.loads((a / "results.json").read_text())
    assert doc["scenario"]["model"]["max_sweeps"] == 3
    assert doc["scenario"]["run"]["seed"] == 5
    assert not list(b.glob("*.png"))


def test_capacity_tables(tmp_path):
    scen = write(tmp_path, GOOD + "capacity: {loads: [0.05, 0.1], sizes: [50, 60]}\n")
    out = tmp_path / "cap"
    r = invoke("capacity", scen, "--out", out)
    assert r.exit_code == 0, r.output
    rows = (out / "capacity.csv").read_text().splitlines()
    assert len(rows) == 1 + 2 * 2 * 2  # sizes x loads x trials
    assert (out / "capacity_summary.csv").exists()
    assert (out / "capacity.png").exists()


def test_python_api_matches_cli(tmp_path):
    import memsim

    scen = write(tmp_path, GOOD)
    res = memsim.run(scen)
    out = tmp_path / "o"
    invoke("recall", scen, "--out", out, "-q", "--no-plots")
    from memsim.results import load

    back = load(out)
    np.testing.assert_allclose(
        back.tables["cues"]["final_overlap"], res.tables["cues"]["final_overlap"]
    )
    assert back.summary["mean_final_overlap"] == pytest.approx(res.summary["mean_final_overlap"])


# ---------------------------------------------------------------------------- bad input -------
BAD = [
    # (scenario text, extra args, message fragments)
    ("model: {kind: hopfield\npatterns: {source: random}", [], ["YAML syntax error", "line 2"]),
    (
        "model: {kind: hopfield}\nmodel: {kind: hopfield}\npatterns: {source: random}",
        [],
        ["defined twice"],
    ),
    (
        "model: {kind: hopfield, colour: red}\npatterns: {source: random}",
        [],
        ["model.colour", "unknown key", "allowed keys here: kind, rule"],
    ),
    (
        "model: {kind: hopfield}\npatterns: {source: random}\nrunn: {}",
        [],
        ["'runn'", "allowed keys here: name, description, model"],
    ),
    ("model: {kind: hopfeld}\npatterns: {source: random}", [], ["model.kind", "'hopfield'"]),
    (
        "model: {kind: hopfield, max_sweeps: many}\npatterns: {source: random}",
        [],
        ["model.max_sweeps", "valid integer"],
    ),
    (
        "model: {kind: hopfield, max_sweeps: 0}\npatterns: {source: random}",
        [],
        ["model.max_sweeps", "greater than or equal to 1"],
    ),
    (
        "model: {kind: hopfield, dynamics: parallel}\npatterns: {source: random}",
        [],
        ["model.dynamics", "'async'", "'sync'"],
    ),
    (
        "model: {kind: hopfield, rule: oja}\npatterns: {source: random}",
        [],
        ["model.rule", "'hebbian'", "'storkey'"],
    ),
    (
        "model: {kind: hopfield}\npatterns: {source: random, count: 0}",
        [],
        ["patterns.count", "greater than or equal to 1"],
    ),
    (
        "model: {kind: hopfield}\npatterns: {source: random, bias: 1.5}",
        [],
        ["patterns.bias", "less than 1"],
    ),
    (
        "model: {kind: hopfield}\npatterns: {source: pictures}",
        [],
        ["patterns.source", "'random', 'letters', 'file'"],
    ),
    (
        "model: {kind: hopfield}\npatterns: {source: letters, letters: 'A9'}",
        [],
        ["patterns.letters"],
    ),
    (
        "model: {kind: hopfield}\npatterns: {source: file, path: missing.npy}",
        [],
        ["patterns.path", "does not exist"],
    ),
    (
        "model: {kind: hopfield}\npatterns: {source: file, path: data.txt}",
        [],
        ["patterns.path", ".npy or .csv"],
    ),
    (
        "model: {kind: hopfield}\npatterns: {source: random}\ncue: {flip: 1.5}",
        [],
        ["cue.flip", "less than or equal to 1"],
    ),
    (
        "model: {kind: hopfield}\npatterns: {source: random, count: 4}\ncue: {pattern: 7}",
        [],
        ["cue.pattern", "does not exist", "0 to 3"],
    ),
    ("model: {kind: hopfield}\npatterns: {source: random}\nrun: {trials: -2}", [], ["run.trials"]),
    (
        "model: {kind: hopfield}\npatterns: {source: random}\noutput: {plots: [pictures]}",
        [],
        ["output.plots", "needs 2-D patterns"],
    ),
    (
        # Storkey weights are N x N (Hebbian ones are lazy: 10 x 2000000 patterns would fit)
        "model: {kind: hopfield, rule: storkey}\npatterns: {source: random, count: 10, "
        "size: 2000000}",
        [],
        ["GiB of memory", "patterns.size"],
    ),
    ("patterns: {source: random}", [], ["'model'", "missing"]),
    ("- just\n- a list", [], ["must be a mapping"]),
    ("", [], ["empty"]),
    (GOOD, ["--set", "model.max_sweeps=-4"], ["model.max_sweeps", "greater than or equal"]),
    (GOOD, ["--set", "model.nonsense=1"], ["model.nonsense", "unknown key"]),
    (GOOD, ["--set", "novalue"], ["field.path=value"]),
    (GOOD, ["--set", "run.seed.x=1"], ["is a value, not a section"]),
]


@pytest.mark.parametrize("text,extra,fragments", BAD)
def test_bad_scenarios_give_one_paragraph_errors(tmp_path, text, extra, fragments):
    (tmp_path / "data.txt").write_text("1,2\n")
    scen = write(tmp_path, text)
    r = invoke("recall", scen, "--out", tmp_path / "out", *extra)
    assert r.exit_code == 1, r.output
    flat = " ".join(r.output.split()).replace("│", "").replace("  ", " ")
    flat = " ".join(flat.split())
    assert "Traceback" not in r.output
    assert "s.yaml" in flat
    for frag in fragments:
        assert frag in flat, (frag, r.output)
    assert not (tmp_path / "out").exists()  # nothing written


def test_missing_scenario_file(tmp_path):
    r = invoke("recall", tmp_path / "nope.yaml")
    assert r.exit_code == 1
    assert "does not exist" in r.output and "Traceback" not in r.output


def test_capacity_without_section(tmp_path):
    scen = write(tmp_path, GOOD)
    r = invoke("capacity", scen, "--out", tmp_path / "o")
    assert r.exit_code == 1
    assert "needs a 'capacity' section" in " ".join(r.output.split())


def test_unreadable_pattern_file(tmp_path):
    (tmp_path / "bad.npy").write_bytes(b"not a numpy file")
    scen = write(tmp_path, "model: {kind: hopfield}\npatterns: {source: file, path: bad.npy}\n")
    r = invoke("validate", scen)
    assert r.exit_code == 1
    assert "could not be read" in " ".join(r.output.split())


def test_pattern_file_with_bad_values(tmp_path):
    np.save(tmp_path / "p.npy", np.array([[0.5, 1.0], [1.0, -1.0]]))
    scen = write(tmp_path, "model: {kind: hopfield}\npatterns: {source: file, path: p.npy}\n")
    r = invoke("validate", scen)
    assert r.exit_code == 1
    assert "-1/+1 or 0/1" in " ".join(r.output.split())


def test_pattern_file_csv_runs(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, size=(3, 16))
    np.savetxt(tmp_path / "p.csv", x, fmt="%d", delimiter=",")
    scen = write(
        tmp_path,
        "model: {kind: hopfield}\npatterns: {source: file, path: p.csv, shape: [4, 4]}\n",
    )
    r = invoke("recall", scen, "--out", tmp_path / "o", "-q")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o" / "pictures.png").exists()


def test_debug_shows_traceback(tmp_path):
    scen = write(tmp_path, "model: {kind: hopfield, max_sweeps: 0}\npatterns: {source: random}")
    runner = CliRunner()
    r = runner.invoke(cli, ["--debug", "validate", str(scen)])
    assert r.exit_code != 0
    assert r.exception is not None  # the exception propagates instead of a panel


@pytest.mark.parametrize("name", ["kv_hops", "ntm_copy_capacity"])
def test_capacity_command_for_other_kinds(name, tmp_path):
    """`memsim capacity` dispatches to the kind's task-based sweep (checkpointed like hopfield)."""
    path = ROOT / "scenarios" / f"{name}.yaml"
    r = invoke("capacity", path, "--out", tmp_path / "o", "-q", "--set", "run.trials=1")
    assert r.exit_code == 0, r.output
    doc = json.loads((tmp_path / "o" / "results.json").read_text())
    assert doc["kind"] == _kind(path)
    assert (tmp_path / "o" / "capacity.csv").exists()
