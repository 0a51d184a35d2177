"""The small Hopfield capacity sweep that the checkpoint, resume, backend and folder-safety tests
run: one definition of its model, patterns and cue; each test sets its own trials, seed and axes.
"""

from __future__ import annotations

from typing import Any

import yaml


def hopfield_sweep(
    name: str | None,
    *,
    trials: int,
    seed: int,
    loads: list[float],
    sizes: list[int] | None = None,
    size: int = 40,
    max_sweeps: int = 20,
) -> dict[str, Any]:
    """A fresh scenario dict: Hebbian weights, asynchronous recall, random patterns of ``size``
    neurons, cues with 10 % of the bits flipped, a sweep over ``loads`` (and ``sizes``).
    ``name=None`` leaves the name out (memsim then names the run after its file)."""
    sc = {
        "name": name,
        "model": {
            "kind": "hopfield",
            "rule": "hebbian",
            "dynamics": "async",
            "max_sweeps": max_sweeps,
        },
        "patterns": {"source": "random", "size": size},
        "cue": {"flip": 0.1},
        "run": {"trials": trials, "seed": seed},
        "capacity": {"loads": list(loads)},
    }
    if sizes is not None:
        sc["capacity"]["sizes"] = list(sizes)
    if name is None:
        del sc["name"]
    return sc


def as_yaml(sc: dict[str, Any]) -> str:
    """The scenario as a user writes it: one line per section, in the order of the dict."""
    return yaml.safe_dump(sc, sort_keys=False, default_flow_style=None, width=1000)
