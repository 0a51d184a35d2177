"""Scenario sections of the bidirectional associative memory (model kind ``bam``; Kosko 1988).

Pairs (x^mu, y^mu): the ``patterns`` section gives the x side; the y side comes from the model
section, either random (``model.y_size`` neurons, fresh per trial) or letters
(``model.y_letters``, one letter per x pattern, e.g. x = "TWO", y = "SIX"). Recall cues one
side (``model.cue_side``) and alternates half-steps until the pair is stable
(:mod:`memsim.hopfield.bam`). Capacity: stability, recall and one-step bit error of random pairs
against the number of stored pairs, with the exact crosstalk bit error.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from memsim.registry import Column, Summary
from memsim.scenario import columns as col
from memsim.scenario.base import Strict
from memsim.scenario.fields import Bias, nonempty
from memsim.scenario.kinds import builtin

NEEDS_PATTERNS = True


class BAMModel(Strict):
    """Kosko's BAM: ``W = sum_mu y^mu (x^mu)^T``, recall ``y <- sgn(W x)``, ``x <- sgn(W^T y)``."""

    kind: Literal["bam"] = Field(description="model family")
    y_size: int = Field(
        100,
        ge=2,
        le=1_000_000,
        description="neurons Ny of random y patterns (ignored with y_letters)",
    )
    y_bias: Bias = Field(0.0, description="mean of random y entries")
    y_letters: str | None = Field(
        None,
        min_length=1,
        max_length=26,
        pattern=r"^[A-Za-z]+$",
        description="letters for the y side, one per x pattern (null: random y)",
    )
    y_scale: int = Field(2, ge=1, le=16, description="upscaling of the y letters")
    cue_side: Literal["x", "y"] = Field(
        "x",
        description="which side is cued (corrupted by the cue section); the other starts random",
    )
    max_steps: int = Field(100, ge=1, le=100_000, description="limit on full steps")


class BAMCapacity(Strict):
    """Random pairs against their number P (Nx = patterns.size, Ny = model.y_size): fraction of
    stored pairs that are stable, fraction recalled from x cues with ``cue.flip`` bits flipped,
    and the one-step bit error beside its exact value
    (:func:`memsim.hopfield.bam.crosstalk_bit_error`)."""

    kind: Literal["bam"] = "bam"
    pairs: list[Annotated[int, Field(ge=1, le=1_000_000)]] = Field(
        description="numbers of stored pairs P"
    )

    _nonempty = nonempty("pairs")


Model = BAMModel
Capacity = BAMCapacity


def cross_check(sc, file: str | None, base_dir) -> None:
    """Cue indices in range; memory (the y letters are checked by the recall runner: the
    capacity sweep draws random pairs and does not use them)."""
    from memsim.scenario.load import check_run_memory, cued_patterns

    p, nx, n_cues = cued_patterns(sc, file, base_dir, noun="pair")
    m = sc.model
    ny = 35 * m.y_scale**2 if m.y_letters else m.y_size

    def need_of(k: int) -> int:
        return ny * k * 8 * 3 + n_cues * ((k + ny) * 3 + (2 * m.max_steps + 1) * 8 * 4)

    def sweep_need(cap) -> int:
        pm = max(cap.pairs)
        return ny * nx * 8 * 4 + pm * (nx + ny) * 12 + pm * (2 * m.max_steps + 1) * 8

    check_run_memory(sc, file, need_of, nx, sweep_need, "capacity.pairs")


# ------------------------------------------------------------------------------ the kind ----
KIND = builtin(
    name="bam",
    order=11,
    description="bidirectional associative memory (Kosko 1988): hetero-association of pattern "
    "pairs, energy per half-step, capacity against the exact crosstalk",
    summaries={
        "recall": Summary(
            columns=(
                col.PAIRS,
                Column("Nx, Ny", "sizes"),
                col.RETRIEVED.but(label="pairs recalled"),
                col.EXACT.but(label="exact pairs"),
                col.final_overlap_of("x"),
                col.final_overlap_of("y"),
                Column("half-steps", "mean_half_steps", ".1f"),
            )
        ),
        "capacity": Summary(
            table="capacity_summary",
            columns=(
                col.PAIRS,
                Column("stable", "stable", "pct"),
                col.RETRIEVED.but(label="recalled", key="recalled"),
                col.BIT_ERROR,
                col.BIT_ERROR.but(label="exact bit error", key="theory_bit_error"),
            ),
        ),
    },
    capacity_patterns="patterns: {source: random, size: 100}",
    capacity_example="capacity: {pairs: [5, 10, 20]}",
)
