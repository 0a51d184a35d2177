"""Scenario sections of the continuous modern Hopfield network (model kind ``modern``).

Ramsauer et al. (2021), "Hopfield networks is all you need", run by
:mod:`memsim.hopfield.modern`; sparse normalisers after Hu et al. (2023) and Santos et al. (2024).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from memsim.scenario.base import Strict
from memsim.scenario.fields import Bias
from memsim.scenario.kinds import builtin

NEEDS_PATTERNS = True

Normaliser = Literal["softmax", "sparsemax", "entmax15"]


class ModernModel(Strict):
    """Modern Hopfield network: update ``xi <- norm(beta xi X^T) X`` (eq. 3)."""

    kind: Literal["modern"] = Field(description="model family")
    beta: float = Field(1.0, gt=0.0, le=1e6, description="inverse temperature beta")
    scale_beta: bool = Field(False, description="use beta / sqrt(d) (transformer convention)")
    normaliser: Normaliser = Field("softmax", description="association normaliser")
    steps: int = Field(50, ge=1, le=100_000, description="largest number of updates")
    tol: float = Field(1e-10, ge=0.0, le=1e3, description="stop when an update moves < tol")
    mass: float = Field(0.9, gt=0.0, le=1.0, description="fixed-point classes: weight mass")
    global_fraction: float = Field(
        0.5, gt=0.0, lt=1.0, description="fixed-point classes: 'global' above this share of P"
    )
    compare_classical: bool = Field(
        False, description="also store the patterns in a Hebbian network and cue it the same way"
    )
    classical_sweeps: int = Field(
        50, ge=1, le=100_000, description="sweep limit of the classical comparison"
    )


class ModernCapacity(Strict):
    """Studies for `memsim capacity` (field ``study``)."""

    kind: Literal["modern"] = "modern"
    study: Literal["beta_sweep", "separation", "capacity"] = Field(
        description="beta_sweep: fixed-point class vs beta; separation: retrieval error vs "
        "Delta (Theorem 5); capacity: stored patterns vs d"
    )
    betas: list[Annotated[float, Field(gt=0.0, le=1e6)]] | None = Field(
        None, description="beta_sweep: inverse temperatures"
    )
    biases: list[Bias] | None = Field(
        None, description="separation: pattern biases, one pattern set each (spread Delta)"
    )
    dims: list[Annotated[int, Field(ge=2, le=100_000)]] | None = Field(
        None, description="capacity: dimensions d"
    )
    error_rate: float = Field(0.01, gt=0.0, lt=1.0, description="capacity: allowed failures")
    noise: float = Field(0.1, ge=0.0, le=0.5, description="capacity: fraction of flipped signs")
    queries: int = Field(50, ge=1, le=100_000, description="capacity: noisy queries per test")
    rel_error: float = Field(0.1, gt=0.0, le=2.0, description="capacity: allowed relative error")
    k_max: int = Field(1 << 15, ge=1, le=1 << 22, description="capacity: search limit")

    @model_validator(mode="after")
    def _axis(self):
        need = {"beta_sweep": "betas", "separation": "biases", "capacity": "dims"}[self.study]
        v = getattr(self, need)
        if need != "biases" and not v:
            raise ValueError(f"study {self.study!r} needs a non-empty list in field {need!r}")
        if v is not None and not v:
            raise ValueError(f"give at least one value in {need!r}")
        return self


Model = ModernModel
Capacity = ModernCapacity


def cross_check(sc, file: str | None, base_dir) -> None:
    """Cue indices within range, pictures only for 2-D patterns, memory."""
    from memsim.errors import ScenarioError
    from memsim.scenario.load import check_run_memory, cued_patterns, grey_patterns

    p, n, n_cues = cued_patterns(sc, file, base_dir)
    if p < 2:
        raise ScenarioError(
            "a modern network needs at least 2 stored patterns (allowed: count >= 2)",
            file=file,
            field="patterns.count",
        )
    if grey_patterns(sc) and sc.model.compare_classical:
        raise ScenarioError(
            "model.compare_classical stores the patterns in a Hebbian network, which needs -1/+1 "
            "patterns; patterns.binarise is 'none' (grey values): set compare_classical: false "
            "or binarise the patterns",
            file=file,
            field="model.compare_classical",
        )

    # trajectory: B x (steps + 1) x (d + P) float64; the pattern size drives the need (with
    # the number of cues and model.steps)
    def need_of(k: int) -> int:
        need = n_cues * (sc.model.steps + 1) * (k + p) * 8 + p * k * 8
        return need + (k * k * 14 if sc.model.compare_classical else 0)

    def sweep_need(cap) -> int | None:
        return cap.k_max * max(cap.dims) * 16 if cap.study == "capacity" else None

    check_run_memory(sc, file, need_of, n, sweep_need, "capacity.dims")


# ------------------------------------------------------------------------------ the kind ----
KIND = builtin(
    name="modern",
    order=2,
    description="modern continuous Hopfield networks (Ramsauer et al. 2020): softmax retrieval, "
    "energy, fixed points, capacity",
    capacity_example="capacity: {study: beta_sweep, betas: [0.01, 0.1, 1.0]}",
)
