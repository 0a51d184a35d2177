"""Capacity sweeps on backends (local, Dask LocalCluster), checkpoints and resume.

The reference is the serial runner ``memsim.experiments.hopfield.run_capacity`` (one loop over
points and trials, no blocks, no checkpoint): every backend, block size, interruption and resume
must give its CSV tables byte for byte.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import numba
import pytest
from distributed import LocalCluster
from sweep_scenarios import hopfield_sweep

from memsim.errors import MemsimError
from memsim.experiments import run as run_experiment
from memsim.experiments.checkpoint import MANIFEST, ROWS, open_checkpoint, scenario_hash
from memsim.experiments.distributed import (
    Scheduler,
    estimate_trial_seconds,
    plan_blocks,
    run_block,
    run_capacity_sweep,
    trials_per_task,
)
from memsim.experiments.hopfield import capacity_points, capacity_task, run_capacity
from memsim.experiments.progress import Progress
from memsim.results import save
from memsim.scenario.load import validate

# Test-defined tasks travel to the Dask workers by value (the workers cannot import this file):
# they are closures, which pickle cannot serialise by name, so Dask falls back to cloudpickle.

SCENARIO = hopfield_sweep("tiny_sweep", trials=4, seed=7, loads=[0.05, 0.15, 0.3], sizes=[40, 50])


def scenario(**changes):
    data = json.loads(json.dumps(SCENARIO))
    for path, value in changes.items():
        node = data
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]] = value
    return validate(data)


def tables(result, folder: Path) -> dict[str, str]:
    save(result, folder, force=True)
    return {name: (folder / f"{name}.csv").read_text() for name in ("capacity", "capacity_summary")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Tables of the serial runner (the reference every backend must reproduce)."""
    sc = scenario()
    return tables(run_capacity(sc), tmp_path_factory.mktemp("ref"))


@pytest.fixture(scope="module")
def cluster():
    """One 2-worker LocalCluster (processes) shared by the Dask tests of this file."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as c:
        yield c


class StopAfter(Progress):
    """A progress bar whose user presses Ctrl-C after ``n`` advances."""

    def __init__(self, n: int):
        self.n = n
        self.calls = 0

    def advance(self, steps: int = 1) -> None:
        self.calls += 1
        if self.calls >= self.n:
            raise KeyboardInterrupt


class Counting:
    """A task that counts its calls (in-process backends only)."""

    def __init__(self):
        self.calls: list[tuple[int, float, int]] = []

    def __call__(self, sc, pt, trial):
        self.calls.append((pt["size"], pt["load"], trial))
        return capacity_task(sc, pt, trial)


def failing_at(load):
    def task(sc, pt, trial):
        if pt["load"] == load:
            raise RuntimeError("simulated failure")
        return capacity_task(sc, pt, trial)

    return task


# -------------------------------------------------------------------------- planning --------
def test_blocks_cover_every_missing_trial_once():
    sc = scenario(run__trials=7)
    points = capacity_points(sc)
    done = {(0, 1), (0, 2), (3, 6), (5, 0)}
    for block in (None, 1, 2, 3, 7, 50):
        blocks = plan_blocks(sc, points, done, block)
        pairs = [(b.point, t) for b in blocks for t in b.trials]
        assert len(pairs) == len(set(pairs))
        expected = {(i, t) for i in range(len(points)) for t in range(7)} - done
        assert set(pairs) == expected
        if block is not None:
            assert all(1 <= len(b.trials) <= block for b in blocks)


def test_block_size_follows_the_cost_of_a_trial():
    sc = scenario(run__trials=500, capacity__sizes=[40, 20000], capacity__loads=[0.14])
    small, big = capacity_points(sc)
    # a trial at N = 40 costs about a millisecond: many trials per task, about 0.25 s of work
    n_small = trials_per_task(sc, small)
    assert 50 <= n_small <= 500
    assert 0.1 <= n_small * estimate_trial_seconds(sc, small) <= 0.3
    # a trial at N = 20000 costs minutes: one trial per task
    assert estimate_trial_seconds(sc, big) > 60
    assert trials_per_task(sc, big) == 1
    # never more than the trials of the point
    assert trials_per_task(scenario(run__trials=3), small) == 3


# -------------------------------------------------------------------------- local -----------
@pytest.mark.parametrize("block", [None, 1, 3])
def test_local_backend_equals_serial_runner(reference, tmp_path, block):
    res = run_capacity_sweep(scenario(), Scheduler("local", trials_per_task=block))
    assert tables(res, tmp_path) == reference
    assert res.meta["scheduler"]["kind"] == "local"
    assert res.meta["tasks"] == len(plan_blocks(scenario(), capacity_points(scenario()), (), block))


def test_experiments_run_routes_scheduler_and_checkpoint(reference, tmp_path):
    res = run_experiment(scenario(), "capacity", scheduler="local", checkpoint=tmp_path / "ck")
    assert tables(res, tmp_path / "o") == reference
    assert (tmp_path / "ck" / ROWS).exists() and (tmp_path / "ck" / MANIFEST).exists()
    with pytest.raises(MemsimError, match="capacity"):
        run_experiment(scenario(), "recall", scheduler="local")


def test_run_block_sets_numba_threads():
    sc = scenario()
    pt = capacity_points(sc)[0]

    def probe(sc_, pt_, trial):
        return {"trial": trial, "threads": numba.get_num_threads(), "run": sc_.run.threads}

    out = run_block(sc, pt, [0, 1], threads=1, task=probe)
    assert [r["trial"] for r in out["rows"]] == [0, 1]
    assert all(r["threads"] == 1 and r["run"] == 1 for r in out["rows"])


# -------------------------------------------------------------------------- dask ------------
def test_embedded_two_worker_cluster_bit_for_bit(reference, tmp_path):
    messages = []
    res = run_capacity_sweep(
        scenario(),
        Scheduler("dask", workers=2, threads_per_worker=1, trials_per_task=1),
        log=messages.append,
    )
    assert tables(res, tmp_path) == reference
    info = res.meta["scheduler"]
    assert info["kind"] == "dask" and info["workers"] == 2 and info["threads_per_worker"] == 1
    assert any("dashboard: http" in m for m in messages)
    assert res.meta["tasks"] == 6 * 4


def test_existing_cluster_by_address(reference, tmp_path, cluster):
    sched = Scheduler("dask", address=cluster.scheduler_address, trials_per_task=2)
    messages = []
    res = run_capacity_sweep(scenario(), sched, log=messages.append)
    assert tables(res, tmp_path) == reference
    assert res.meta["scheduler"]["address"] == cluster.scheduler_address
    assert res.meta["scheduler"]["workers"] == 2
    assert any(cluster.scheduler_address in m for m in messages)


def probe_threads():
    # a closure: pickled by value (a module-level function of this file would be pickled by
    # reference, and the workers cannot import the tests package)
    def task(sc, pt, trial):
        row = capacity_task(sc, pt, trial)
        row["numba_threads"] = numba.get_num_threads()
        row["pid"] = os.getpid()
        return row

    return task


@pytest.mark.parametrize("tpw", [1, 2])
def test_numba_threads_on_workers(tmp_path, cluster, tpw):
    sc = scenario(run__trials=2)
    sched = Scheduler("dask", address=cluster.scheduler_address, threads_per_worker=tpw)
    run_capacity_sweep(sc, sched, checkpoint=tmp_path, task=probe_threads())
    rows = [
        r for line in (tmp_path / ROWS).read_text().splitlines() for r in json.loads(line)["rows"]
    ]
    assert len(rows) == len(capacity_points(sc)) * 2
    assert {r["numba_threads"] for r in rows} == {min(tpw, numba.config.NUMBA_NUM_THREADS)}
    assert os.getpid() not in {r["pid"] for r in rows}  # really ran on the workers


def die_once(marker_dir):
    def task(sc, pt, trial):
        marker = Path(marker_dir) / "died"
        if pt["load"] == 0.15 and pt["size"] == 50 and trial == 2 and not marker.exists():
            marker.write_text(str(os.getpid()))
            os._exit(1)  # the worker process is lost mid-task
        return capacity_task(sc, pt, trial)

    return task


def test_lost_worker_is_replaced_and_task_rescheduled(reference, tmp_path, cluster):
    sched = Scheduler("dask", address=cluster.scheduler_address, trials_per_task=1)
    res = run_capacity_sweep(scenario(), sched, task=die_once(tmp_path))
    assert (tmp_path / "died").exists()
    assert "failed_points" not in res.summary
    assert tables(res, tmp_path / "o") == reference


def failing_counted(marker_dir, load):
    def task(sc, pt, trial):
        if pt["load"] == load:
            (Path(marker_dir) / f"attempt-{uuid.uuid4().hex}").write_text("")
            raise RuntimeError("simulated failure")
        return capacity_task(sc, pt, trial)

    return task


def test_dask_point_that_keeps_failing_is_reported_rest_kept(reference, tmp_path, cluster):
    sched = Scheduler("dask", address=cluster.scheduler_address, retries=1, trials_per_task=4)
    res = run_capacity_sweep(scenario(), sched, task=failing_counted(tmp_path, 0.3))
    failed = res.summary["failed_points"]
    assert [(f["size"], f["load"]) for f in failed] == [(40, 0.3), (50, 0.3)]
    assert all("simulated failure" in f["error"] for f in failed)
    assert len(list(tmp_path.glob("attempt-*"))) == 2 * 2  # two points x (1 + 1 retry)
    assert any("load=0.3" in w and "size=40" in w for w in res.meta["warnings"])
    ref_rows = reference["capacity"].splitlines()
    col = ref_rows[0].split(",").index("load")
    kept = [r for r in ref_rows[1:] if float(r.split(",")[col]) != 0.3]
    assert len(kept) == 4 * 4
    assert tables(res, tmp_path / "o")["capacity"].splitlines() == [ref_rows[0], *kept]


def test_workers_with_another_memsim_version_are_refused(tmp_path, cluster, monkeypatch):
    import memsim

    monkeypatch.setattr(memsim, "__version__", "9.9.9")  # this machine; the workers keep theirs
    sched = Scheduler("dask", address=cluster.scheduler_address)
    with pytest.raises(MemsimError, match=r"other versions than this machine \(memsim 9.9.9"):
        run_capacity_sweep(scenario(), sched, checkpoint=tmp_path)
    assert not (tmp_path / ROWS).exists()


def test_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(MemsimError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_capacity_sweep(
            scenario(), Scheduler("dask", address="tcp://127.0.0.1:9", connect_timeout=0.5)
        )


# -------------------------------------------------------------------------- checkpoints -----
def test_interrupt_then_resume_computes_only_the_rest(reference, tmp_path):
    sc = scenario()
    sched = Scheduler("local", trials_per_task=1)
    with pytest.raises(KeyboardInterrupt):
        run_capacity_sweep(sc, sched, checkpoint=tmp_path, progress=StopAfter(5))
    lines = (tmp_path / ROWS).read_text().splitlines()
    assert len(lines) == 5  # every finished task was on disk before the interruption
    assert not (tmp_path / "capacity.csv").exists()
    counting = Counting()
    res = run_capacity_sweep(sc, sched, checkpoint=tmp_path, resume=True, task=counting)
    assert len(counting.calls) == 6 * 4 - 5
    done_before = {
        (r["size"], r["load"], r["trial"]) for ln in lines for r in json.loads(ln)["rows"]
    }
    assert done_before.isdisjoint(counting.calls)
    assert res.meta["resumed_trials"] == 5
    assert tables(res, tmp_path / "o") == reference
    assert len((tmp_path / ROWS).read_text().splitlines()) == 6 * 4  # checkpoint kept, complete


def test_interrupted_on_dask_resumed_locally(reference, tmp_path, cluster):
    sc = scenario()
    sched = Scheduler("dask", address=cluster.scheduler_address, trials_per_task=2)
    with pytest.raises(KeyboardInterrupt):
        run_capacity_sweep(sc, sched, checkpoint=tmp_path, progress=StopAfter(3))
    assert len((tmp_path / ROWS).read_text().splitlines()) == 3
    res = run_capacity_sweep(sc, "local", checkpoint=tmp_path, resume=True)
    assert res.meta["resumed_trials"] == 6
    assert tables(res, tmp_path / "o") == reference


def test_half_written_line_is_dropped_and_recomputed(reference, tmp_path):
    sc = scenario()
    sched = Scheduler("local", trials_per_task=2)
    with pytest.raises(KeyboardInterrupt):
        run_capacity_sweep(sc, sched, checkpoint=tmp_path, progress=StopAfter(2))
    with open(tmp_path / ROWS, "a") as fh:
        fh.write('{"point":3,"values":{"size":50')  # a crash in the middle of a write
    res = run_capacity_sweep(sc, sched, checkpoint=tmp_path, resume=True)
    assert tables(res, tmp_path / "o") == reference
    lines = (tmp_path / ROWS).read_text().splitlines()
    assert all(json.loads(ln) for ln in lines) and len(lines) == 12


def test_checkpoint_rows_are_exact():
    sc = scenario()
    points = capacity_points(sc)
    row = capacity_task(sc, points[4], 3)
    row["mean_final_overlap"] = 0.1 + 0.2  # not representable in a short decimal
    row["initial_overlap"] = 1 / 3
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        ck = open_checkpoint(d, sc, points)
        ck.append(4, [row])
        ck.close()
        again = open_checkpoint(d, sc, points, resume=True)
        again.close()
    assert again.done == {(4, 3): row}
    assert again.done[(4, 3)]["mean_final_overlap"] == 0.1 + 0.2


def test_resume_refuses_another_scenario(tmp_path):
    sc = scenario()
    run_capacity_sweep(sc, checkpoint=tmp_path)
    with pytest.raises(MemsimError, match=r"different scenario \(run.seed: 7 there, 8 now"):
        run_capacity_sweep(scenario(run__seed=8), checkpoint=tmp_path, resume=True)
    with pytest.raises(MemsimError, match="capacity.loads"):
        run_capacity_sweep(scenario(capacity__loads=[0.1]), checkpoint=tmp_path, resume=True)
    # the thread count, plots, name and description cannot change a number: accepted
    same = scenario(run__threads=1, name="other", output={"plots": ["capacity"]})
    assert scenario_hash(same) == scenario_hash(sc)
    res = run_capacity_sweep(same, checkpoint=tmp_path, resume=True)
    assert res.meta["tasks"] == 0 and res.meta["resumed_trials"] == 24


def test_folder_rules(tmp_path):
    sc = scenario()
    points = capacity_points(sc)
    # an unfinished run: no results.json, a checkpoint
    with pytest.raises(KeyboardInterrupt):
        run_capacity_sweep(
            sc, Scheduler(trials_per_task=1), checkpoint=tmp_path / "a", progress=StopAfter(2)
        )
    with pytest.raises(MemsimError, match="unfinished run: use --resume"):
        open_checkpoint(tmp_path / "a", sc, points)
    with pytest.raises(MemsimError, match="--resume and --force contradict"):
        open_checkpoint(tmp_path / "a", sc, points, resume=True, force=True)
    ck = open_checkpoint(tmp_path / "a", sc, points, force=True)  # memsim's own folder: deleted
    # emptied but for the folder's manifest, which lists the checkpoint files to come
    assert [f.name for f in (tmp_path / "a").iterdir()] == ["memsim-manifest.json"]
    assert not ck.done
    ck.close()
    # a foreign folder is never deleted, nor resumed
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "thesis.tex").write_text("precious")
    with pytest.raises(MemsimError, match="does not look like a memsim results folder"):
        open_checkpoint(tmp_path / "b", sc, points, force=True)
    with pytest.raises(MemsimError, match="not a memsim checkpoint"):
        open_checkpoint(tmp_path / "b", sc, points, resume=True)
    assert (tmp_path / "b" / "thesis.tex").read_text() == "precious"
    # resuming a folder that does not exist yet starts a fresh run
    ck = open_checkpoint(tmp_path / "c", sc, points, resume=True)
    assert (tmp_path / "c").is_dir() and not ck.done
    # one run per folder at a time: a second one is refused while the first holds the lock
    with pytest.raises(MemsimError, match="another memsim run is using the results folder"):
        open_checkpoint(tmp_path / "c", sc, points, resume=True)
    with pytest.raises(MemsimError, match="another memsim run"):
        run_capacity_sweep(sc, checkpoint=tmp_path / "c", resume=True)
    ck.close()
    assert run_capacity_sweep(sc, checkpoint=tmp_path / "c", resume=True).meta["tasks"] > 0


def test_local_point_that_keeps_failing_is_reported_and_resume_retries_it(reference, tmp_path):
    sc = scenario()
    res = run_capacity_sweep(sc, checkpoint=tmp_path, task=failing_at(0.15))
    assert [(f["size"], f["load"]) for f in res.summary["failed_points"]] == [
        (40, 0.15),
        (50, 0.15),
    ]
    tab = res.tables["capacity"]
    assert set(tab["load_asked"].tolist()) == {0.05, 0.3}
    # load 0.05 at N = 50 is P = round(2.5) = 2 patterns: the table shows the load used, 0.04
    assert set(tab["load"].tolist()) == {0.04, 0.05, 0.3}
    counting = Counting()
    res = run_capacity_sweep(sc, checkpoint=tmp_path, resume=True, task=counting)
    assert {(s, a) for s, a, _ in counting.calls} == {(40, 0.15), (50, 0.15)}
    assert "failed_points" not in res.summary
    assert tables(res, tmp_path / "o") == reference


def test_every_point_failing_is_an_error(tmp_path):
    def broken(sc, pt, trial):
        raise ValueError("broken")

    with pytest.raises(MemsimError, match="every point of the sweep failed.*size=40.*broken"):
        run_capacity_sweep(scenario(), task=broken)


# -------------------------------------------------------------------------- options ---------
@pytest.mark.parametrize(
    "kwargs,fragment",
    [
        ({"kind": "spark"}, "allowed: local, dask"),
        ({"kind": "local", "workers": 2}, "--workers applies only to --scheduler dask"),
        ({"kind": "local", "threads_per_worker": 2}, "use --threads"),
        ({"kind": "local", "address": "tcp://h:1"}, "--address applies only"),
        ({"kind": "dask", "workers": 0}, "workers must be an integer >= 1"),
        ({"kind": "dask", "threads_per_worker": -1}, "threads_per_worker must be"),
        ({"kind": "dask", "address": "tcp://h:1", "workers": 2}, "cannot be used with --address"),
        ({"kind": "dask", "retries": -1}, "retries must be"),
        ({"kind": "dask", "address": " "}, "scheduler address"),
    ],
)
def test_scheduler_options_are_checked(kwargs, fragment):
    with pytest.raises(MemsimError, match=fragment):
        Scheduler(**kwargs)
