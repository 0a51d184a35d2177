"""`memsim capacity` with --scheduler, --workers, --threads-per-worker, --address and --resume.

An interrupted run (Ctrl-C simulated in the progress bar), resumed with --resume, must write the
same capacity.csv, byte for byte, as an uninterrupted run; so must a 2-worker Dask LocalCluster.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_tools import flat, invoke
from click.testing import CliRunner
from memsim.cli import app
from memsim.cli.app import cli
from sweep_scenarios import as_yaml, hopfield_sweep

SCENARIO = as_yaml(
    hopfield_sweep(None, trials=3, seed=11, loads=[0.05, 0.15, 0.3], sizes=[40, 50], size=50)
)

TABLES = ("capacity.csv", "capacity_summary.csv")


@pytest.fixture
def scen(tmp_path) -> Path:
    p = tmp_path / "sweep.yaml"
    p.write_text(SCENARIO)
    return p


@pytest.fixture
def uninterrupted(scen, tmp_path) -> dict[str, bytes]:
    out = tmp_path / "whole"
    r = invoke("capacity", scen, "--out", out, "-q", "--no-plots")
    assert r.exit_code == 0, r.output
    return {t: (out / t).read_bytes() for t in TABLES}


def interrupt_after(monkeypatch, n: int) -> None:
    """Ctrl-C after the n-th advance of the progress bar (after n tasks were checkpointed)."""
    calls = {"n": 0}

    def advance(self, steps=1):
        calls["n"] += 1
        if calls["n"] >= n:
            raise KeyboardInterrupt

    monkeypatch.setattr(app.RichProgress, "advance", advance)


def test_help_lists_the_sweep_options():
    r = invoke("capacity", "--help")
    for opt in ("--scheduler", "--workers", "--threads-per-worker", "--address", "--resume"):
        assert opt in r.output
    assert "--resume" not in invoke("recall", "--help").output  # recall is unchanged


def test_interrupt_then_resume_equals_uninterrupted(scen, tmp_path, uninterrupted, monkeypatch):
    out = tmp_path / "cut"
    with monkeypatch.context() as m:
        interrupt_after(m, 2)
        r = invoke("capacity", scen, "--out", out, "--no-plots")
    assert r.exit_code == 130, r.output
    assert "--resume" in flat(r.output) and "trials are saved" in flat(r.output)
    # the run in flight lives in <out>.partial; the results folder itself was never made
    part = out.parent / (out.name + ".partial")
    assert not out.exists()
    assert (part / "checkpoint.json").exists() and (part / "checkpoint.jsonl").exists()
    assert not (part / "capacity.csv").exists() and not (part / "results.json").exists()
    before = (part / "checkpoint.jsonl").read_text()

    # without --resume the unfinished run is neither overwritten nor deleted
    r = invoke("capacity", scen, "--out", out, "-q")
    assert r.exit_code == 1
    assert "unfinished run" in flat(r.output) and "--resume" in flat(r.output)
    assert (part / "checkpoint.jsonl").read_text() == before

    r = invoke("capacity", scen, "--out", out, "--resume", "-q", "--no-plots")
    assert r.exit_code == 0, r.output
    for t in TABLES:
        assert (out / t).read_bytes() == uninterrupted[t], t
    doc = json.loads((out / "results.json").read_text())
    # tiny points: one task holds all 3 trials of a point, so 2 tasks = 6 trials were kept
    assert doc["meta"]["resumed_trials"] == 2 * 3
    assert doc["meta"]["tasks"] == 6 - 2
    assert (out / "checkpoint.jsonl").read_text().startswith(before)  # kept, extended
    assert not part.exists()  # moved into place


def test_resume_a_finished_run_recomputes_nothing(scen, tmp_path, uninterrupted):
    out = tmp_path / "done"
    assert invoke("capacity", scen, "--out", out, "-q", "--no-plots").exit_code == 0
    r = invoke("capacity", scen, "--out", out, "--resume", "-q", "--no-plots")
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "results.json").read_text())
    assert doc["meta"]["tasks"] == 0 and doc["meta"]["resumed_trials"] == 6 * 3
    assert (out / "capacity.csv").read_bytes() == uninterrupted["capacity.csv"]


def test_resume_with_another_scenario_is_refused(scen, tmp_path, monkeypatch):
    out = tmp_path / "cut"
    with monkeypatch.context() as m:
        interrupt_after(m, 1)
        assert invoke("capacity", scen, "--out", out, "-q").exit_code == 130
    r = invoke("capacity", scen, "--out", out, "--resume", "--seed", "12", "-q")
    assert r.exit_code == 1
    assert "different scenario (run.seed: 11 there, 12 now" in flat(r.output)
    r = invoke("capacity", scen, "--out", out, "--resume", "--force", "-q")
    assert r.exit_code == 1 and "contradict" in flat(r.output)
    # --force starts over in memsim's own unfinished folder
    r = invoke("capacity", scen, "--out", out, "--force", "-q", "--seed", "12", "--no-plots")
    assert r.exit_code == 0, r.output
    assert json.loads((out / "results.json").read_text())["meta"]["resumed_trials"] == 0


def test_dask_local_cluster_bit_for_bit(scen, tmp_path, uninterrupted):
    out = tmp_path / "dask"
    r = invoke(
        "capacity",
        scen,
        "--out",
        out,
        "--scheduler",
        "dask",
        "--workers",
        "2",
        "--threads-per-worker",
        "1",
    )
    assert r.exit_code == 0, r.output
    assert "Dask LocalCluster: 2 workers x 1 Numba threads; dashboard: http" in flat(r.output)
    for t in TABLES:
        assert (out / t).read_bytes() == uninterrupted[t], t
    doc = json.loads((out / "results.json").read_text())
    assert doc["meta"]["scheduler"]["kind"] == "dask"
    assert doc["meta"]["scheduler"]["workers"] == 2
    assert (out / "capacity.png").exists()


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["--workers", "2"], "--workers applies only to --scheduler dask"),
        (["--threads-per-worker", "2"], "use --threads"),
        (["--address", "tcp://127.0.0.1:9"], "--address applies only to --scheduler dask"),
        (["--scheduler", "dask", "--workers", "0"], "--workers must be >= 1"),
        (
            ["--scheduler", "dask", "--address", "tcp://127.0.0.1:9", "--workers", "2"],
            "cannot be used with --address",
        ),
        (["--scheduler", "spark"], "Invalid value for '--scheduler'"),
    ],
)
def test_bad_sweep_options(scen, tmp_path, args, fragment):
    r = CliRunner().invoke(cli, ["capacity", str(scen), "--out", str(tmp_path / "o"), *args])
    assert r.exit_code in (1, 2), r.output
    assert fragment in flat(r.output)
    assert "Traceback" not in r.output
    assert not (tmp_path / "o").exists()
