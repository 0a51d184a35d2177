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

from memsim.errors import ScenarioError
from memsim.experiments import hopfield
from memsim.experiments.progress import Progress
from memsim.results import Result
from memsim.scenario import Scenario, load_scenario

COMMANDS = ("recall", "capacity")

#: (command, model kind) -> runner(scenario, base_dir, progress) -> Result
RUNNERS: dict[tuple[str, str], Callable[..., Result]] = {
    ("recall", "hopfield"): hopfield.run_recall,
    ("capacity", "hopfield"): hopfield.run_capacity,
}


def check_runnable(sc: Scenario, command: str, file: str | None = None) -> None:
    """Raise a ScenarioError if ``command`` cannot run this scenario."""
    key = (command, sc.model.kind)
    if key not in RUNNERS:
        kinds = sorted(k for c, k in RUNNERS if c == command)
        raise ScenarioError(
            f"'memsim {command}' does not support model kind {sc.model.kind!r}; "
            f"kinds it supports: {', '.join(kinds)}",
            file=file,
            field="model.kind",
        )
    if command == "capacity" and sc.capacity is None:
        raise ScenarioError(
            "'memsim capacity' needs a 'capacity' section, e.g. capacity: {loads: [0.05, 0.1, "
            "0.15], sizes: [500]}",
            file=file,
            field="capacity",
        )
    if command == "capacity" and sc.model.kind == "hopfield" and sc.patterns.source != "random":
        raise ScenarioError(
            "a capacity sweep draws new random patterns at every load: patterns.source must be "
            "'random'",
            file=file,
            field="patterns.source",
        )


def run(
    scenario: Scenario | str | Path,
    command: str = "recall",
    overrides: Sequence[str] = (),
    progress: Progress | None = None,
    base_dir: str | Path | None = None,
) -> Result:
    """Run a scenario (a file path or a validated :class:`Scenario`) and return its Result."""
    file = None
    if isinstance(scenario, str | Path):
        file = str(scenario)
        base_dir = Path(scenario).parent if base_dir is None else base_dir
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        raise ValueError("overrides apply to scenario files; pass a path")
    if command not in COMMANDS:
        raise ValueError(f"unknown command {command!r}; allowed: {', '.join(COMMANDS)}")
    check_runnable(scenario, command, file)
    runner = RUNNERS[(command, scenario.model.kind)]
    return runner(scenario, Path(base_dir) if base_dir else None, progress)


__all__ = ["COMMANDS", "RUNNERS", "Progress", "check_runnable", "run"]
