"""One capacity study on the local backend and on a 2-worker Dask LocalCluster, in the same run.

Reports, per backend: tasks, wall time of the sweep, summed compute time of the tasks, and the
overhead per task (scheduling, transfer of the scenario and rows, checkpoint append with fsync),
measured two ways:

* ``empty tasks``: the same sweep with a task that returns a ready row (no work), so the wall
  time per task *is* the overhead a task adds to a run;
* ``idle share``: ``1 - compute / (wall x workers)`` of the real sweep (overhead plus the idle
  tail at the end).

The block size (trials per task, memsim.experiments.distributed.trials_per_task) is what keeps
the overhead small; the run with one trial per task shows what happens without blocks.

BLAS threads: Dask starts its workers with one BLAS thread; this process uses ``--blas-threads``
(default 1, the same), so the rows compare the backends rather than BLAS threading (on a busy
2-core machine a second OpenBLAS thread beside Numba's threads makes the local run several times
slower: try ``--blas-threads 0``).

    .venv/bin/python benchmarks/bench_dask.py [--trials 40] [--size 600] [--blas-threads 1]
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

from _common import bench_parser


def scenario(trials: int, size: int):
    from memsim.scenario.load import validate

    return validate(
        {
            "name": "bench_dask",
            "model": {"kind": "hopfield", "rule": "hebbian", "max_sweeps": 100},
            "patterns": {"source": "random", "size": size},
            "cue": {"flip": 0.1},
            "run": {"trials": trials, "seed": 5},
            "capacity": {
                "loads": {"start": 0.04, "stop": 0.22, "num": 10},
                "sizes": [size],
                "cues_per_trial": 50,
            },
        }
    )


def empty_task(template: dict):
    """A task with no work: a ready row with the point's values (pickled by value)."""

    def task(sc, pt, trial):
        row = dict(template)
        row.update({k: pt[k] for k in pt})
        row["trial"] = trial
        return row

    return task


def csv_of(result, folder: Path) -> str:
    from memsim.results import save

    save(result, folder, force=True)
    return (folder / "capacity.csv").read_text()


def timed(sc, scheduler, folder: Path, task=None):
    from memsim.experiments.distributed import run_capacity_sweep

    t0 = time.perf_counter()
    res = run_capacity_sweep(sc, scheduler, checkpoint=folder, task=task)
    return res, time.perf_counter() - t0


def main() -> None:
    args = bench_parser(
        __doc__,
        trials=40,
        size=600,
        blas_threads=(
            1,
            "BLAS threads in this process (Dask sets 1 on its workers; 0 = library default)",
        ),
    ).parse_args()
    if args.blas_threads:  # before numpy is imported
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.blas_threads)

    from distributed import LocalCluster

    from memsim.experiments.distributed import Scheduler, plan_blocks, run_capacity_sweep
    from memsim.experiments.hopfield import capacity_points, capacity_task

    sc = scenario(args.trials, args.size)
    points = capacity_points(sc)
    tmp = Path(tempfile.mkdtemp(prefix="bench_dask_"))
    auto_tasks = len(plan_blocks(sc, points))
    print(
        f"capacity study: N = {args.size}, {len(points)} loads x {args.trials} trials "
        f"(50 cues each); automatic block = {auto_tasks} tasks"
    )

    # warm up Numba in this process
    warm = scenario(2, 60)
    run_capacity_sweep(warm)
    template = capacity_task(warm, capacity_points(warm)[0], 0)

    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, silence_logs=logging.ERROR
    )
    start_s = time.perf_counter() - t0
    dask = Scheduler("dask", address=cluster.scheduler_address, threads_per_worker=1)
    dask1 = Scheduler(
        "dask", address=cluster.scheduler_address, threads_per_worker=1, trials_per_task=1
    )
    run_capacity_sweep(warm, dask, checkpoint=tmp / "warm")  # workers load the Numba cache

    rows = []
    try:
        ref, wall = timed(sc, "local", tmp / "local")
        rows.append(("local, 2 Numba threads", ref, wall, 1))
        sc1 = sc.model_copy(update={"run": sc.run.model_copy(update={"threads": 1})})
        res, wall = timed(sc1, "local", tmp / "local1")
        rows.append(("local, 1 Numba thread", res, wall, 1))
        res, wall = timed(sc, dask, tmp / "dask")
        rows.append(("dask 2 workers x 1 thread", res, wall, 2))
        res1, wall1 = timed(sc, dask1, tmp / "dask1")
        rows.append(("dask, 1 trial per task", res1, wall1, 2))
        ref_csv = csv_of(ref, tmp / "ref")
        same = all(csv_of(r[1], tmp / f"t{i}") == ref_csv for i, r in enumerate(rows))
        # overhead per task: the same tasks with no work in them
        empty = {}
        for name, sched in (("local", Scheduler("local")), ("dask", dask), ("dask1", dask1)):
            # (the local loop's overhead does not depend on its thread count)
            r, w = timed(sc, sched, tmp / f"empty_{name}", task=empty_task(template))
            empty[name] = w / r.meta["tasks"]
    finally:
        cluster.close()

    print(f"LocalCluster start: {start_s:.2f} s (not in the times below)\n")
    head = (
        f"{'backend':28s} {'tasks':>6s} {'wall s':>8s} {'compute s':>10s} "
        f"{'work/task ms':>13s} {'overhead/task ms':>17s} {'overhead %':>11s} {'idle %':>7s}"
    )
    print(head)
    print("-" * len(head))
    keys = ["local", "local", "dask", "dask1"]
    for (name, res, wall, workers), key in zip(rows, keys, strict=True):
        tasks = res.meta["tasks"]
        compute = res.meta["task_seconds"]
        work = compute / tasks
        over = empty[key]
        idle = 1 - compute / (wall * workers)
        print(
            f"{name:28s} {tasks:6d} {wall:8.2f} {compute:10.2f} {work * 1e3:13.2f} "
            f"{over * 1e3:17.2f} {100 * over / work:10.1f}% {100 * idle:6.1f}%"
        )
    print(
        f"\nspeed-up of 2 workers over local: {rows[0][2] / rows[2][2]:.2f}x "
        f"(over local with 1 thread: {rows[1][2] / rows[2][2]:.2f}x); "
        f"tables identical: {same}"
    )


if __name__ == "__main__":
    main()
