"""Progress reporting hook: experiments call it; the CLI supplies a rich progress bar."""

from __future__ import annotations


class Progress:
    """Silent progress reporter (the base class). Subclasses draw bars."""

    def start(self, label: str, total: int) -> None:
        """A new task of ``total`` steps begins."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps are done."""

    def stop(self) -> None:
        """The task is finished."""


def serial_sweep(sc, points_of, task, assemble, progress: Progress | None = None, *, notes=False):
    """Run a task-split capacity sweep in this process: ``task(sc, point, trial)`` for every
    point of ``points_of(sc)`` and trial, in order, then ``assemble(sc, rows, seconds)``.

    With ``notes``, the warnings raised meanwhile are caught and the distinct messages of the
    first five memsim warnings go to ``assemble(sc, rows, seconds, {"notes": [...]})``.

    The same three functions drive the Dask backend (:mod:`memsim.experiments.distributed`) and
    the checkpointed runs, so every path gives the same rows.
    """
    import contextlib
    import time
    import warnings

    from memsim.errors import MemsimWarning

    progress = progress or Progress()
    t0 = time.perf_counter()
    points = points_of(sc)
    progress.start("points x trials", len(points) * sc.run.trials)
    rows = []
    with warnings.catch_warnings(record=True) if notes else contextlib.nullcontext() as caught:
        if notes:
            warnings.simplefilter("always", MemsimWarning)
        for pt in points:
            for t in range(sc.run.trials):
                rows.append(task(sc, pt, t))
                progress.advance(1)
    progress.stop()
    if not notes:
        return assemble(sc, rows, time.perf_counter() - t0)
    msgs = dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, MemsimWarning))
    return assemble(sc, rows, time.perf_counter() - t0, {"notes": list(msgs)[:5]})
