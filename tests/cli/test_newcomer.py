"""What a newcomer sees in the terminal: labels intact, rows told apart, every problem of a file
at once, each warning once, hints that work, --threads capped with a note."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from memsim.cli.app import cli

ROOT = Path(__file__).resolve().parents[2]


def invoke(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return r, " ".join(r.output.replace("│", " ").replace("┃", " ").split())


def capacity(tmp_path: Path, scenario: str):
    """Write ``scenario`` to s.yaml and run ``memsim capacity`` on it without plots; it must
    succeed."""
    scen = tmp_path / "s.yaml"
    scen.write_text(scenario)
    r, out = invoke("capacity", scen, "--out", tmp_path / "o", "--no-plots")
    assert r.exit_code == 0, out
    return r, out


def test_labels_with_brackets_are_printed(tmp_path):
    """kv study labels like accuracy[normaliser=softmax T=1] were eaten as rich markup."""
    r, out = invoke(
        "capacity",
        ROOT / "scenarios" / "kv_normalisers.yaml",
        "--out",
        tmp_path / "o",
        "--no-plots",
        "--set",
        "run.trials=1",
    )
    assert r.exit_code == 0, out
    assert "accuracy[normaliser=softmax T=1]" in out
    assert "accuracy[normaliser=sparsemax]" in out


def test_capacity_summary_shows_the_swept_axes(tmp_path):
    r, out = capacity(
        tmp_path,
        "model: {kind: hopfield, rule: hebbian, max_sweeps: 10}\n"
        "patterns: {source: random, size: 40}\n"
        "run: {trials: 1, seed: 2}\n"
        "capacity: {loads: [0.05, 0.1], rules: [hebbian, storkey], flips: [0.05, 0.2]}\n",
    )
    header = out[out.index("capacity") : out.index("hebbian")]
    assert "rule" in header and "flip" in header and "load" in header
    assert "storkey" in out
    assert " T " not in header and "bias" not in header  # axes that do not vary stay out


def test_validate_reports_every_problem_at_once(tmp_path):
    scen = tmp_path / "three.yaml"
    scen.write_text(
        "model: {kind: hopfield, rule: cubic, max_sweeps: -3}\n"
        "patterns: {source: random, count: 5, size: 60}\n"
        "cue: {flip: 2.0}\n"
    )
    r, out = invoke("validate", scen)
    assert r.exit_code == 1
    assert "3 problems" in out
    for field in ("model.rule", "model.max_sweeps", "cue.flip"):
        assert field in out
    assert "'hebbian'" in out  # the allowed values of the rule
    assert out.count("memsim: error") == 1


def test_each_warning_once_with_a_count(tmp_path):
    r, out = capacity(
        tmp_path,
        "model: {kind: hopfield, rule: pseudoinverse, max_sweeps: 5}\n"
        "patterns: {source: random, size: 30}\n"
        "run: {trials: 2, seed: 2}\n"
        "capacity: {loads: [1.2, 1.5]}\n",
    )
    assert "Warning" not in r.output and "warnings.warn" not in r.output  # no raw Python lines
    lines = [ln for ln in r.output.splitlines() if ln.startswith("warning:")]
    assert len(lines) == len(set(lines)) >= 1
    assert "linearly dependent" in out


def test_threads_above_the_cores_are_capped_with_a_note(tmp_path):
    import numba

    scen = tmp_path / "s.yaml"
    scen.write_text(
        "model: {kind: hopfield}\npatterns: {source: random, count: 3, size: 30}\n"
        "run: {trials: 1}\n"
    )
    many = numba.config.NUMBA_NUM_THREADS + 5
    r, out = invoke("recall", scen, "--out", tmp_path / "o", "--threads", many)
    assert r.exit_code == 0, out
    assert f"--threads {many} is more than" in out


def test_wall_time_includes_plots(tmp_path):
    r, out = invoke(
        "recall",
        ROOT / "scenarios" / "hebbian_letters.yaml",
        "--out",
        tmp_path / "o",
        "--set",
        "run.trials=1",
    )
    assert r.exit_code == 0, out
    assert "s in all; the run" in out


def test_a_set_typo_is_blamed_on_the_command_line_not_the_file():
    scen = ROOT / "scenarios" / "hebbian_letters.yaml"
    r, text = invoke("validate", scen, "--set", "model.max_sweep=3")
    assert r.exit_code != 0
    assert "--set model.max_sweep=3" in text and "command line" in text
    assert "max_sweeps" in text  # the allowed keys are still listed
    assert f"in {scen}" not in text  # the file holds no such key
    r, text = invoke("validate", scen, "--set", "model.max_sweeps=0")
    assert r.exit_code != 0 and "command line" in text
