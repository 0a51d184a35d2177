"""A complete model kind in one file, added to memsim as a plugin (tests/unit/test_registry.py).

It shows what a new kind needs and that adding one touches none of memsim's files: the schema
part (``Model``, ``Capacity``, ``NEEDS_PATTERNS``), a runner, a plot and the ``KIND``
declaration, registered through the ``memsim.kinds`` entry-point group. The model itself is a
toy: it "stores" a ramp and reports its sum.
"""

from __future__ import annotations

import time
from typing import Literal

import numpy as np
from pydantic import Field

from memsim.registry import Column, ModelKind, Summary
from memsim.results import Result
from memsim.scenario.base import Strict


class Model(Strict):
    """The ``model`` section of the toy kind."""

    kind: Literal["toy"]
    gain: float = Field(1.0, gt=0.0, le=100.0, description="slope of the ramp")
    length: int = Field(5, ge=1, le=1000, description="number of values")


Capacity = None
NEEDS_PATTERNS = False


def run_recall(sc, base_dir=None, progress=None) -> Result:
    t0 = time.perf_counter()
    x = np.arange(sc.model.length) * sc.model.gain
    return Result(
        "recall",
        "toy",
        sc.model_dump(mode="json"),
        {"total": float(x.sum()), "length": sc.model.length},
        {"values": {"i": np.arange(sc.model.length), "x": x}},
        {"x": x},
        {"seconds": time.perf_counter() - t0, "seed": sc.run.seed},
    )


def plot_ramp(result: Result, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot(result.tables["values"]["i"], result.tables["values"]["x"], marker="o")
    ax.set_xlabel("i")
    ax.set_ylabel("x")
    ax.set_title(f"{result.scenario.name}: ramp")
    fig.savefig(path)
    plt.close(fig)
    return path


PLOTTERS = {"ramp": plot_ramp}
RECALL_PLOTS = ("ramp",)
CAPACITY_PLOTS: tuple[str, ...] = ()


def default_plots(result: Result) -> list[str]:
    return ["ramp"]


KIND = ModelKind(
    name="toy",
    order=100,
    description="a toy kind that shows how a model kind is added",
    schema=__name__,
    runners=__name__,
    plots=__name__,
    summaries={"recall": Summary(columns=(Column("sum of the ramp", "total", ".1f"),))},
)
