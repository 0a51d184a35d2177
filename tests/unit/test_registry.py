"""The registry of model kinds (memsim.registry): every kind complete, everything found through
it, and a new kind added from outside memsim (a plugin in tests/plugin_kind) without touching
memsim's files."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pytest

import memsim.registry as registry

PLUGIN_DIR = Path(__file__).resolve().parents[1] / "plugin_kind"


def test_every_builtin_kind_is_complete():
    kinds = registry.kinds()
    assert list(kinds)[:6] == ["hopfield", "dense", "modern", "attention", "ntm", "kv"]
    for kind in kinds.values():
        kind.check_complete()


def test_everything_finds_kinds_through_the_registry():
    from memsim.experiments import RUNNERS
    from memsim.plotting import allowed_plots
    from memsim.scenario.schema import ModelSpec

    union = typing.get_args(ModelSpec)[0]
    tags = {typing.get_args(m.model_fields["kind"].annotation)[0] for m in typing.get_args(union)}
    assert tags == set(registry.kinds())
    assert {k for _, k in RUNNERS} == set(registry.kinds())
    for name, kind in registry.kinds().items():
        assert allowed_plots(name, "recall") == kind.plot_names("recall")


def test_incomplete_kind_fails_loudly():
    good = registry.get("kv")

    def declared(**changed):
        fields = {"name": "kv", "order": 0, "description": "", "schema": good.schema,
                  "runners": good.runners, "plots": good.plots}  # fmt: skip
        return registry.ModelKind(**{**fields, **changed})

    broken = declared(runners="memsim.experiments.no_such_module")
    with pytest.raises(registry.KindError, match="does not exist"):
        registry._check_declaration(broken, "test")
    wrong_tag = declared(name="other")
    with pytest.raises(registry.KindError, match="has kind"):
        registry._check_declaration(wrong_tag, "test")
    no_plots = declared(plots="memsim.plotting.common")
    with pytest.raises(registry.KindError, match="PLOTTERS is missing"):
        no_plots.check_complete()
    with pytest.raises(registry.KindError, match="not a memsim ModelKind"):
        registry._check_declaration(object(), "test")


def _install_plugin(site: Path, module: str = "memsim_toykind") -> None:
    """Make ``site`` an importable location whose distribution declares the entry point
    ``memsim.kinds: toy = <module>:KIND`` (what `pip install` of a plugin package does)."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "memsim_toykind.py").write_text((PLUGIN_DIR / "memsim_toykind.py").read_text())
    dist = site / "memsim_toykind-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: memsim-toykind\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[memsim.kinds]\ntoy = {module}:KIND\n")


def _memsim(args, cwd: Path, site: Path):
    code = "from memsim.cli.app import main; main()"
    env = {**__import__("os").environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_new_kind_from_a_plugin_runs_end_to_end(tmp_path):
    site = tmp_path / "site"
    _install_plugin(site)
    scen = tmp_path / "toy.yaml"
    scen.write_text("name: ramp\nmodel: {kind: toy, gain: 2.0, length: 4}\n")
    r = _memsim(["validate", str(scen)], tmp_path, site)
    assert r.returncode == 0, r.stderr
    assert "model toy" in r.stdout
    r = _memsim(["recall", str(scen)], tmp_path, site)
    assert r.returncode == 0, r.stderr
    assert "sum of the ramp" in r.stdout and "12.0" in r.stdout  # 0 + 2 + 4 + 6
    out = tmp_path / "results" / "ramp"
    assert {"results.json", "values.csv", "ramp.png", "memsim-manifest.json"} <= {
        p.name for p in out.iterdir()
    }
    # the kind's own schema refuses bad values like any other kind's
    r = _memsim(["recall", str(scen), "--set", "model.gain=-1", "--out", "x"], tmp_path, site)
    assert r.returncode == 1 and "model.gain" in r.stderr
    r = _memsim(["recall", str(scen), "--set", "model.kind=toys", "--out", "x"], tmp_path, site)
    assert r.returncode == 1 and "'toy'" in r.stderr


def test_a_broken_plugin_names_itself(tmp_path):
    site = tmp_path / "site"
    _install_plugin(site, module="memsim_toykind_missing")
    scen = tmp_path / "toy.yaml"
    scen.write_text(textwrap.dedent("model: {kind: hopfield}\npatterns: {source: random}\n"))
    r = _memsim(["validate", str(scen)], tmp_path, site)
    assert r.returncode == 3
    assert "memsim_toykind_missing" in r.stderr and "plugin 'toy'" in r.stderr
    assert "broken model kind" in r.stderr and "Traceback" not in r.stderr


RECALL_SCENARIOS = {
    "hopfield": "hebbian_letters",
    "dense": "dense_letters",
    "modern": "modern_letters",
    "ntm": "ntm_copy",
    "kv": "kv_stories",
    "sequence": "sequence_letters",
    "bam": "bam_pairs",
    "continuous": "continuous_recall",
    "willshaw": "willshaw_recall",
    "sdm": "sdm_recall",
}


@pytest.mark.parametrize("kind", sorted(RECALL_SCENARIOS))
def test_following_the_capacity_hint_works(kind):
    """`memsim capacity` on a scenario without a capacity section names the kind's example,
    and adding exactly that example makes the scenario valid for `memsim capacity`."""
    import yaml
    from click.testing import CliRunner
    from memsim.cli.app import cli

    root = Path(__file__).resolve().parents[2] / "scenarios"
    scen = root / f"{RECALL_SCENARIOS[kind]}.yaml"
    assert "capacity" not in yaml.safe_load(scen.read_text())
    r = CliRunner().invoke(cli, ["validate", str(scen), "--command", "capacity"])
    assert r.exit_code == 1
    k = registry.get(kind)
    said = " ".join(r.output.split())
    sets = []
    for hint in (k.capacity_example, k.capacity_patterns):
        if hint:
            assert hint in said
            ((section, value),) = yaml.safe_load(hint).items()
            sets += ["--set", f"{section}={value}"]
    r = CliRunner().invoke(cli, ["validate", str(scen), "--command", "capacity", *sets])
    assert r.exit_code == 0, r.output
