"""Scenario sections of dense associative memory (model kind ``dense``; Krotov & Hopfield 2016).

Krotov & Hopfield (2016) polynomial / rectified interactions ``F(x) = x^n``, ``max(x, 0)^n`` and
the exponential interaction of Demircigil et al. (2017), run by :mod:`memsim.hopfield.dense`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from memsim.scenario.base import Strict
from memsim.scenario.fields import nonempty
from memsim.scenario.kinds import builtin

NEEDS_PATTERNS = True

Interaction = Literal["polynomial", "rectified", "exponential"]


class DenseModel(Strict):
    """Dense associative memory: energy ``E = -sum_mu F(xi^mu . s)``."""

    kind: Literal["dense"] = Field(description="model family")
    interaction: Interaction = Field("polynomial", description="interaction function F")
    n: int = Field(3, ge=2, le=20, description="interaction order n (polynomial, rectified)")
    dynamics: Literal["async", "sync"] = Field("async", description="update dynamics")
    order: Literal["random", "fixed"] = Field("random", description="async update order")
    max_sweeps: int = Field(50, ge=1, le=100_000, description="limit on sweeps / sync steps")


class DenseCapacity(Strict):
    """Capacity K against N (and n) by bisection on the number of random patterns."""

    kind: Literal["dense"] = "dense"
    sizes: list[Annotated[int, Field(ge=8, le=100_000)]] = Field(description="network sizes N")
    degrees: list[Annotated[int, Field(ge=2, le=20)]] | None = Field(
        None, description="interaction orders n (default: model.n; ignored for exponential)"
    )
    criterion: Literal["bit_error", "retrieval"] = Field(
        "bit_error", description="one-step bit error at stored patterns, or retrieval of cues"
    )
    error_rate: float = Field(0.01, gt=0.0, lt=0.5, description="allowed error rate")
    cues: int = Field(200, ge=1, le=100_000, description="test cues / patterns per evaluation")
    k_max: int = Field(100_000, ge=1, le=10_000_000, description="upper limit of the search")

    _nonempty = nonempty("sizes", "degrees")


Model = DenseModel
Capacity = DenseCapacity


def cross_check(sc, file: str | None, base_dir) -> None:
    """Cue indices within range, pictures only for 2-D patterns, memory."""
    from memsim.scenario.load import check_run_memory, cued_patterns

    p, n, n_cues = cued_patterns(sc, file, base_dir)

    def need_of(k: int) -> int:
        return p * k * 9 + n_cues * (k * 10 + p * 16 + (sc.model.max_sweeps + 1) * 32)

    def sweep_need(cap) -> int:
        return cap.k_max * max(cap.sizes) // 64 + cap.cues * max(cap.sizes) * 16

    check_run_memory(sc, file, need_of, n, sweep_need, "capacity.sizes")


# ------------------------------------------------------------------------------ the kind ----
KIND = builtin(
    name="dense",
    order=1,
    description="dense associative memories (Krotov & Hopfield 2016): polynomial, rectified "
    "and exponential interaction functions",
    capacity_patterns="patterns: {source: random, size: 30}",
    capacity_example="capacity: {sizes: [20, 30, 45], degrees: [2, 3]}",
)
