"""Scenario sections of the graded-response Hopfield network (model kind ``continuous``).

``tau du/dt = -u + W tanh(gain u)`` (Hopfield 1984, eq. 5) with Hebbian couplings
``W = (1/N) sum_mu xi^mu (xi^mu)^T``, zero diagonal, built from the ``patterns`` section; cues
start at ``u(0) = amplitude * cue``. Run by :mod:`memsim.hopfield.continuous` (solve_ivp).
Recall: trajectories V(t) and the Lyapunov energy (eq. 7). The sweep (``memsim capacity``) is
a gain sweep: below gain = 1 / lambda_max(W) the network decays to the origin, above it it
settles in graded versions of the stored patterns.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from memsim.registry import Column, Summary
from memsim.scenario import columns as col
from memsim.scenario.base import Strict
from memsim.scenario.fields import nonempty
from memsim.scenario.kinds import builtin

NEEDS_PATTERNS = True


class ContinuousModel(Strict):
    """Graded neurons in continuous time (Hopfield 1984)."""

    kind: Literal["continuous"] = Field(description="model family")
    gain: float = Field(4.0, gt=0.0, le=1e4, description="slope of V = tanh(gain u) at 0")
    tau: float = Field(1.0, gt=0.0, le=1e4, description="time constant")
    duration: float = Field(20.0, gt=0.0, le=1e5, description="integration time (units of tau)")
    points: int = Field(101, ge=2, le=100_000, description="output times from 0 to duration")
    amplitude: float = Field(
        0.1, gt=0.0, le=100.0, description="initial internal state u(0) = amplitude * cue"
    )
    method: Literal["RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA"] = Field(
        "RK45", description="solve_ivp method (stiff methods help at very high gain)"
    )
    rtol: float = Field(1e-6, gt=0.0, lt=1.0, description="solve_ivp relative tolerance")
    atol: float = Field(1e-9, gt=0.0, lt=1.0, description="solve_ivp absolute tolerance")


class ContinuousCapacity(Strict):
    """Gain sweep: the final state of every cue at each gain
    (:func:`memsim.experiments.studies.continuous.gain_sweep`)."""

    kind: Literal["continuous"] = "continuous"
    gains: list[Annotated[float, Field(gt=0.0, le=1e4)]] = Field(description="gains to run")

    _nonempty = nonempty("gains")


Model = ContinuousModel
Capacity = ContinuousCapacity


def cross_check(sc, file: str | None, base_dir) -> None:
    """Cue indices within range; memory (trajectories are B x T x N float64, twice)."""
    from memsim.scenario.load import check_memory, check_run_memory, cued_patterns

    p, n, n_cues = cued_patterns(sc, file, base_dir)
    m = sc.model
    stiff = m.method in ("Radau", "BDF", "LSODA")

    def need_of(k: int) -> int:
        return k * k * 8 * (4 if stiff else 2) + n_cues * m.points * k * 8 * 3

    if m.points * n_cues > n:
        check_memory(need_of(n), file, "model.points")
    else:
        check_run_memory(sc, file, need_of, n)


KIND = builtin(
    name="continuous",
    order=12,
    description="graded-response Hopfield network in continuous time (Hopfield 1984): "
    "trajectories, Lyapunov energy, gain sweep",
    summaries={
        "recall": Summary(
            columns=(
                col.PATTERNS,
                col.NEURONS,
                col.GAIN,
                Column("critical gain 1/lambda_max", "critical_gain", ".3f"),
                col.RETRIEVED,
                col.FINAL_OVERLAP,
                col.AMPLITUDE,
            )
        ),
        "capacity": Summary(
            table="gain_summary",
            columns=(
                col.GAIN,
                col.AMPLITUDE,
                col.MEAN_OVERLAP,
                Column("discrete fixed point", "fraction_agrees", "pct"),
            ),
        ),
    },
    capacity_example="capacity: {gains: [0.5, 1, 2, 4]}",
)
