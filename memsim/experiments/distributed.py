"""Capacity sweeps on an execution backend: in-process (``local``) or Dask (``dask``).

The unit of work is one *task*: one sweep point and a block of its trials. Every row depends
only on the scenario, the point values and the trial index (each trial draws its patterns, cue
noise and update orders from streams keyed by ``(seed, N, P, ..., trial)``, see
:mod:`memsim.experiments.hopfield`), so the tables are bit for bit the same on every backend,
for any number of workers, any block size and any order of completion.

Backends (:class:`Scheduler`):

* ``local`` -- the tasks run one after another in this process, with ``run.threads`` Numba
  threads (as ``memsim capacity`` always did);
* ``dask`` -- an embedded ``dask.distributed.LocalCluster`` of ``workers`` processes;
* ``dask`` with ``address`` -- an existing Dask cluster (``tcp://host:port`` of its scheduler).

On Dask each worker runs one memsim task at a time (a lock serialises tasks inside a worker
process, since two Numba parallel regions must not run at once in one process), with
``threads_per_worker`` Numba threads. BLAS keeps Dask's one thread per worker (the Hebbian outer
product is a small part of a trial, and this OpenBLAS build crashes in a multi-threaded float64
product at N = 20000). Compiled kernels come from Numba's on-disk cache (``cache=True``), so a
worker compiles each kernel at most once.

Block size (:func:`trials_per_task`): as many trials as fit in about
:data:`TARGET_TASK_SECONDS` (0.5 s) by a cost model of one trial (:func:`estimate_trial_seconds`,
calibrated on a 2-core machine, within a factor 0.3 ... 1.6 of measured times). A Dask task costs
5 ... 12 ms of scheduling, transfer and checkpoint append (measured with empty tasks by
``benchmarks/bench_dask.py``), so a 0.5 s task keeps that overhead near 2 % of the work, and
under 10 % even where the model overestimates a trial threefold. Points with N in the thousands
take seconds to minutes per trial and get one trial per task. The block never changes a number.

Failures: a task that raises is retried ``retries`` times (Dask: ``retries=`` of ``submit``; a
worker that dies is replaced by its nanny and its tasks are rescheduled by the Dask scheduler).
A point whose task still fails is left out of the tables and reported by its values in
``summary["failed_points"]`` and the warnings; its finished trials stay in the checkpoint, so
``--resume`` retries only what is missing.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from memsim._jit import set_threads
from memsim.errors import MemsimError
from memsim.experiments.checkpoint import Checkpoint, open_checkpoint
from memsim.experiments.progress import Progress
from memsim.results import Result
from memsim.scenario.schema import Scenario

SCHEDULERS = ("local", "dask")

#: target work of one task in seconds (see the module docstring)
TARGET_TASK_SECONDS = 0.5

#: retries of a failing task before its point is reported as failed
RETRIES = 2

#: an embedded LocalCluster without any worker for this long is an error
NO_WORKER_SECONDS = 30.0

# Cost model of one capacity trial, in seconds (non-negative least squares on relative error,
# N = 80 ... 4000, loads 0.05 ... 0.3, 50 or all cues, max_sweeps 100, one 2-core machine;
# within a factor 0.3 ... 1.6 of the measured times there): a fixed part, storing and the
# one-step test (N^2 P), flips of the k cues (k N^2) and sweeps that find nothing to flip,
# more of them at high load (k N load min(max_sweeps, 100)).
_COST = (4e-4, 1.6e-10, 1.7e-10, 4.8e-8)


# ----------------------------------------------------------------------------- scheduler ----
@dataclass(frozen=True)
class Scheduler:
    """Where the tasks of a sweep run.

    Parameters
    ----------
    kind : {"local", "dask"}
        In-process, or Dask (an embedded LocalCluster, or an existing cluster with ``address``).
    workers : int, optional
        Worker processes of the embedded LocalCluster (default: cores / threads_per_worker).
    threads_per_worker : int, optional
        Numba threads of each Dask worker (default: ``run.threads`` if set, else cores / workers
        on an embedded cluster, else the worker's own thread count on an existing cluster).
    address : str, optional
        Scheduler address of an existing Dask cluster, e.g. ``"tcp://10.0.0.5:8786"``.
    retries : int
        Retries of a failing task.
    trials_per_task : int, optional
        Fixed block size (default: chosen per point by :func:`trials_per_task`).
    connect_timeout : float
        Seconds to wait for an existing scheduler.
    """

    kind: str = "local"
    workers: int | None = None
    threads_per_worker: int | None = None
    address: str | None = None
    retries: int = RETRIES
    trials_per_task: int | None = None
    connect_timeout: float = 10.0

    def __post_init__(self):
        if self.kind not in SCHEDULERS:
            raise MemsimError(
                f"scheduler {self.kind!r} is not known; allowed: {', '.join(SCHEDULERS)}"
            )
        for name in ("workers", "threads_per_worker", "trials_per_task"):
            v = getattr(self, name)
            if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
                raise MemsimError(f"{name} must be an integer >= 1, got {v!r}")
        if not isinstance(self.retries, int) or self.retries < 0:
            raise MemsimError(f"retries must be an integer >= 0, got {self.retries!r}")
        if self.kind == "local":
            for name, opt in (
                ("workers", "--workers"),
                ("threads_per_worker", "--threads-per-worker"),
                ("address", "--address"),
            ):
                if getattr(self, name) is not None:
                    extra = " (for the local scheduler use --threads)" if "threads" in name else ""
                    raise MemsimError(f"{opt} applies only to --scheduler dask{extra}")
        if self.address is not None:
            if not isinstance(self.address, str) or not self.address.strip():
                raise MemsimError(f"address must be a scheduler address, got {self.address!r}")
            if self.workers is not None:
                raise MemsimError(
                    "--workers starts an embedded cluster and cannot be used with --address "
                    "(an existing cluster has its own workers)"
                )
        if not self.connect_timeout > 0:
            raise MemsimError(f"connect_timeout must be > 0, got {self.connect_timeout!r}")


# --------------------------------------------------------------------------------- tasks ----
@dataclass(frozen=True)
class Block:
    """One task: a sweep point (its index in :func:`capacity_points`) and some of its trials."""

    point: int
    trials: tuple[int, ...]


def estimate_trial_seconds(sc: Scenario, pt: dict) -> float:
    """Rough seconds of one capacity trial at point ``pt`` on one core (for the block size)."""
    n, p = pt["size"], pt["patterns"]
    cpt = sc.capacity.cues_per_trial
    k = p if cpt == "all" else min(p, cpt)
    a, b, c, d = _COST
    sweeps = min(sc.model.max_sweeps, 100)
    return a + b * n * n * p + c * k * n * n + d * k * n * pt["load"] * sweeps


def trials_per_task(sc: Scenario, pt: dict, target: float = TARGET_TASK_SECONDS) -> int:
    """Trials per task at point ``pt``: about ``target`` seconds of work, at least one.

    The cost model is the classical Hopfield one; other kinds run all trials of a point in one
    task (their points are small).
    """
    if sc.model.kind != "hopfield":
        return sc.run.trials
    per = estimate_trial_seconds(sc, pt)
    return int(max(1, min(sc.run.trials, target // per if per < target else 1)))


def plan_blocks(
    sc: Scenario,
    points: Sequence[dict],
    done: Iterable[tuple[int, int]] = (),
    block: int | None = None,
) -> list[Block]:
    """Tasks for the (point, trial) pairs not in ``done``, in sweep order.

    Consecutive missing trials of a point are grouped ``block`` (default
    :func:`trials_per_task`) at a time.
    """
    done = set(done)
    out = []
    for i, pt in enumerate(points):
        size = block or trials_per_task(sc, pt)
        missing = [t for t in range(sc.run.trials) if (i, t) not in done]
        for j in range(0, len(missing), size):
            out.append(Block(i, tuple(missing[j : j + size])))
    return out


_TASK_LOCK = threading.Lock()


def _plain(x):
    """Numpy scalars to Python scalars (so rows round-trip through JSON exactly)."""
    return x.item() if hasattr(x, "item") and not isinstance(x, str | bytes) else x


def _worker_nthreads() -> int | None:
    try:
        from distributed import get_worker

        w = get_worker()
    except (ImportError, ValueError):
        return None
    state = getattr(w, "state", w)
    return int(getattr(state, "nthreads", 0)) or None


def sweep_functions(kind: str):
    """``(capacity_points, capacity_task, assemble_capacity)`` of a model kind, or None when the
    kind's sweep is not split into independent (point, trial) tasks (from the registry)."""
    from memsim.registry import get

    return get(kind).sweep()


def _functions(sc: Scenario):
    fns = sweep_functions(sc.model.kind)
    if fns is None:
        raise MemsimError(
            f"model kind '{sc.model.kind}' has no task-based capacity sweep (no backends or "
            "checkpoints); run it without --scheduler/--resume"
        )
    return fns


def run_block(
    sc: Scenario,
    pt: dict,
    trials: Sequence[int],
    threads: int | None = None,
    task: Callable[[Scenario, dict, int], dict] | None = None,
) -> dict:
    """Run one task (on a worker or in-process): the rows of ``trials`` at point ``pt``.

    ``threads`` Numba threads (default: ``run.threads``). Tasks in one process run one at a
    time. Returns ``{"rows": [...], "seconds": compute time, "worker": pid}``.
    """
    task = task or _functions(sc)[1]
    with _TASK_LOCK:
        if threads is None:
            threads = sc.run.threads
        if threads is not None:
            set_threads(threads)
            if sc.run.threads != threads:
                sc = sc.model_copy(update={"run": sc.run.model_copy(update={"threads": threads})})
        t0 = time.perf_counter()
        rows = [{k: _plain(v) for k, v in task(sc, pt, int(t)).items()} for t in trials]
        return {"rows": rows, "seconds": time.perf_counter() - t0, "worker": os.getpid()}


def _dask_block(sc, pt, trials, threads, task) -> dict:
    """:func:`run_block` on a Dask worker: ``threads=None`` means the worker's thread count."""
    return run_block(sc, pt, trials, threads or sc.run.threads or _worker_nthreads(), task)


# ------------------------------------------------------------------------------ backends ----
Outcome = tuple[Block, dict | None, BaseException | None]


class _LocalBackend:
    """Tasks one after another in this process."""

    def __init__(self, scheduler: Scheduler, log: Callable[[str], None], threads: int | None):
        self.scheduler = scheduler
        self.info = {"kind": "local", "threads": threads}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def results(self, sc, points, blocks, task) -> Iterator[Outcome]:
        for b in blocks:
            out, err = None, None
            for _ in range(self.scheduler.retries + 1):
                try:
                    out = run_block(sc, points[b.point], b.trials, sc.run.threads, task)
                    err = None
                    break
                except Exception as exc:  # a failing point must not stop the sweep
                    err = exc
            yield b, out, err


def _versions() -> dict:
    import numba
    import numpy

    import memsim

    return {"memsim": memsim.__version__, "numba": numba.__version__, "numpy": numpy.__version__}


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class _DaskBackend:
    """Tasks on an embedded LocalCluster or an existing Dask cluster."""

    def __init__(self, scheduler: Scheduler, log: Callable[[str], None], threads: int | None):
        self.scheduler = scheduler
        self.default_threads = threads  # run.threads: the default Numba threads per worker
        self.log = log
        self.client = None
        self.cluster = None
        self.threads: int | None = None
        self.info: dict = {"kind": "dask"}
        self._pending: list = []
        self._last_check = 0.0
        self._no_workers_since: float | None = None

    def __enter__(self):
        try:
            import distributed
        except ImportError:
            raise MemsimError(
                "--scheduler dask needs dask.distributed: pip install 'memsim[dask]' "
                "(or pip install 'dask[distributed]')"
            ) from None
        s = self.scheduler
        try:
            if s.address is None:
                self._start_local(distributed)
            else:
                self._connect(distributed)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start_local(self, distributed) -> None:
        s = self.scheduler
        cores = _cores()
        tpw = s.threads_per_worker or self.default_threads
        workers = s.workers or max(1, cores // (tpw or 1))
        tpw = tpw or max(1, cores // workers)
        self.threads = tpw
        self.cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,  # one memsim task at a time; Numba threads inside it
            processes=True,
            silence_logs=logging.ERROR,
        )
        self.client = distributed.Client(self.cluster)
        self.info.update(workers=workers, threads_per_worker=tpw, address=None)
        self._log_dashboard(f"Dask LocalCluster: {workers} workers x {tpw} Numba threads")

    def _connect(self, distributed) -> None:
        s = self.scheduler
        try:
            self.client = distributed.Client(s.address, timeout=s.connect_timeout)
        except (OSError, TimeoutError) as exc:
            raise MemsimError(
                f"cannot reach the Dask scheduler at {s.address} within {s.connect_timeout:g} s "
                f"({type(exc).__name__}: {exc}). Start it with 'dask scheduler' and its workers "
                "with 'dask worker ADDRESS', or check --address"
            ) from None
        # None: each worker's own thread count (resolved on the worker)
        self.threads = s.threads_per_worker or self.default_threads
        try:
            found = self.client.run(_versions)
        except Exception as exc:
            raise MemsimError(
                f"the workers of {s.address} cannot run memsim ({type(exc).__name__}: {exc}); "
                "install the same memsim version on every worker"
            ) from None
        mine = _versions()
        bad = [
            f"{w}: " + ", ".join(f"{k} {v[k]}" for k in ("memsim", "numba") if v[k] != mine[k])
            for w, v in found.items()
            if any(v[k] != mine[k] for k in ("memsim", "numba"))
        ]
        if bad:
            raise MemsimError(
                f"workers with other versions than this machine (memsim {mine['memsim']}, numba "
                f"{mine['numba']}): {'; '.join(bad[:3])}. Install the same versions on every "
                "worker (numbers must not depend on where a task ran)"
            )
        self.info.update(workers=len(found), threads_per_worker=self.threads, address=s.address)
        note = "" if found else " (no workers yet: tasks wait until workers join)"
        self._log_dashboard(f"Dask cluster {s.address}: {len(found)} workers{note}")

    def _log_dashboard(self, what: str) -> None:
        try:
            link = self.client.dashboard_link
        except Exception:  # a scheduler without the dashboard service
            link = None
        self.info["dashboard"] = link
        if link:
            import importlib.util

            hint = "" if importlib.util.find_spec("bokeh") else " (needs bokeh>=3.1 to draw)"
            self.log(f"{what}; dashboard: {link}{hint}")
        else:
            self.log(f"{what}; no dashboard")

    def __exit__(self, *exc):
        if self.client is not None and self._pending:
            try:
                self.client.cancel(self._pending)
            except Exception:
                pass
        self._pending = []
        for obj in (self.client, self.cluster):
            if obj is not None:
                try:
                    obj.close()
                except Exception:
                    pass
        self.client = self.cluster = None
        return False

    def _check_workers(self) -> None:
        """Every few seconds: are there workers? An embedded cluster without any for
        :data:`NO_WORKER_SECONDS` is an error (its nannies gave up); an existing cluster may get
        workers later (a note is logged once)."""
        now = time.monotonic()
        if now - self._last_check < 2.0:
            return
        self._last_check = now
        try:
            n = len(self.client.nthreads())
        except Exception:
            n = 0
        if n:
            self._no_workers_since = None
            return
        if self._no_workers_since is None:
            self._no_workers_since = now
            if self.cluster is None:
                self.log(f"the Dask cluster {self.scheduler.address} has no workers: waiting")
        elif self.cluster is not None and now - self._no_workers_since > NO_WORKER_SECONDS:
            raise MemsimError(
                f"every worker of the Dask LocalCluster is gone for {NO_WORKER_SECONDS:g} s "
                "(see the messages above: a worker that runs out of memory or cannot unpickle "
                "a task is closed); finished tasks are in the checkpoint"
            )

    def results(self, sc, points, blocks, task) -> Iterator[Outcome]:
        from distributed import as_completed

        # largest tasks first (shorter tail); the order never changes a number
        order = sorted(
            blocks, key=lambda b: -estimate_trial_seconds(sc, points[b.point]) * len(b.trials)
        )
        run_id = uuid.uuid4().hex[:8]
        futures = {}
        for prio, b in enumerate(order):
            key = f"memsim_capacity-{run_id}-p{b.point}-t{b.trials[0]}"
            f = self.client.submit(
                _dask_block,
                sc,
                points[b.point],
                b.trials,
                self.threads,
                task,
                key=key,
                retries=self.scheduler.retries,
                priority=len(order) - prio,
                pure=False,
            )
            futures[f] = b
        self._pending = list(futures)
        ac = as_completed(list(futures))
        while not ac.is_empty():
            if not ac.has_ready():
                time.sleep(0.02)  # only the bookkeeping waits: the workers have their queues
                self._check_workers()
                continue
            f = next(ac)
            b = futures.pop(f)
            # result() also waits for a task that finished on a worker which then died (its
            # result is lost and the scheduler computes it again), and raises the task's error
            try:
                out, err = f.result(), None
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # the task's error, KilledWorker, cancelled
                out, err = None, exc
            f.release()
            self._pending = list(futures)
            yield b, out, err


# ------------------------------------------------------------------------------ the sweep ---
def describe_point(pt: dict) -> str:
    """A point by its values, e.g. ``size=500, rule=hebbian, ..., load=0.14, patterns=70``."""
    return ", ".join(f"{k}={v}" for k, v in pt.items())


def run_capacity_sweep(
    sc: Scenario,
    scheduler: Scheduler | str | None = None,
    *,
    checkpoint: Checkpoint | str | Path | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
    task: Callable[[Scenario, dict, int], dict] | None = None,
) -> Result:
    """Run a capacity sweep on a backend, with an optional checkpoint; return its Result.

    Parameters
    ----------
    sc : Scenario
        A scenario with a ``capacity`` section (random patterns).
    scheduler : Scheduler or "local" or "dask", optional
        Where the tasks run (default: in-process).
    checkpoint : Checkpoint or path, optional
        Results folder (or an opened :class:`~memsim.experiments.checkpoint.Checkpoint`) that
        receives each finished task; a path is opened with
        :func:`~memsim.experiments.checkpoint.open_checkpoint` (``resume`` as given).
    resume : bool
        Reuse the rows already in the checkpoint (only with a path).
    progress : Progress, optional
        Progress over points x trials (resumed trials count as done at the start).
    log : callable, optional
        Receives one-line messages (cluster and dashboard address, resume counts).
    task : callable, optional
        ``task(sc, point, trial) -> row`` (default
        :func:`memsim.experiments.hopfield.capacity_task`); must be picklable for Dask.

    Returns
    -------
    Result
        As :func:`memsim.experiments.hopfield.run_capacity`; ``meta`` adds ``scheduler``,
        ``tasks``, ``task_seconds``, ``resumed_trials``; failed points are listed in
        ``summary["failed_points"]`` and left out of the tables.

    Raises
    ------
    MemsimError
        Bad scheduler options, unreachable cluster, checkpoint of another scenario, or every
        point failed.
    """
    if scheduler is None or isinstance(scheduler, str):
        scheduler = Scheduler(scheduler or "local")
    if sc.capacity is None:
        raise MemsimError("a capacity sweep needs a scenario with a 'capacity' section")
    progress = progress or Progress()
    log = log or (lambda msg: None)
    t0 = time.perf_counter()
    points = _functions(sc)[0](sc)
    if checkpoint is not None and not isinstance(checkpoint, Checkpoint):
        checkpoint = open_checkpoint(checkpoint, sc, points, resume=resume)
        try:
            return _sweep(sc, scheduler, checkpoint, progress, log, task, points, t0)
        finally:
            checkpoint.close()
    return _sweep(sc, scheduler, checkpoint, progress, log, task, points, t0)


def _sweep(sc, scheduler, checkpoint, progress, log, task, points, t0) -> Result:
    rows: dict[tuple[int, int], dict] = dict(checkpoint.done) if checkpoint else {}
    resumed = len(rows)
    blocks = plan_blocks(sc, points, rows.keys(), scheduler.trials_per_task)
    total = len(points) * sc.run.trials
    if resumed:
        log(
            f"resuming: {resumed} of {total} trials are in the checkpoint, {len(blocks)} tasks left"
        )
    failures: dict[int, BaseException] = {}
    task_seconds = 0.0
    info: dict = {"kind": scheduler.kind}
    backend_cls = _LocalBackend if scheduler.kind == "local" else _DaskBackend
    progress.start("points x trials", total)
    try:
        if resumed:
            progress.advance(resumed)
        if blocks:
            with backend_cls(scheduler, log, sc.run.threads) as backend:
                for b, out, err in backend.results(sc, points, blocks, task):
                    if err is not None:
                        failures.setdefault(b.point, err)
                    else:
                        if checkpoint is not None:
                            checkpoint.append(b.point, out["rows"])
                        for r in out["rows"]:
                            rows[(b.point, int(r["trial"]))] = r
                        task_seconds += out["seconds"]
                    progress.advance(len(b.trials))
                info = dict(backend.info)
    finally:
        progress.stop()
    failed = [
        {**{k: points[i][k] for k in points[i]}, "error": _err_text(e)}
        for i, e in sorted(failures.items())
    ]
    if len(failures) == len(points):
        i, e = next(iter(sorted(failures.items())))
        raise MemsimError(
            f"every point of the sweep failed; the first, {describe_point(points[i])}, with "
            f"{_err_text(e)}"
        )
    ordered = [
        rows[(i, t)] for i in range(len(points)) if i not in failures for t in range(sc.run.trials)
    ]
    meta = {
        "scheduler": {**info, **{k: v for k, v in asdict(scheduler).items() if k not in info}},
        "tasks": len(blocks),
        "task_seconds": task_seconds,
        "resumed_trials": resumed,
    }
    if checkpoint is not None:
        meta["checkpoint"] = checkpoint.rows_path.name
    result = _functions(sc)[2](sc, ordered, time.perf_counter() - t0, meta)
    if failed:  # a new Result: a Result is never changed once made
        warned = [
            f"point {describe_point(points[i])} failed after {scheduler.retries + 1} attempts "
            f"({_err_text(e)}); it is left out of the tables; run again with --resume to retry it"
            for i, e in sorted(failures.items())
        ]
        result = dataclasses.replace(
            result,
            summary={**result.summary, "failed_points": failed},
            meta={**result.meta, "warnings": [*result.meta.get("warnings", []), *warned]},
        )
    return result


def _err_text(e: BaseException) -> str:
    text = f"{type(e).__name__}: {e}"
    return text if len(text) <= 300 else text[:297] + "..."


__all__ = [
    "RETRIES",
    "SCHEDULERS",
    "TARGET_TASK_SECONDS",
    "Block",
    "Scheduler",
    "describe_point",
    "estimate_trial_seconds",
    "plan_blocks",
    "run_block",
    "run_capacity_sweep",
    "trials_per_task",
]
