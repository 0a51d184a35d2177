"""Scenario sections of sequence recall (model kind ``sequence``).

The stored patterns, in order, form a sequence xi^1 -> xi^2 -> ... stored in asymmetric Hebbian
couplings ``W = J_fwd + lam J_sym`` (Amari 1972; Sompolinsky & Kanter 1986), run by
:mod:`memsim.hopfield.sequence`. Recall: synchronous or asynchronous, optionally with slow
synapses of time constant ``tau``. Capacity: synchronous recall of random cyclic sequences
against the load alpha = P / N (critical load 0.269, During, Coolen & Sherrington 1998).
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


class SequenceModel(Strict):
    """Asymmetric Hebbian sequence network ``W = J_fwd + lam J_sym``."""

    kind: Literal["sequence"] = Field(description="model family")
    cyclic: bool = Field(
        False, description="the last pattern leads back to the first (a limit cycle)"
    )
    lam: float = Field(
        0.0,
        ge=0.0,
        le=100.0,
        description="weight of the symmetric Hebbian part (0 < lam < 1 holds the last pattern of "
        "a non-cyclic sequence; Sompolinsky & Kanter's lambda is 1 / lam)",
    )
    dynamics: Literal["sync", "async"] = Field(
        "sync", description="all neurons at once, or one at a time in a random order per sweep"
    )
    tau: float | None = Field(
        None,
        ge=1.0,
        le=10_000.0,
        description="time constant of the slow synapses in steps/sweeps (null: no delay)",
    )
    steps: int = Field(20, ge=1, le=100_000, description="synchronous steps or async sweeps")


class SequenceCapacity(Strict):
    """Synchronous recall of random cyclic sequences against the load alpha = P / N.

    Each (size, load, trial) stores P = round(alpha N) random patterns as a cyclic sequence,
    cues with xi^1 (corrupted by ``cue.flip``) and measures the overlap with the pattern expected
    after ``steps`` steps (:func:`memsim.experiments.studies.sequence.capacity_curve`)."""

    kind: Literal["sequence"] = "sequence"
    loads: list[Annotated[float, Field(gt=0.0, le=10.0)]] = Field(description="loads alpha = P / N")
    sizes: list[Annotated[int, Field(ge=4, le=100_000)]] | None = Field(
        None, description="network sizes N (default: patterns.size)"
    )
    steps: int = Field(20, ge=1, le=10_000, description="steps before the overlap is measured")
    success_overlap: float = Field(
        0.9, gt=-1.0, le=1.0, description="final overlap counted as a successful recall"
    )
    critical_overlap: float = Field(
        0.5, gt=0.0, lt=1.0, description="mean overlap that defines the critical load"
    )

    _nonempty = nonempty("loads", "sizes")


Model = SequenceModel
Capacity = SequenceCapacity


def cross_check(sc, file: str | None, base_dir) -> None:
    """Cue indices within range; capacity only without slow synapses; memory."""
    from memsim.errors import ScenarioError
    from memsim.scenario.load import check_cue_indices, check_run_memory, pattern_count_and_size

    p, n = pattern_count_and_size(sc, base_dir)
    if p < 2 and not sc.model.cyclic:
        raise ScenarioError(
            "a sequence needs at least 2 patterns (or model.cyclic: true)",
            file=file,
            field="patterns",
        )
    n_cues = check_cue_indices(sc, p, file)
    m = sc.model

    # couplings (two float64 N x N plus kernel copies), trajectories int8, overlaps float64,
    # the per-step trace table (about 40 bytes per row)
    def need_of(k: int) -> int:
        return 4 * k * k * 8 + n_cues * (m.steps + 1) * (k + p * 8 + p * 40)

    def sweep_need(cap) -> int:
        big = max(cap.sizes or [n])
        pmax = max(1, round(max(cap.loads) * big))
        return 4 * big * big * 8 + (cap.steps + 1) * (big + pmax * 8) + pmax * big

    check_run_memory(sc, file, need_of, n, sweep_need, "capacity.sizes")


# ------------------------------------------------------------------------------ the kind ----
KIND = builtin(
    name="sequence",
    order=10,
    description="sequences of patterns in asymmetric Hebbian networks (Sompolinsky & Kanter "
    "1986): sync/async recall, slow synapses, capacity 0.269 (During et al. 1998)",
    summaries={
        "recall": Summary(
            columns=(
                col.PATTERNS,
                col.NEURONS,
                col.RETRIEVED.but(label="sequences recalled in order"),
                Column("correct transitions per cue", "mean_correct_transitions", ".2f"),
                Column("wrong transitions per cue", "mean_wrong_transitions", ".2f"),
                col.FINAL_OVERLAP,
            )
        ),
        "capacity": Summary(
            table="capacity_summary",
            axes=(col.SIZE,),
            columns=(
                col.LOAD,
                col.MEAN_OVERLAP.but(sem="stderr"),
                col.RETRIEVED.but(label="success", key="success"),
            ),
        ),
    },
    capacity_patterns="patterns: {source: random, size: 200}",
    capacity_example="capacity: {loads: [0.1, 0.2, 0.3]}",
)
