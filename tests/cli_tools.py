"""Helpers shared by the CLI tests: run the command line in-process, run a shipped scenario
shrunk and check its results folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from memsim.cli.app import cli


def invoke(*args, input: str | None = None) -> Result:
    """``memsim <args>`` in this process (exceptions propagate: a traceback is a test failure);
    ``input`` is typed at its prompts."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    """A scenario file ``name`` in ``tmp_path`` holding ``text``."""
    p = tmp_path / name
    p.write_text(text)
    return p


def flat(text: str) -> str:
    """The output with the table rules (│) and runs of white space folded to single spaces."""
    return " ".join(text.replace("│", " ").split())


def command_of(path: Path) -> str:
    """``capacity`` for a scenario with a capacity section, else ``recall``."""
    return "capacity" if "\ncapacity:" in path.read_text() else "recall"


def check_shrink_settings(scenarios: list[Path], shrink: dict) -> None:
    """Every shipped scenario of a kind has shrink settings and a comment header."""
    assert {p.stem for p in scenarios} == set(shrink)
    for p in scenarios:
        assert p.read_text().startswith("#"), f"{p.name} needs a comment header"


def run_small(path: Path, out: Path, sets: list[str], kind: str, files: set[str]) -> tuple:
    """Run a shipped scenario with ``--set`` overrides; check the exit code, the command and kind
    in results.json and that ``files`` were written. Returns (command, results.json as dict)."""
    command = command_of(path)
    r = invoke(command, path, "--out", out, "--quiet", *[x for s in sets for x in ("--set", s)])
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "results.json").read_text())
    assert doc["command"] == command and doc["kind"] == kind
    names = {f.name for f in out.iterdir()}
    assert files <= names, names
    return command, doc


# --------------------------------------------- small runnable scenarios of each kind -----
# (a few patterns or keys, one trial: each runs in well under a second)
HOP = """\
model: {kind: hopfield, rule: hebbian, dynamics: async, max_sweeps: 20}
patterns: {source: random, count: 5, size: 60}
cue: {flip: 0.1}
run: {trials: 1, seed: 1}
"""
DENSE = """\
model: {kind: dense, interaction: polynomial, n: 3, max_sweeps: 10}
patterns: {source: random, count: 5, size: 60}
run: {trials: 1, seed: 1}
"""
MODERN = """\
model: {kind: modern, beta: 1.0, steps: 5}
patterns: {source: random, count: 5, size: 32}
run: {trials: 1, seed: 1}
"""
ATT = """\
model:
  kind: attention
  keys: {source: random, count: 10, dim: 4}
  queries: {source: keys, count: 3, noise: 0.1}
run: {trials: 1, seed: 1}
"""
NTM = """\
model: {kind: ntm, task: copy, length: 4, bits: 4, memory_slots: 16, memory_width: 8}
run: {trials: 1, seed: 1}
"""
KV = """\
model: {kind: kv, mode: retrieval, slots: 50, key_dim: 8, queries: 10}
run: {trials: 1, seed: 1}
"""

ROOT = Path(__file__).resolve().parents[1]
SCEN = ROOT / "scenarios"


def shipped(*prefixes: str) -> list[Path]:
    """The shipped scenarios ``<prefix>_*.yaml``, sorted within each prefix."""
    return [p for prefix in prefixes for p in sorted(SCEN.glob(f"{prefix}_*.yaml"))]


def refused(r: Result, fragments=(), file: str | None = None, *, fold: bool = True) -> str:
    """Exit code 1, no traceback, and the message names ``file`` and holds every fragment (in
    the output with whitespace folded, or as printed with ``fold=False``). Returns the text
    searched."""
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    said = " ".join(r.output.split()) if fold else r.output
    if file is not None:
        assert file in said, said
    for f in fragments:
        assert f in said, (f, said)
    return said


def shipped_scenario_tests(
    scenarios: list[Path], shrink: dict, files: dict, check_summary, *, validate: bool = False
):
    """The two tests every model kind's CLI module has, bound there to the names
    ``test_every_scenario_has_shrink_settings`` and ``test_scenario_runs_small``: every shipped
    scenario of the kind has shrink settings and a header; each one (validated first if
    ``validate``) runs shrunk, writes ``files[stem]`` with the kind (the stem's prefix) in
    results.json, and its summary passes ``check_summary(command, summary)``."""

    def test_every_scenario_has_shrink_settings():
        check_shrink_settings(scenarios, shrink)

    @pytest.mark.parametrize("path", scenarios, ids=lambda p: p.stem)
    def test_scenario_runs_small(path, tmp_path):
        if validate:
            assert invoke("validate", path).exit_code == 0
        kind = path.stem.split("_")[0]
        command, doc = run_small(path, tmp_path / "out", shrink[path.stem], kind, files[path.stem])
        check_summary(command, doc["summary"])

    return test_every_scenario_has_shrink_settings, test_scenario_runs_small
