"""Helpers shared by the CLI tests: run the command line in-process, run a shipped scenario
shrunk and check its results folder."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from memsim.cli.app import cli


def invoke(*args) -> Result:
    """``memsim <args>`` in this process (exceptions propagate: a traceback is a test failure)."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


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
