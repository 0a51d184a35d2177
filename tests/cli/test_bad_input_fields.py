"""Bad input found by the session-5 hostile review is refused with one clear paragraph that
names the file (or the command-line option), the field and the allowed values: exit 1, never
an "internal error" (exit 3) or a traceback.

- a kv ``key_dim`` study that leaves ``capacity.values`` to its documented default was an
  internal error (TypeError);
- ``capacity.loads: {stop: 1e308}`` was an internal error (OverflowError), and a load range
  whose sweep needs too much memory blamed ``capacity.sizes``;
- ``capacity.pairs: [1e300]`` said "unable to parse input string as an integer";
- ``--threads 100000`` / ``--seed -1`` were blamed on the file's ``run.threads``/``run.seed``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from memsim.errors import ScenarioError
from memsim.scenario import load

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def _memsim(*args: str) -> subprocess.CompletedProcess:
    # run outside the checkout: from its root, ``-m memsim.cli.app`` would find the source
    # folder memsim/ (without the cli package, which is installed from cli/)
    return subprocess.run(
        [sys.executable, "-m", "memsim.cli.app", *args],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )


def _scenario(tmp_path: Path, name: str, edit) -> Path:
    d = yaml.safe_load((SCENARIOS / name).read_text())
    edit(d)
    f = tmp_path / "s.yaml"
    f.write_text(yaml.safe_dump(d))
    return f


def _refused(r: subprocess.CompletedProcess, *names: str) -> None:
    assert r.returncode == 1, r.stderr
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr, r.stderr
    for name in names:
        assert name in r.stderr, r.stderr


# ----------------------------------------------------------------- kv key_dim defaults -----
def test_kv_key_dim_study_with_default_values_validates(tmp_path):
    f = _scenario(tmp_path, "kv_key_dim.yaml", lambda d: d["capacity"].pop("values"))
    r = _memsim("validate", str(f))
    assert "internal error" not in r.stderr, r.stderr
    assert r.returncode == 0, r.stderr


def test_kv_key_dim_default_values_set_the_memory_need(monkeypatch):
    """The memory check of a key_dim study without values uses the default key sizes (up to
    64): S = 1000 slots and 100 queries need about 1.8 MB at d_k = 4 and 4.7 MB at d_k = 64
    (keys, values and their copies, 8 bytes each, plus the query x slot scores). With 2.5 MB
    allowed, values [4] fit and the defaults are refused, naming capacity.values."""
    monkeypatch.setattr(load, "_available_memory", lambda: int(2.5e6 / 0.8))
    d = yaml.safe_load((SCENARIOS / "kv_key_dim.yaml").read_text())
    d["model"]["key_dim"] = 4
    d["capacity"]["values"] = [4]
    load.validate(d, "s.yaml")
    del d["capacity"]["values"]
    with pytest.raises(ScenarioError) as e:
        load.validate(d, "s.yaml")
    assert e.value.field == "capacity.values"
    assert "GiB of memory" in str(e.value)


# --------------------------------------------------------------- hopfield load ranges ------
@pytest.mark.parametrize("stop", [1e308, 1e10, 1001.0])
def test_load_range_beyond_the_schema_names_capacity_loads(tmp_path, stop):
    f = _scenario(
        tmp_path, "hebbian_capacity.yaml", lambda d: d["capacity"]["loads"].update(stop=stop)
    )
    _refused(_memsim("validate", str(f)), "capacity.loads.stop", "1000")


def test_load_range_problem_is_reported_not_list_type(tmp_path):
    """A {start, stop, num} mapping with a bad entry names that entry, not 'a valid list'."""
    f = _scenario(
        tmp_path, "hebbian_capacity.yaml", lambda d: d["capacity"]["loads"].update(start=-1)
    )
    r = _memsim("validate", str(f))
    _refused(r, "capacity.loads.start", "greater than 0")
    assert "valid list" not in r.stderr


def _hebbian_capacity(stop: float) -> dict:
    d = yaml.safe_load((SCENARIOS / "hebbian_capacity.yaml").read_text())
    d["capacity"]["loads"]["stop"] = stop
    return d


def test_memory_refusal_of_high_loads_names_capacity_loads(monkeypatch):
    """N = 500 and loads up to 1000: P = 500 000 patterns, whose P x P overlaps alone are
    2e12 bytes; the smallest load (P = 10) needs a few MB. With 4 GiB the loads are at fault."""
    monkeypatch.setattr(load, "_available_memory", lambda: 4 * 2**30)
    with pytest.raises(ScenarioError) as e:
        load.validate(_hebbian_capacity(1000.0), "s.yaml")
    assert e.value.field == "capacity.loads"
    assert "GiB of memory" in str(e.value)


def test_memory_refusal_of_large_sizes_still_names_capacity_sizes(monkeypatch):
    """When even the smallest load does not fit, the sizes are at fault."""
    d = _hebbian_capacity(0.3)
    d["capacity"]["sizes"] = [10_000_000]
    monkeypatch.setattr(load, "_available_memory", lambda: 4 * 2**30)
    with pytest.raises(ScenarioError) as e:
        load.validate(d, "s.yaml")
    assert e.value.field == "capacity.sizes"


def test_ordinary_load_range_fits(monkeypatch):
    monkeypatch.setattr(load, "_available_memory", lambda: 4 * 2**30)
    sc = load.validate(_hebbian_capacity(0.3), "s.yaml")
    assert max(sc.capacity.load_values()) == pytest.approx(0.3)


# ------------------------------------------------------------- huge whole numbers ----------
@pytest.mark.parametrize("value", [1e300, -1e300, 1e20])
def test_huge_float_for_a_whole_number_names_the_range(tmp_path, value):
    f = _scenario(tmp_path, "bam_capacity.yaml", lambda d: d["capacity"].update(pairs=[value]))
    r = _memsim("validate", str(f))
    _refused(r, "capacity.pairs[0]", "whole numbers from 1 to 1000000", str(f))
    assert "parse input string" not in r.stderr


def test_huge_float_seed_names_run_seed(tmp_path):
    f = _scenario(tmp_path, "bam_pairs.yaml", lambda d: d["run"].update(seed=1e300))
    r = _memsim("validate", str(f))
    _refused(r, "run.seed", "whole numbers from 0")
    assert "parse input string" not in r.stderr


# --------------------------------------------------- options blamed on the command line ----
@pytest.mark.parametrize(
    "opt, field",
    [(["--threads", "100000"], "run.threads"), (["--seed", "-1"], "run.seed")],
)
def test_bad_option_names_the_option_not_the_file(tmp_path, opt, field):
    r = _memsim("recall", str(SCENARIOS / "bam_pairs.yaml"), "-o", str(tmp_path / "out"), *opt)
    _refused(r, field, f"{opt[0]} {opt[1]}", "comes from the command line")
    assert "in " + str(SCENARIOS / "bam_pairs.yaml") + " field" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_typed_option_wins_over_set_in_the_blame():
    """--threads is applied after --set run.threads=...: the refusal names --threads."""
    exc = ScenarioError("too many", file="f.yaml", field="run.threads")
    out = load._blame_override(exc, ["run.threads=2"], {"run.threads": 100000})
    assert "--threads 100000" in str(out) and "--set" not in str(out)
    assert out.file is None


def test_set_blame_unchanged():
    exc = ScenarioError("unknown key 'max_sweep'", file="f.yaml", field="model.max_sweep")
    out = load._blame_override(exc, ["model.max_sweep=3"], {"run.seed": 1})
    assert "--set model.max_sweep=3" in str(out)
    other = ScenarioError("bad", file="f.yaml", field="patterns.size")
    assert load._blame_override(other, ["model.max_sweep=3"], {"run.seed": 1}) is other
