"""Experiments: the runners that turn a scenario into engine calls and a Result.

``RUNNERS`` maps ``(command, model kind)`` to a runner; :func:`run` is the notebook entry point::

    import memsim
    result = memsim.run("scenarios/hebbian_letters.yaml")            # recall
    result = memsim.run("scenarios/hebbian_capacity.yaml", "capacity")
    result.summary, result.tables["cues"]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from memsim.errors import MemsimError, ScenarioError
from memsim.experiments.progress import Progress
from memsim.results import Result
from memsim.scenario import Scenario, load_scenario

COMMANDS = ("recall", "capacity")


def _runners() -> dict[tuple[str, str], Callable[..., Result]]:
    """(command, model kind) -> runner, from each registered kind's runners module."""
    from memsim.registry import kinds

    out = {}
    for name, kind in kinds().items():
        for command in COMMANDS:
            fn = kind.runner(command)
            if fn is not None:
                out[(command, name)] = fn
    return out


#: (command, model kind) -> runner(scenario, base_dir, progress) -> Result
RUNNERS: dict[tuple[str, str], Callable[..., Result]] = _runners()


def check_runnable(sc: Scenario, command: str, file: str | None = None) -> None:
    """Raise a ScenarioError if ``command`` cannot run this scenario."""
    from memsim.registry import get

    key = (command, sc.model.kind)
    if key not in RUNNERS:
        kinds = sorted(k for c, k in RUNNERS if c == command)
        raise ScenarioError(
            f"'memsim {command}' does not support model kind {sc.model.kind!r}; "
            f"kinds it supports: {', '.join(kinds)}",
            file=file,
            field="model.kind",
        )
    kind = get(sc.model.kind)
    if command == "capacity" and sc.capacity is None:
        also = ""
        if kind.capacity_patterns and (sc.patterns is None or sc.patterns.source != "random"):
            also = (
                f"; the sweep draws new random patterns at every point, so it also needs "
                f"{kind.capacity_patterns}"
            )
        raise ScenarioError(
            f"'memsim capacity' needs a 'capacity' section; for model kind '{kind.name}', e.g. "
            f"{kind.capacity_example}{also}",
            file=file,
            field="capacity",
        )
    if command == "recall":
        _check_picture_plots(sc, file)
    check = kind.check(command)
    if check is not None:
        check(sc, file)


#: recall plots that draw the patterns as pictures (they need a 2-D shape)
PICTURE_PLOTS = ("pictures", "animation")


def _check_picture_plots(sc: Scenario, file: str | None) -> None:
    """Plots of pictures need 2-D patterns (letters, or a file with a shape); checked for
    `memsim recall` only (a capacity sweep does not draw them)."""
    from memsim.scenario.load import has_picture_shape

    pic = [k for k in PICTURE_PLOTS if k in (sc.output.plots or [])]
    if pic and sc.patterns is not None and not has_picture_shape(sc):
        raise ScenarioError(
            f"'{pic[0]}' needs 2-D patterns: use patterns.source letters, digits or image, "
            "give patterns.shape for a file, or leave it out of output.plots",
            file=file,
            field="output.plots",
        )


def run(
    scenario: Scenario | str | Path,
    command: str = "recall",
    overrides: Sequence[str] = (),
    progress: Progress | None = None,
    base_dir: str | Path | None = None,
    *,
    scheduler=None,
    checkpoint: str | Path | None = None,
    resume: bool = False,
) -> Result:
    """Run a scenario (a file path or a validated :class:`Scenario`) and return its Result.

    For ``capacity``, ``scheduler`` (``"local"``, ``"dask"`` or a
    :class:`memsim.experiments.distributed.Scheduler`), ``checkpoint`` (a results folder that
    receives finished tasks) and ``resume`` (reuse its rows) run the sweep through
    :func:`memsim.experiments.distributed.run_capacity_sweep`; the numbers are the same.
    """
    file = None
    if not isinstance(scenario, str | Path | Scenario):
        raise ScenarioError(
            "scenario must be a scenario file path (str or Path) or a validated Scenario (from "
            f"memsim.load_scenario), got {type(scenario).__name__}; to run a mapping, validate "
            "it first with memsim.scenario.validate(mapping)"
        )
    if isinstance(scenario, str | Path):
        file = str(scenario)
        base_dir = Path(scenario).parent if base_dir is None else base_dir
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        raise MemsimError("overrides apply to scenario files; pass a path")
    if command not in COMMANDS:
        raise MemsimError(f"unknown command {command!r}; allowed: {', '.join(COMMANDS)}")
    check_runnable(scenario, command, file)
    if command == "capacity" and (scheduler is not None or checkpoint is not None or resume):
        if resume and checkpoint is None:
            raise MemsimError("resume=True needs checkpoint=<results folder>")
        from memsim.experiments.distributed import run_capacity_sweep

        return run_capacity_sweep(
            scenario, scheduler, checkpoint=checkpoint, resume=resume, progress=progress
        )
    if scheduler is not None or checkpoint is not None or resume:
        raise MemsimError("scheduler, checkpoint and resume apply to the 'capacity' command only")
    runner = RUNNERS[(command, scenario.model.kind)]
    return runner(scenario, Path(base_dir) if base_dir else None, progress)


__all__ = ["COMMANDS", "RUNNERS", "Progress", "check_runnable", "run"]
